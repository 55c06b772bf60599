import { errors } from '../../errors.js';
import type {
  Check,
  Column,
  FkAction,
  ForeignKey,
  Index,
  IndexKey,
  PrimaryKey,
  Sequence,
  Table,
  TableOptions,
  UniqueConstraint,
  View,
} from '../../unified/index.js';
import { quoteIdent, quoteList, quoteString } from './sql-text.js';

/** SQL fragments of MariaDB/MySQL DDL; compile.ts decides what runs when. */

const unsupported = (what: string) => errors.planUnsupported('mysql', what);

/** A default the server takes as written: a literal or a bare function call like `current_timestamp(3)`. */
const BARE_DEFAULT =
  /^(?:[+-]?\d+(?:\.\d*)?(?:e[+-]?\d+)?|'(?:[^'\\]|\\.|'')*'|[xb]'[0-9a-f]*'|0x[0-9a-f]+|NULL|TRUE|FALSE|[a-z_][a-z0-9_]*\([^()]*\)|\(.*\))$/is;
const defaultSql = (d: string): string => (BARE_DEFAULT.test(d.trim()) ? d : `(${d})`);

/** The column's type as written in DDL: the native spelling, with ZEROFILL added if only the flag says so. */
const typeSql = (c: Column): string => (c.zerofill && !/\bzerofill\b/i.test(c.type.native) ? `${c.type.native} zerofill` : c.type.native);

/**
 * A check named after a column is that column's own CHECK (MariaDB names column-level checks after
 * their column, and they live and die with the column definition): it is written inline.
 */
export const columnCheck = (t: Table | undefined, column: string): Check | undefined => t?.checks.find((k) => k.name === column);
const tableChecks = (t: Table): Check[] => t.checks.filter((k) => k.name === undefined || !t.columns.some((c) => c.name === k.name));

export function columnSql(c: Column, check?: Check): string {
  const parts = [quoteIdent(c.name), typeSql(c)];
  if (c.charset !== undefined) parts.push(`CHARACTER SET ${c.charset}`);
  if (c.collation !== undefined) parts.push(`COLLATE ${c.collation}`);
  if (c.identity !== undefined) throw unsupported(`identity column ${c.name} (use AUTO_INCREMENT)`);
  if (c.generated !== undefined) {
    // Generated columns take neither NULL/NOT NULL nor a default.
    parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`);
  } else {
    parts.push(c.nullable ? 'NULL' : 'NOT NULL');
    if (c.default !== undefined) parts.push(`DEFAULT ${defaultSql(c.default)}`);
  }
  if (c.onUpdate !== undefined) parts.push(`ON UPDATE ${c.onUpdate}`);
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  if (c.invisible) parts.push('INVISIBLE');
  if (c.comment !== undefined) parts.push(`COMMENT ${quoteString(c.comment)}`);
  if (check !== undefined) parts.push(`CHECK (${check.expression})`);
  return parts.join(' ');
}

const isMemory = (engine: string | undefined) => engine !== undefined && /^(MEMORY|HEAP)$/i.test(engine);

/** One key part: a column or expression, its prefix length, DESC. */
function keySql(k: IndexKey, index: string): string {
  if (k.nulls !== undefined || k.opclass !== undefined || k.collation !== undefined) throw unsupported(`key options of index ${index}`);
  let sql = k.column === undefined ? `(${k.expression ?? ''})` : quoteIdent(k.column);
  if (k.length !== undefined) sql += `(${k.length})`;
  if (k.desc) sql += ' DESC';
  return sql;
}

/** `[UNIQUE|FULLTEXT|SPATIAL]`, the key list and the trailing options of an index. */
function indexParts(i: Index, engine: string | undefined): { kind: string; keys: string; options: string } {
  if (i.where !== undefined) throw unsupported(`partial index ${i.name}`);
  if (i.include !== undefined) throw unsupported(`INCLUDE columns of index ${i.name}`);
  if (i.nullsNotDistinct) throw unsupported(`NULLS NOT DISTINCT index ${i.name}`);
  const method = i.method?.toLowerCase();
  // The one index option MySQL has beyond the model's fields: a FULLTEXT parser.
  if (i.with !== undefined && !(method === 'fulltext' && /^PARSER\s+(?:`(?:[^`]|``)+`|\w+)$/i.test(i.with)))
    throw unsupported(`index options ${i.with} of index ${i.name}`);
  let kind = i.unique ? 'UNIQUE ' : '';
  let using = '';
  if (method === 'fulltext' || method === 'spatial') kind = `${method.toUpperCase()} `;
  else if (method === 'hash') using = ' USING HASH';
  // MEMORY tables default to HASH, so a plain (B-tree) index there must say so.
  else if (method === 'btree' || (method === undefined && isMemory(engine))) using = ' USING BTREE';
  else if (method !== undefined) throw unsupported(`${method} index ${i.name}`);
  const keys = i.keys.map((k) => keySql(k, i.name));
  const comment = i.comment === undefined ? '' : ` COMMENT ${quoteString(i.comment)}`;
  const parser = i.with === undefined ? '' : ` WITH ${i.with}`;
  return { kind, keys: keys.join(', '), options: `${using}${comment}${i.invisible ? ' IGNORED' : ''}${parser}` };
}

/** An index inside CREATE TABLE. */
export function indexDefinitionSql(i: Index, engine: string | undefined): string {
  const p = indexParts(i, engine);
  return `${p.kind}KEY ${quoteIdent(i.name)} (${p.keys})${p.options}`;
}

export function createIndexSql(table: string, i: Index, engine: string | undefined): string {
  const p = indexParts(i, engine);
  return `CREATE ${p.kind}INDEX ${quoteIdent(i.name)} ON ${quoteIdent(table)} (${p.keys})${p.options}`;
}

export function primaryKeySql(pk: PrimaryKey): string {
  const keys = pk.keys === undefined ? quoteList(pk.columns) : pk.keys.map((k) => keySql(k, 'PRIMARY')).join(', ');
  return `PRIMARY KEY (${keys})${pk.comment === undefined ? '' : ` COMMENT ${quoteString(pk.comment)}`}`;
}

const named = (name: string | undefined) => (name === undefined ? '' : `CONSTRAINT ${quoteIdent(name)} `);

export const uniqueSql = (u: UniqueConstraint): string => {
  if (u.deferrable || u.nullsNotDistinct) throw unsupported(`options of unique constraint ${u.name ?? u.columns.join(',')}`);
  return `${named(u.name)}UNIQUE (${quoteList(u.columns)})`;
};

export const checkSql = (k: Check): string => `${named(k.name)}CHECK (${k.expression})`;

/** InnoDB treats NO ACTION as RESTRICT but reports each as written, so both are always spelled out. */
const action = (a: FkAction | undefined) => (a === undefined ? 'NO ACTION' : a.toUpperCase());

export function foreignKeySql(f: ForeignKey): string {
  if (f.deferrable) throw unsupported(`deferrable foreign key ${f.name ?? f.columns.join(',')}`);
  const r = f.references;
  const target = r.schema === undefined ? quoteIdent(r.table) : `${quoteIdent(r.schema)}.${quoteIdent(r.table)}`;
  return `${named(f.name)}FOREIGN KEY (${quoteList(f.columns)}) REFERENCES ${target} (${quoteList(r.columns)}) ON DELETE ${action(f.onDelete)} ON UPDATE ${action(f.onUpdate)}`;
}

/** Table options in CREATE TABLE order; `with` holds the remaining CREATE_OPTIONS verbatim. */
export function tableOptionsSql(o: TableOptions | undefined, comment: string | undefined): string {
  const parts: string[] = [];
  if (o?.engine !== undefined) parts.push(`ENGINE=${o.engine}`);
  if (o?.charset !== undefined) parts.push(`DEFAULT CHARSET=${o.charset}`);
  if (o?.collation !== undefined) parts.push(`COLLATE=${o.collation}`);
  if (o?.rowFormat !== undefined) parts.push(`ROW_FORMAT=${o.rowFormat}`);
  if (o?.with !== undefined) parts.push(o.with);
  if (comment !== undefined) parts.push(`COMMENT=${quoteString(comment)}`);
  if (o?.withoutRowid || o?.strict || o?.unlogged || o?.rowLevelSecurity || o?.forceRowLevelSecurity) throw unsupported('SQLite/PostgreSQL table options');
  return parts.join(' ');
}

/** CREATE TABLE without foreign keys: those are added once every table exists, so cycles work. */
export function createTableSql(t: Table): string {
  if (t.exclusions.length > 0) throw unsupported(`exclusion constraints on ${t.name}`);
  if (t.policies.length > 0) throw unsupported(`row-level security policies on ${t.name}`);
  if (t.partitionBy !== undefined || t.partitionOf !== undefined) throw unsupported(`declarative partitioning of ${t.name}`);
  const lines = t.columns.map((c) => columnSql(c, columnCheck(t, c.name)));
  if (t.primaryKey !== undefined) lines.push(primaryKeySql(t.primaryKey));
  for (const i of t.indexes) lines.push(indexDefinitionSql(i, t.options?.engine));
  for (const u of t.uniques) lines.push(uniqueSql(u));
  for (const k of tableChecks(t)) lines.push(checkSql(k));
  const options = tableOptionsSql(t.options, t.comment);
  return `CREATE TABLE ${quoteIdent(t.name)} (\n  ${lines.join(',\n  ')}\n)${options === '' ? '' : ` ${options}`}`;
}

/** View options as the introspector records them: algorithm, security, check_option. */
export function createViewSql(v: View, orReplace: boolean): string {
  if (v.materialized) throw unsupported(`materialized view ${v.name}`);
  if (v.indexes.length > 0) throw unsupported(`indexes on view ${v.name}`);
  const o = v.options ?? {};
  const known = new Set(['algorithm', 'security', 'check_option']);
  const stray = Object.keys(o).find((k) => !known.has(k));
  if (stray !== undefined) throw unsupported(`view option ${stray} of ${v.name}`);
  const head = [
    orReplace ? 'CREATE OR REPLACE' : 'CREATE',
    o.algorithm === undefined ? '' : `ALGORITHM=${o.algorithm}`,
    o.security === undefined ? '' : `SQL SECURITY ${o.security}`,
    'VIEW',
  ].filter(Boolean);
  const columns = v.columns === undefined ? '' : ` (${quoteList(v.columns)})`;
  const check = o.check_option === undefined ? '' : ` WITH ${o.check_option} CHECK OPTION`;
  return `${head.join(' ')} ${quoteIdent(v.name)}${columns} AS ${v.definition}${check}`;
}

export function sequenceOptionsSql(s: Sequence): string {
  if (s.ownedBy !== undefined || s.type !== undefined) throw unsupported(`OWNED BY / AS type of sequence ${s.name}`);
  const parts: string[] = [];
  if (s.start !== undefined) parts.push(`START WITH ${s.start}`);
  if (s.min !== undefined) parts.push(`MINVALUE ${s.min}`);
  if (s.max !== undefined) parts.push(`MAXVALUE ${s.max}`);
  if (s.increment !== undefined) parts.push(`INCREMENT BY ${s.increment}`);
  if (s.cache !== undefined) parts.push(s.cache === '0' ? 'NOCACHE' : `CACHE ${s.cache}`);
  parts.push(s.cycle ? 'CYCLE' : 'NOCYCLE');
  return parts.join(' ');
}

export const createSequenceSql = (s: Sequence): string =>
  `CREATE SEQUENCE ${quoteIdent(s.name)} ${sequenceOptionsSql(s)}${s.comment === undefined ? '' : ` COMMENT=${quoteString(s.comment)}`}`;
