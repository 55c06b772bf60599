import type { CompositeType, Domain, Enum, NativeObject, Routine, Sequence, Trigger } from '../../unified/index.js';
import type { RawRoutine, RawUserType } from './catalog-objects.js';
import type { RawColumn, RawConstraint, RawRelation, RawTrigger } from './catalog-tables.js';
import { mapCheck, orUndefined } from './introspect-tables.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';
import { pgColumnType, withoutDefaults, type PgTypeInfo } from './types.js';

/** Statements of a native object, one per line; the definition runs them in order. */
export const statements = (...parts: (string | undefined)[]): string => parts.filter((p): p is string => p !== undefined).join(';\n');
export const commentSql = (on: string, comment: string | null): string | undefined =>
  comment === null ? undefined : `COMMENT ON ${on} IS ${quoteLiteral(comment)}`;

export function mapSequence(rel: RawRelation): Sequence {
  const type = rel.seq_type ?? 'bigint';
  return {
    schema: rel.schema,
    name: rel.name,
    type: type === 'bigint' ? undefined : type,
    ...withoutDefaults(type, {
      start: rel.seq_start ?? '1',
      increment: rel.seq_increment ?? '1',
      min: rel.seq_min ?? '1',
      max: rel.seq_max ?? '1',
      cache: rel.seq_cache ?? '1',
      cycle: rel.seq_cycle === true,
    }),
    ownedBy:
      rel.owner_deptype === 'a' && rel.owner_table !== null && rel.owner_column !== null
        ? { schema: rel.owner_schema ?? undefined, table: rel.owner_table, column: rel.owner_column }
        : undefined,
    comment: orUndefined(rel.comment),
  };
}

export interface UserTypes {
  enums: Enum[];
  domains: Domain[];
  composites: CompositeType[];
  natives: NativeObject[];
}

function rangeType(t: RawUserType): NativeObject {
  const options = [
    `SUBTYPE = ${t.range_subtype ?? ''}`,
    t.range_opclass === null ? undefined : `SUBTYPE_OPCLASS = ${t.range_opclass}`,
    t.range_collation === null ? undefined : `COLLATION = ${t.range_collation.startsWith('"') ? t.range_collation : quoteIdent(t.range_collation)}`,
    t.range_canonical === null ? undefined : `CANONICAL = ${t.range_canonical}`,
    t.range_diff === null ? undefined : `SUBTYPE_DIFF = ${t.range_diff}`,
    t.range_multirange === null ? undefined : `MULTIRANGE_TYPE_NAME = ${t.range_multirange}`,
  ].filter((o) => o !== undefined);
  const name = qname(t);
  return {
    type: 'range type',
    schema: t.schema,
    name: t.name,
    definition: statements(`CREATE TYPE ${name} AS RANGE (${options.join(', ')})`, commentSql(`TYPE ${name}`, t.comment)),
  };
}

export function mapUserTypes(
  rows: readonly RawUserType[],
  types: ReadonlyMap<string, PgTypeInfo>,
  attributes: ReadonlyMap<string, readonly RawColumn[]>,
  domainChecks: ReadonlyMap<string, readonly RawConstraint[]>,
): UserTypes {
  const out: UserTypes = { enums: [], domains: [], composites: [], natives: [] };
  for (const t of rows) {
    const comment = orUndefined(t.comment);
    switch (t.typtype) {
      case 'e':
        out.enums.push({ schema: t.schema, name: t.name, values: t.labels ?? [], comment });
        break;
      case 'd':
        out.domains.push({
          schema: t.schema,
          name: t.name,
          type: pgColumnType(t.base_native ?? '', t.base_oid ?? '', t.ndims, types),
          nullable: !t.not_null,
          default: orUndefined(t.default_expr),
          collation: orUndefined(t.collation),
          // The canonical form keeps domain checks in model order: by name, as the catalog has no order.
          checks: [...(domainChecks.get(t.oid) ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(mapCheck),
          comment,
        });
        break;
      case 'c':
        out.composites.push({
          schema: t.schema,
          name: t.name,
          attributes: (attributes.get(t.relid ?? '') ?? []).map((a) => ({
            name: a.name,
            type: pgColumnType(a.native, a.type_oid, a.ndims, types),
            collation: orUndefined(a.collation),
          })),
          comment,
        });
        break;
      case 'r':
        // The model has no range types: kept as native DDL.
        out.natives.push(rangeType(t));
        break;
    }
  }
  return out;
}

function aggregate(r: RawRoutine): NativeObject {
  const name = `${qname(r)}(${r.signature})`;
  const options = [
    `SFUNC = ${r.agg_sfunc ?? ''}`,
    `STYPE = ${r.agg_stype ?? ''}`,
    r.agg_finalfunc === null ? undefined : `FINALFUNC = ${r.agg_finalfunc}`,
    r.agg_combinefunc === null ? undefined : `COMBINEFUNC = ${r.agg_combinefunc}`,
    r.agg_initcond === null ? undefined : `INITCOND = ${quoteLiteral(r.agg_initcond)}`,
    r.agg_sortop === null ? undefined : `SORTOP = ${r.agg_sortop}`,
    r.agg_kind === 'h' ? 'HYPOTHETICAL' : undefined,
    r.parallel === 's' ? 'PARALLEL = SAFE' : r.parallel === 'r' ? 'PARALLEL = RESTRICTED' : undefined,
  ].filter((o) => o !== undefined);
  return {
    type: 'aggregate',
    schema: r.schema,
    name: `${r.name}(${r.signature})`,
    definition: statements(`CREATE AGGREGATE ${name} (${options.join(', ')})`, commentSql(`AGGREGATE ${name}`, r.comment)),
  };
}

export function mapRoutines(rows: readonly RawRoutine[]): { routines: Routine[]; natives: NativeObject[] } {
  const routines: Routine[] = [];
  const natives: NativeObject[] = [];
  for (const r of rows) {
    if (r.kind === 'a') {
      natives.push(aggregate(r));
      continue;
    }
    routines.push({
      schema: r.schema,
      name: r.name,
      kind: r.kind === 'p' ? 'procedure' : 'function',
      signature: r.signature,
      language: r.language,
      definition: (r.def ?? '').trimEnd(),
      comment: orUndefined(r.comment),
    });
  }
  return { routines, natives };
}

export const TRIGGER_STATE: Readonly<Record<string, string>> = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

export function mapTrigger(raw: RawTrigger, rel: RawRelation): Trigger {
  // The model keeps a trigger as its DDL; a trigger that is not simply enabled says so in a second statement.
  const state = TRIGGER_STATE[raw.enabled];
  return {
    schema: rel.schema,
    table: rel.name,
    name: raw.name,
    definition: statements(raw.def, state === undefined ? undefined : `ALTER TABLE ${qname(rel)} ${state} TRIGGER ${quoteIdent(raw.name)}`),
    comment: orUndefined(raw.comment),
  };
}
