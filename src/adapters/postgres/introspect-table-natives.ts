import type { NativeObject } from '../../unified/index.js';
import type { RawColumn, RawConstraint, RawRelation } from './catalog-tables.js';
import { commentSql, statements } from './introspect-objects.js';
import type { RelationRows } from './introspect-tables.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * What a table, view or sequence has that the model cannot say, kept as native DDL that runs after
 * the object exists: privileges, tablespaces, per-column storage settings, a custom identity
 * sequence name, ON DELETE SET NULL (columns), INCLUDE / WITH on keys.
 */

const NAMEDATALEN = 64;

/** The first `bytes` bytes of `text`, cut back to a whole character as pg_mbcliplen() does. */
function clip(text: string, bytes: number): string {
  const b = Buffer.from(text);
  let n = Math.min(bytes, b.length);
  while (n > 0 && n < b.length && ((b[n] ?? 0) & 0xc0) === 0x80) n--;
  return b.subarray(0, n).toString();
}

/** The name PostgreSQL gives a column's identity sequence (makeObjectName(table, column, 'seq')). */
export function defaultSequenceName(table: string, column: string): string {
  const available = NAMEDATALEN - 1 - ('seq'.length + 2);
  let t = Buffer.byteLength(table);
  let c = Buffer.byteLength(column);
  while (t + c > available) {
    if (t > c) t--;
    else c--;
  }
  return `${clip(table, t)}_${clip(column, c)}_seq`;
}

const relationKeyword = (rel: RawRelation) => (rel.kind === 'm' ? 'MATERIALIZED VIEW' : rel.kind === 'v' ? 'VIEW' : rel.kind === 'S' ? 'SEQUENCE' : 'TABLE');

/** An identity sequence whose name is not the one PostgreSQL would pick: renamed after the column makes it. */
function identitySequence(rel: RawRelation, raw: RawColumn): NativeObject | undefined {
  if (raw.id_seq_name === null) return undefined;
  const fallback = defaultSequenceName(rel.name, raw.name);
  if (raw.id_seq_schema === rel.schema && raw.id_seq_name === fallback) return undefined;
  const definition = statements(
    `ALTER SEQUENCE ${qname({ schema: rel.schema, name: fallback })} RENAME TO ${quoteIdent(raw.id_seq_name)}`,
    // PostgreSQL 15 cannot make one elsewhere (nor move it): this fails loudly rather than lose the schema.
    raw.id_seq_schema === rel.schema
      ? undefined
      : `ALTER SEQUENCE ${qname({ schema: rel.schema, name: raw.id_seq_name })} SET SCHEMA ${quoteIdent(raw.id_seq_schema ?? '')}`,
  );
  return { type: 'identity sequence', schema: rel.schema, name: `${rel.name}.${raw.name}`, definition };
}

function constraintNatives(rel: RawRelation, k: RawConstraint): NativeObject[] {
  const out: NativeObject[] = [];
  const table = qname(rel);
  const readd = (def: string) =>
    statements(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(k.name)}`, `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(k.name)} ${def}`);
  const name = `${rel.name}.${k.name}`;
  if (k.type === 'f' && k.delete_set && k.def !== null) out.push({ type: 'foreign key on delete', schema: rel.schema, name, definition: readd(k.def) });
  if ((k.type === 'p' || k.type === 'u') && k.index_include === true && k.def !== null) {
    // Made again before foreign keys exist, with the comment it loses.
    out.push({
      type: 'constraint include',
      schema: rel.schema,
      name,
      definition: statements(readd(k.def), commentSql(`CONSTRAINT ${quoteIdent(k.name)} ON ${table}`, k.comment)),
    });
  }
  // pg_get_constraintdef() leaves the index's storage parameters out.
  if ((k.type === 'p' || k.type === 'u') && k.index_options !== null && k.index_name !== null) {
    out.push({
      type: 'constraint storage',
      schema: rel.schema,
      name,
      definition: `ALTER INDEX ${qname({ schema: rel.schema, name: k.index_name })} SET (${k.index_options.join(', ')})`,
    });
  }
  if (k.index_tablespace !== null && k.index_name !== null) out.push(tablespace(rel.schema, k.index_name, 'INDEX', k.index_tablespace));
  return out;
}

const tablespace = (schema: string, name: string, keyword: string, space: string): NativeObject => ({
  type: 'tablespace',
  schema,
  name,
  definition: `ALTER ${keyword} ${qname({ schema, name })} SET TABLESPACE ${quoteIdent(space)}`,
});

export function relationNatives(rel: RawRelation, rows: RelationRows): NativeObject[] {
  const out: NativeObject[] = [];
  const raws = rows.columns.get(rel.oid) ?? [];
  const grants = [rel.grants, ...raws.map((c) => c.grants)].filter((g): g is string => g !== null);
  if (grants.length > 0) out.push({ type: 'grant', schema: rel.schema, name: rel.name, definition: statements(...grants) });
  if (rel.tablespace !== null) out.push(tablespace(rel.schema, rel.name, relationKeyword(rel), rel.tablespace));
  if (rel.access_method !== null) {
    out.push({
      type: 'table access method',
      schema: rel.schema,
      name: rel.name,
      definition: `ALTER ${relationKeyword(rel)} ${qname({ schema: rel.schema, name: rel.name })} SET ACCESS METHOD ${quoteIdent(rel.access_method)}`,
    });
  }
  for (const raw of raws) {
    if (raw.options !== null) out.push({ type: 'column options', schema: rel.schema, name: `${rel.name}.${raw.name}`, definition: raw.options });
    const identity = identitySequence(rel, raw);
    if (identity !== undefined) out.push(identity);
  }
  for (const k of rows.constraints.get(rel.oid) ?? []) out.push(...constraintNatives(rel, k));
  for (const i of rows.indexes.get(rel.oid) ?? []) if (i.tablespace !== null) out.push(tablespace(rel.schema, i.name, 'INDEX', i.tablespace));
  return out;
}
