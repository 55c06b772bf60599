import { errors } from '../../errors.js';
import {
  objectId,
  type Column,
  type Constraint,
  type Enum,
  type Index,
  type NativeObject,
  type SchemaObject,
  type Sequence,
  type Table,
  type TableRef,
  type View,
} from '../../unified/index.js';
import { identList, qname, quoteIdent, quoteLiteral } from './sql-text.js';
import { unhandled } from '../../unified/unhandled.js';

/** DDL text for one object or table part, in DuckDB's dialect. What DuckDB cannot express throws. */

const unsupported = (what: string) => errors.planUnsupported('duckdb', what);

/** DuckDB has no identity columns: a sequence and a `nextval` default number the rows instead. */
export const identitySequence = (table: TableRef, column: string): Sequence => ({ schema: table.schema, name: `${table.name}_${column}_seq` });

const numbered = (c: Column) => c.identity !== undefined || c.autoIncrement === true;

export function columnSql(table: TableRef, c: Column): string {
  for (const [field, set] of [
    ['ON UPDATE', c.onUpdate],
    ['CHARACTER SET', c.charset],
    ['INVISIBLE', c.invisible],
    ['ZEROFILL', c.zerofill],
  ] as const) {
    if (set !== undefined && set !== false) throw unsupported(`${field} on column ${table.name}.${c.name}`);
  }
  if (c.generated?.stored === true) throw unsupported(`stored generated column ${table.name}.${c.name} (DuckDB generates columns virtually)`);
  if (c.type.native === '') throw unsupported(`column ${table.name}.${c.name} without a type`);
  const parts = [quoteIdent(c.name), c.type.native];
  if (c.collation !== undefined) parts.push(`COLLATE ${c.collation}`);
  if (c.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) VIRTUAL`);
  const sequence = numbered(c) ? identitySequence(table, c.name) : undefined;
  if (sequence !== undefined)
    parts.push(`DEFAULT nextval(${quoteLiteral(sequence.schema === undefined ? sequence.name : `${sequence.schema}.${sequence.name}`)})`);
  else if (c.default !== undefined) parts.push(`DEFAULT (${c.default})`);
  if (!c.nullable) parts.push('NOT NULL');
  return parts.join(' ');
}

const named = (name: string | undefined) => (name === undefined ? '' : `CONSTRAINT ${quoteIdent(name)} `);

export function constraintSql(table: TableRef, c: Constraint): string {
  switch (c.type) {
    case 'unique':
      if (c.def.nullsNotDistinct || c.def.deferrable) throw unsupported(`unique constraint options on ${table.name}`);
      return `${named(c.def.name)}UNIQUE (${identList(c.def.columns)})`;
    case 'check':
      if (c.def.noInherit || c.def.notValid) throw unsupported(`check constraint options on ${table.name}`);
      return `${named(c.def.name)}CHECK (${c.def.expression})`;
    case 'foreign_key': {
      const f = c.def;
      const what = `foreign key ${table.name} (${f.columns.join(', ')})`;
      // DuckDB enforces foreign keys immediately and only as NO ACTION.
      for (const a of [f.onDelete, f.onUpdate])
        if (a !== undefined && a !== 'no action' && a !== 'restrict') throw unsupported(`${what} ON ${a.toUpperCase()}`);
      if (f.deferrable || f.notValid || (f.match !== undefined && f.match !== 'simple')) throw unsupported(`${what}: DEFERRABLE, NOT VALID and MATCH`);
      if (f.references.schema !== table.schema) throw unsupported(`${what}: DuckDB foreign keys cannot cross schemas`);
      return `${named(f.name)}FOREIGN KEY (${identList(f.columns)}) REFERENCES ${qname({ schema: f.references.schema, name: f.references.table })} (${identList(f.references.columns)})`;
    }
    case 'exclusion':
      throw unsupported(`exclusion constraint ${c.def.name} on ${table.name}`);
  }
}

export const commentSql = (what: string, text: string | undefined): string => `COMMENT ON ${what} IS ${text === undefined ? 'NULL' : quoteLiteral(text)}`;
export const columnTarget = (table: TableRef, column: string) => `COLUMN ${qname(table)}.${quoteIdent(column)}`;

/** The CREATE TABLE (named `as` when rebuilding) and the comments on it and its columns. */
export function createTableSql(t: Table, as: TableRef = t): string[] {
  if (t.exclusions.length > 0 || t.policies.length > 0) throw unsupported(`exclusion constraints and policies on ${t.name}`);
  if (t.partitionBy !== undefined || t.partitionOf !== undefined) throw unsupported(`partitioning of ${t.name}`);
  if (t.options !== undefined && Object.values(t.options).some((v) => v !== undefined && v !== false)) throw unsupported(`table options of ${t.name}`);
  const pk = t.primaryKey;
  if (pk?.keys?.some((k) => k.desc || k.length !== undefined)) throw unsupported(`primary key options on ${t.name}`);
  const lines = t.columns.map((c) => columnSql(t, c));
  if (pk !== undefined) lines.push(`${named(pk.name)}PRIMARY KEY (${identList(pk.columns)})`);
  for (const def of t.uniques) lines.push(constraintSql(t, { type: 'unique', def }));
  for (const def of t.checks) lines.push(constraintSql(t, { type: 'check', def }));
  for (const def of t.foreignKeys) lines.push(constraintSql(t, { type: 'foreign_key', def }));
  const sequences = t.columns.filter(numbered).map((c) => `CREATE SEQUENCE IF NOT EXISTS ${qname(identitySequence(t, c.name))}`);
  const comments = [
    ...(t.comment === undefined ? [] : [commentSql(`TABLE ${qname(as)}`, t.comment)]),
    ...t.columns.filter((c) => c.comment !== undefined).map((c) => commentSql(columnTarget(as, c.name), c.comment)),
  ];
  return [...sequences, `CREATE TABLE ${qname(as)} (\n  ${lines.join(',\n  ')}\n)`, ...comments];
}

/** The CREATE INDEX and its comment. */
export function indexSql(table: TableRef, i: Index): string[] {
  if (i.where !== undefined) throw unsupported(`partial index ${i.name} (DuckDB has none)`);
  if (i.include !== undefined || i.nullsNotDistinct || i.invisible) throw unsupported(`index options of ${i.name}`);
  const keys = i.keys.map((k) => {
    if (k.desc || k.nulls !== undefined || k.collation !== undefined || k.opclass !== undefined || k.length !== undefined) {
      throw unsupported(`key options (order, collation, operator class, prefix) in index ${i.name}`);
    }
    return k.column === undefined ? (k.expression as string) : quoteIdent(k.column);
  });
  const method = i.method === undefined || i.method === 'art' ? '' : ` USING ${i.method.toUpperCase()}`;
  const options = i.with === undefined ? '' : ` WITH (${i.with})`;
  const sql = `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${qname(table)}${method} (${keys.join(', ')})${options}`;
  return [sql, ...(i.comment === undefined ? [] : [commentSql(`INDEX ${qname({ schema: table.schema, name: i.name })}`, i.comment)])];
}

export const dropIndexSql = (table: TableRef, i: Index) => `DROP INDEX ${qname({ schema: table.schema, name: i.name })}`;

function viewSql(v: View): string[] {
  if (v.materialized) throw unsupported(`materialized view ${v.name}`);
  if (v.options !== undefined || v.indexes.length > 0) throw unsupported(`options and indexes of view ${v.name}`);
  const create = `CREATE VIEW ${qname(v)}${v.columns === undefined ? '' : ` (${identList(v.columns)})`} AS ${v.definition}`;
  return [create, ...(v.comment === undefined ? [] : [commentSql(`VIEW ${qname(v)}`, v.comment)])];
}

export function sequenceSql(s: Sequence): string[] {
  if (s.ownedBy !== undefined || s.cache !== undefined || (s.type !== undefined && !/^(bigint|int8)$/i.test(s.type))) {
    throw unsupported(`sequence ${s.name} options (OWNED BY, CACHE, AS type)`);
  }
  const clauses = [
    s.increment === undefined ? '' : ` INCREMENT BY ${s.increment}`,
    s.min === undefined ? '' : ` MINVALUE ${s.min}`,
    s.max === undefined ? '' : ` MAXVALUE ${s.max}`,
    s.start === undefined ? '' : ` START ${s.start}`,
    s.cycle ? ' CYCLE' : '',
  ];
  return [`CREATE SEQUENCE ${qname(s)}${clauses.join('')}`, ...(s.comment === undefined ? [] : [commentSql(`SEQUENCE ${qname(s)}`, s.comment)])];
}

const enumSql = (e: Enum): string[] => [
  `CREATE TYPE ${qname(e)} AS ENUM (${e.values.map(quoteLiteral).join(', ')})`,
  ...(e.comment === undefined ? [] : [commentSql(`TYPE ${qname(e)}`, e.comment)]),
];

/** The natives DuckDB's introspection makes, by type, and how each is dropped. */
const NATIVE_DROPS: Readonly<Record<string, string>> = { type: 'TYPE', macro: 'MACRO', 'table macro': 'MACRO TABLE' };

export function createObjectSql(target: SchemaObject): string[] {
  switch (target.kind) {
    case 'namespace':
      if (target.object.comment !== undefined) throw unsupported(`comment on schema ${target.object.name} (DuckDB has none)`);
      return [`CREATE SCHEMA ${quoteIdent(target.object.name)}`];
    case 'enum':
      return enumSql(target.object);
    case 'sequence':
      return sequenceSql(target.object);
    case 'table':
      return [...createTableSql(target.object), ...target.object.indexes.flatMap((i) => indexSql(target.object, i))];
    case 'view':
      return viewSql(target.object);
    case 'native':
      return [nativeDefinition(target.object)];
    case 'extension':
    case 'domain':
    case 'composite':
    case 'routine':
    case 'trigger':
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)}`);
    default:
      return unhandled(target);
  }
}

function nativeDefinition(n: NativeObject): string {
  if (NATIVE_DROPS[n.type] === undefined) throw unsupported(`native ${n.type} ${n.name}`);
  return n.definition;
}

export function dropObjectSql(target: SchemaObject): string {
  switch (target.kind) {
    case 'namespace':
      return `DROP SCHEMA ${quoteIdent(target.object.name)}`;
    case 'enum':
      return `DROP TYPE ${qname(target.object)}`;
    case 'sequence':
      return `DROP SEQUENCE ${qname(target.object)}`;
    case 'table':
      return `DROP TABLE ${qname(target.object)}`;
    case 'view':
      return `DROP VIEW ${qname(target.object)}`;
    case 'native': {
      const kind = NATIVE_DROPS[target.object.type];
      if (kind === undefined) throw unsupported(`dropping native ${target.object.type} ${target.object.name}`);
      return `DROP ${kind} ${qname(target.object)}`;
    }
    case 'extension':
    case 'domain':
    case 'composite':
    case 'routine':
    case 'trigger':
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)}`);
    default:
      return unhandled(target);
  }
}
