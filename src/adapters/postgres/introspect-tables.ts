import type {
  Check,
  Column,
  Exclusion,
  FkAction,
  ForeignKey,
  Index,
  IndexKey,
  Policy,
  PrimaryKey,
  Table,
  TableOptions,
  UniqueConstraint,
  View,
} from '../../unified/index.js';
import type { KeySignature, RawIndex, RawKeyDecoration } from './catalog-indexes.js';
import type { RawColumn, RawConstraint, RawPolicy, RawRelation } from './catalog-tables.js';
import { catalogIndexKey, parseIndexKeys, signatureKey } from './index-def.js';
import { closingParen } from './sql-text.js';
import { pgColumnType, withoutDefaults, type PgTypeInfo } from './types.js';

/** Catalog rows of the whole database, grouped by the relation they belong to. */
export interface RelationRows {
  readonly types: ReadonlyMap<string, PgTypeInfo>;
  /** Columns of tables and composite types, in attribute order. */
  readonly columns: ReadonlyMap<string, readonly RawColumn[]>;
  /** Every relation's columns by attribute number: keys and foreign keys name columns by number. */
  readonly attributes: ReadonlyMap<string, ReadonlyMap<number, RawColumn>>;
  readonly constraints: ReadonlyMap<string, readonly RawConstraint[]>;
  readonly indexes: ReadonlyMap<string, readonly RawIndex[]>;
  readonly policies: ReadonlyMap<string, readonly RawPolicy[]>;
  /** What the server prints after a plain column key, by signatureKey(). */
  readonly decorations: ReadonlyMap<string, RawKeyDecoration>;
}

/** The column `num` of relation `rel`; a number the catalog gave that names no column is a bug, never a silent gap. */
export function attribute(rows: Pick<RelationRows, 'attributes'>, rel: string, num: number): RawColumn {
  const column = rows.attributes.get(rel)?.get(num);
  if (column === undefined) throw new Error(`catalog: relation ${rel} has no column ${num}`);
  return column;
}
const names = (rows: RelationRows, rel: string | null, nums: readonly number[] | null): string[] => (nums ?? []).map((n) => attribute(rows, rel ?? '', n).name);

/** The kind of each plain column key of an index, for KEY_DECORATIONS; none for an index the server prints. */
export function keySignatures(raw: RawIndex, rows: Pick<RelationRows, 'attributes'>): KeySignature[] {
  if (raw.def !== null) return [];
  return raw.attnums.slice(0, raw.key_count).map((num, k) => ({
    type: attribute(rows, raw.rel, num).type_oid,
    am: raw.am,
    opclass: raw.classes[k] ?? '0',
    collation: raw.collations[k] ?? '0',
    columnCollation: attribute(rows, raw.rel, num).collation_oid,
  }));
}

export const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function mapColumn(raw: RawColumn, types: ReadonlyMap<string, PgTypeInfo>): Column {
  const generated = raw.generated === 's' && raw.default_expr !== null;
  const identity =
    raw.identity === '' || raw.id_start === null
      ? undefined
      : {
          always: raw.identity === 'a',
          ...withoutDefaults(raw.native, {
            start: raw.id_start,
            increment: raw.id_increment ?? '1',
            min: raw.id_min ?? '1',
            max: raw.id_max ?? '1',
            cache: raw.id_cache ?? '1',
            cycle: raw.id_cycle === true,
          }),
        };
  return {
    name: raw.name,
    type: pgColumnType(raw.native, raw.type_oid, raw.ndims, types),
    nullable: !raw.not_null,
    default: generated ? undefined : orUndefined(raw.default_expr),
    generated: generated ? { expression: raw.default_expr as string, stored: true } : undefined,
    identity,
    collation: orUndefined(raw.collation),
    comment: orUndefined(raw.comment),
  };
}

/** `CHECK (expr) NO INHERIT` → `expr`: the model keeps the bare expression. */
export function checkExpression(def: string): string {
  const open = def.indexOf('(');
  const close = closingParen(def, open);
  return def.slice(open + 1, close).trim();
}

const ACTIONS: Readonly<Record<string, FkAction | undefined>> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const deferral = (k: RawConstraint) => ({ deferrable: k.deferrable || undefined, initiallyDeferred: k.deferred || undefined });

export function mapCheck(k: RawConstraint): Check {
  return {
    name: k.name,
    expression: checkExpression(k.def ?? ''),
    noInherit: k.no_inherit || undefined,
    notValid: !k.validated || undefined,
    comment: orUndefined(k.comment),
  };
}

function mapConstraints(rel: RawRelation, rows: RelationRows, isPartition: boolean) {
  let primaryKey: PrimaryKey | undefined;
  const uniques: UniqueConstraint[] = [];
  const foreignKeys: ForeignKey[] = [];
  const checks: Check[] = [];
  const exclusions: Exclusion[] = [];
  for (const k of rows.constraints.get(rel.oid) ?? []) {
    const comment = orUndefined(k.comment);
    const columns = k.type === 'p' || k.type === 'u' || k.type === 'f' ? names(rows, k.rel, k.keys) : [];
    switch (k.type) {
      case 'p':
        primaryKey = { name: k.name, columns, comment };
        break;
      case 'u':
        uniques.push({ name: k.name, columns, nullsNotDistinct: k.nulls_not_distinct || undefined, ...deferral(k), comment });
        break;
      case 'f':
        foreignKeys.push({
          name: k.name,
          columns,
          references: { schema: k.ref_schema ?? undefined, table: k.ref_table ?? '', columns: k.ref_columns ?? names(rows, k.ref_rel, k.ref_keys) },
          onDelete: ACTIONS[k.on_delete],
          onUpdate: ACTIONS[k.on_update],
          match: k.match === 'f' ? 'full' : k.match === 'p' ? 'partial' : undefined,
          ...deferral(k),
          notValid: !k.validated || undefined,
          comment,
        });
        break;
      case 'c':
        // A partition's inherited checks come back with its parent.
        if (!isPartition || k.is_local) checks.push(mapCheck(k));
        break;
      case 'x':
        exclusions.push({ name: k.name, definition: (k.def ?? '').replace(/ DEFERRABLE( INITIALLY DEFERRED)?$/, ''), ...deferral(k), comment });
        break;
    }
  }
  return { primaryKey, uniques, foreignKeys, checks, exclusions };
}

function indexKeys(raw: RawIndex, rows: RelationRows): IndexKey[] {
  const nums = raw.attnums.slice(0, raw.key_count);
  if (raw.def !== null)
    return parseIndexKeys(
      raw.def,
      raw.key_texts ?? [],
      nums.map((n) => (n === 0 ? '' : attribute(rows, raw.rel, n).name)),
    );
  return keySignatures(raw, rows).map((signature, k) => {
    const decoration = rows.decorations.get(signatureKey(signature));
    if (decoration === undefined) throw new Error(`catalog: no decoration for a key of index ${raw.name}`);
    return catalogIndexKey(attribute(rows, raw.rel, nums[k] ?? 0).name, raw.options[k] ?? 0, decoration);
  });
}

export function mapIndex(raw: RawIndex, rows: RelationRows): Index {
  const include = raw.attnums.slice(raw.key_count).map((n) => attribute(rows, raw.rel, n).name);
  return {
    name: raw.name,
    unique: raw.unique,
    method: raw.method === 'btree' ? undefined : raw.method,
    keys: indexKeys(raw, rows),
    where: orUndefined(raw.predicate),
    include: include.length > 0 ? include : undefined,
    nullsNotDistinct: raw.nulls_not_distinct || undefined,
    with: raw.reloptions === null ? undefined : raw.reloptions.join(', '),
    comment: orUndefined(raw.comment),
  };
}

const COMMANDS: Readonly<Record<string, Policy['command']>> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

function mapPolicy(raw: RawPolicy): Policy {
  return {
    name: raw.name,
    permissive: raw.permissive,
    command: COMMANDS[raw.command] ?? 'all',
    roles: [...raw.roles].sort(),
    using: orUndefined(raw.using),
    withCheck: orUndefined(raw.with_check),
  };
}

function tableOptions(rel: RawRelation): TableOptions | undefined {
  const options: TableOptions = {
    unlogged: rel.persistence === 'u' || undefined,
    with: rel.reloptions === null ? undefined : rel.reloptions.join(', '),
    rowLevelSecurity: rel.rls || undefined,
    forceRowLevelSecurity: rel.force_rls || undefined,
  };
  return Object.values(options).some((v) => v !== undefined) ? options : undefined;
}

function partitionBy(partkey: string | null): Table['partitionBy'] {
  if (partkey === null) return undefined;
  const open = partkey.indexOf('(');
  const strategy = partkey.slice(0, open).trim().toLowerCase() as 'range' | 'list' | 'hash';
  return { strategy, key: partkey.slice(open + 1, closingParen(partkey, open)).trim() };
}

export function mapTable(rel: RawRelation, rows: RelationRows): Table {
  const isPartition = rel.bound !== null;
  return {
    schema: rel.schema,
    name: rel.name,
    columns: (rows.columns.get(rel.oid) ?? []).map((c) => mapColumn(c, rows.types)),
    ...mapConstraints(rel, rows, isPartition),
    indexes: (rows.indexes.get(rel.oid) ?? []).map((i) => mapIndex(i, rows)),
    policies: (rows.policies.get(rel.oid) ?? []).map(mapPolicy),
    partitionBy: partitionBy(rel.partkey),
    partitionOf: isPartition ? { schema: rel.parent_schema ?? undefined, table: rel.parent_name ?? '', bound: rel.bound as string } : undefined,
    options: tableOptions(rel),
    comment: orUndefined(rel.comment),
  };
}

export function mapView(rel: RawRelation, rows: RelationRows): View {
  const options = Object.fromEntries((rel.reloptions ?? []).map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
  return {
    schema: rel.schema,
    name: rel.name,
    // pg_get_viewdef indents with a leading space and ends with a semicolon.
    definition: (rel.viewdef ?? '').trim().replace(/;$/, ''),
    materialized: rel.kind === 'm' || undefined,
    options: Object.keys(options).length > 0 ? options : undefined,
    indexes: (rows.indexes.get(rel.oid) ?? []).map((i) => mapIndex(i, rows)),
    comment: orUndefined(rel.comment),
  };
}
