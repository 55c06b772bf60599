import { errors } from '../../errors.js';
import { isWidening, type Column, type ColumnType, type TableAttributes, type TableRef } from '../../unified/index.js';
import { columnSql, commentOn, sequenceOptionsSql, typeSql } from './ddl-tables.js';
import { qname, quoteIdent } from './sql-text.js';

/** ALTER TABLE for changes to one existing column or to a table's own attributes. */

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether changing the type makes PostgreSQL rewrite the table (everything but widening a varchar). */
export function rewritesTable(from: Column, to: Column): boolean {
  if (from.type.native === to.type.native) return false;
  if (from.type.kind !== 'text' || to.type.kind !== 'text' || from.type.fixed || to.type.fixed) return true;
  return !isWidening(from.type, to.type);
}

export const addColumnSql = (t: TableRef, c: Column): string[] => [
  `ALTER TABLE ${qname(t)} ADD COLUMN ${columnSql(c)}`,
  ...(c.comment === undefined ? [] : [commentOn(`COLUMN ${qname(t)}.${quoteIdent(c.name)}`, c.comment)]),
];

export const dropColumnSql = (t: TableRef, c: Column): string => `ALTER TABLE ${qname(t)} DROP COLUMN ${quoteIdent(c.name)}`;

function identitySql(col: string, from: Column['identity'], to: Column['identity']): string[] {
  if (same(from, to)) return [];
  if (to === undefined) return [`${col} DROP IDENTITY`];
  const options = sequenceOptionsSql(to);
  if (from === undefined)
    return [`${col} ADD GENERATED ${to.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length > 0 ? ` (${options.join(' ')})` : ''}`];
  // Options left out return to their defaults, so every one is stated.
  const all = sequenceOptionsSql({ increment: to.increment ?? '1', cache: to.cache ?? '1' });
  const bounds = [to.min === undefined ? 'NO MINVALUE' : `MINVALUE ${to.min}`, to.max === undefined ? 'NO MAXVALUE' : `MAXVALUE ${to.max}`];
  // The default start is the lower bound going up, the upper one going down.
  const descending = (to.increment ?? '1').startsWith('-');
  const start = [`START WITH ${to.start ?? (descending ? (to.max ?? '-1') : (to.min ?? '1'))}`];
  const settings = [...all, ...bounds, ...start, to.cycle ? 'CYCLE' : 'NO CYCLE'].map((o) => `SET ${o}`);
  return [`${col} SET GENERATED ${to.always ? 'ALWAYS' : 'BY DEFAULT'} ${settings.join(' ')}`];
}

/** Enums cast to and from text only: a change that involves one goes through text. */
const castVia = (from: Column, to: Column): string => {
  const isEnum = (t: ColumnType) => t.kind === 'enum' || (t.kind === 'array' && t.of.kind === 'enum');
  if (!isEnum(from.type) && !isEnum(to.type)) return '';
  return from.type.kind === 'array' && to.type.kind === 'array' ? '::text[]' : '::text';
};

export function alterColumnSql(t: TableRef, from: Column, to: Column): string[] {
  for (const key of ['autoIncrement', 'charset', 'onUpdate', 'invisible', 'zerofill'] as const) {
    if (!same(from[key], to[key])) throw errors.planUnsupported('postgres', `changing ${key} of column ${t.name}.${to.name}`);
  }
  const name = qname(t);
  const col = `ALTER TABLE ${name} ALTER COLUMN ${quoteIdent(to.name)}`;
  // A changed generation expression can only be had by adding the column again (its values are derived).
  if (to.generated !== undefined && !same(from.generated, to.generated)) {
    return [`ALTER TABLE ${name} DROP COLUMN ${quoteIdent(to.name)}`, ...addColumnSql(t, to)];
  }
  const out: string[] = [];
  if (from.generated !== undefined && to.generated === undefined) out.push(`${col} DROP EXPRESSION`);
  const typeChanged = from.type.native !== to.type.native || from.collation !== to.collation;
  const defaultChanged = from.default !== to.default;
  // The old default may not cast to the new type: it goes first and comes back after.
  if (from.default !== undefined && (defaultChanged || typeChanged)) out.push(`${col} DROP DEFAULT`);
  if (typeChanged) out.push(`${col} TYPE ${typeSql(to.type.native, to.collation)} USING ${quoteIdent(to.name)}${castVia(from, to)}::${to.type.native}`);
  if (to.default !== undefined && (defaultChanged || typeChanged)) out.push(`${col} SET DEFAULT ${to.default}`);
  if (from.identity !== undefined && to.identity === undefined) out.push(...identitySql(col, from.identity, to.identity));
  // Identity needs NOT NULL first; dropping it leaves NOT NULL as it was.
  if (from.nullable !== to.nullable) out.push(`${col} ${to.nullable ? 'DROP' : 'SET'} NOT NULL`);
  if (to.identity !== undefined) out.push(...identitySql(col, from.identity, to.identity));
  if (from.comment !== to.comment) out.push(commentOn(`COLUMN ${name}.${quoteIdent(to.name)}`, to.comment));
  return out;
}

const reloptionKeys = (w: string | undefined) => (w === undefined ? [] : w.split(',').map((o) => o.trim().split('=')[0] ?? ''));

export function alterTableSql(t: TableRef, from: TableAttributes, to: TableAttributes): string[] {
  const name = qname(t);
  const out: string[] = [];
  const f = from.options ?? {};
  const o = to.options ?? {};
  for (const key of ['withoutRowid', 'strict', 'engine', 'charset', 'collation', 'rowFormat'] as const) {
    if (!same(f[key], o[key])) throw errors.planUnsupported('postgres', `changing table option ${key} of ${t.name}`);
  }
  if (!same(from.partitionBy, to.partitionBy))
    throw errors.planUnsupported('postgres', `changing the partitioning of ${t.name} (the table has to be re-created)`);
  if (!same(from.partitionOf, to.partitionOf)) {
    if (from.partitionOf !== undefined)
      out.push(`ALTER TABLE ${qname({ schema: from.partitionOf.schema, name: from.partitionOf.table })} DETACH PARTITION ${name}`);
    if (to.partitionOf !== undefined)
      out.push(`ALTER TABLE ${qname({ schema: to.partitionOf.schema, name: to.partitionOf.table })} ATTACH PARTITION ${name} ${to.partitionOf.bound}`);
  }
  if (!!f.unlogged !== !!o.unlogged) out.push(`ALTER TABLE ${name} SET ${o.unlogged ? 'UNLOGGED' : 'LOGGED'}`);
  if (f.with !== o.with) {
    if (f.with !== undefined) out.push(`ALTER TABLE ${name} RESET (${reloptionKeys(f.with).join(', ')})`);
    if (o.with !== undefined) out.push(`ALTER TABLE ${name} SET (${o.with})`);
  }
  if (!!f.rowLevelSecurity !== !!o.rowLevelSecurity) out.push(`ALTER TABLE ${name} ${o.rowLevelSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
  if (!!f.forceRowLevelSecurity !== !!o.forceRowLevelSecurity) out.push(`ALTER TABLE ${name} ${o.forceRowLevelSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY`);
  if (from.comment !== to.comment) out.push(commentOn(`TABLE ${name}`, to.comment));
  return out;
}
