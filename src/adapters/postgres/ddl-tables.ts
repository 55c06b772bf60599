import { errors } from '../../errors.js';
import type { Column, Constraint, FkAction, ForeignKey, Index, Policy, PrimaryKey, Table, TableRef } from '../../unified/index.js';
import { collationSql, identList, qname, quoteIdent, quoteLiteral } from './sql-text.js';
import type { SequenceOptions } from './types.js';

/** SQL for the parts of a table: columns, constraints, indexes, policies, comments. */

export const commentOn = (what: string, comment: string | undefined): string =>
  `COMMENT ON ${what} IS ${comment === undefined ? 'NULL' : quoteLiteral(comment)}`;
const named = (name: string | undefined) => (name === undefined ? '' : `CONSTRAINT ${quoteIdent(name)} `);
const deferral = (d: { deferrable?: boolean | undefined; initiallyDeferred?: boolean | undefined }) =>
  `${d.deferrable ? ' DEFERRABLE' : ''}${d.initiallyDeferred ? ' INITIALLY DEFERRED' : ''}`;
const table = (t: TableRef) => qname(t);

export function sequenceOptionsSql(o: SequenceOptions): string[] {
  return [
    o.increment === undefined ? '' : `INCREMENT BY ${o.increment}`,
    o.min === undefined ? '' : `MINVALUE ${o.min}`,
    o.max === undefined ? '' : `MAXVALUE ${o.max}`,
    o.start === undefined ? '' : `START WITH ${o.start}`,
    o.cache === undefined ? '' : `CACHE ${o.cache}`,
    o.cycle ? 'CYCLE' : '',
  ].filter(Boolean);
}

export const typeSql = (native: string, collation: string | undefined): string =>
  collation === undefined ? native : `${native} COLLATE ${collationSql(collation)}`;

export function columnSql(c: Column): string {
  for (const key of ['autoIncrement', 'charset', 'onUpdate', 'invisible', 'zerofill'] as const) {
    if (c[key] !== undefined && c[key] !== false) throw errors.planUnsupported('postgres', `column ${c.name}: ${key} (a MySQL/SQLite column attribute)`);
  }
  const parts = [quoteIdent(c.name), typeSql(c.type.native, c.collation)];
  if (c.generated !== undefined) {
    if (!c.generated.stored) throw errors.planUnsupported('postgres', `virtual generated column ${c.name}`);
    parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) STORED`);
  }
  if (c.identity !== undefined) {
    const options = sequenceOptionsSql(c.identity);
    parts.push(`GENERATED ${c.identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length > 0 ? ` (${options.join(' ')})` : ''}`);
  }
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  if (!c.nullable) parts.push('NOT NULL');
  return parts.join(' ');
}

const action = (a: FkAction | undefined) => (a === undefined ? 'NO ACTION' : a.toUpperCase());

export function foreignKeySql(f: ForeignKey): string {
  const ref = qname({ schema: f.references.schema, name: f.references.table });
  const match = f.match === undefined ? '' : ` MATCH ${f.match.toUpperCase()}`;
  return `${named(f.name)}FOREIGN KEY (${identList(f.columns)}) REFERENCES ${ref} (${identList(f.references.columns)})${match} ON UPDATE ${action(f.onUpdate)} ON DELETE ${action(f.onDelete)}${deferral(f)}`;
}

export const primaryKeySql = (pk: PrimaryKey): string => `${named(pk.name)}PRIMARY KEY (${identList(pk.columns)})`;

/** A constraint as it appears in CREATE TABLE or after ALTER TABLE ... ADD (NOT VALID is only allowed there). */
export function constraintSql(c: Constraint, inAlter: boolean): string {
  switch (c.type) {
    case 'unique':
      return `${named(c.def.name)}UNIQUE${c.def.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} (${identList(c.def.columns)})${deferral(c.def)}`;
    case 'check':
      return `${named(c.def.name)}CHECK (${c.def.expression})${c.def.noInherit ? ' NO INHERIT' : ''}${inAlter && c.def.notValid ? ' NOT VALID' : ''}`;
    case 'foreign_key':
      return `${foreignKeySql(c.def)}${inAlter && c.def.notValid ? ' NOT VALID' : ''}`;
    case 'exclusion':
      return `${named(c.def.name)}${c.def.definition}${deferral(c.def)}`;
  }
}

const constraintName = (c: Constraint): string | undefined => c.def.name;

export function addConstraintSql(t: TableRef, c: Constraint): string[] {
  const comment = c.def.comment;
  const name = constraintName(c);
  return [
    `ALTER TABLE ${table(t)} ADD ${constraintSql(c, true)}`,
    ...(comment === undefined || name === undefined ? [] : [commentOn(`CONSTRAINT ${quoteIdent(name)} ON ${table(t)}`, comment)]),
  ];
}

export function dropConstraintSql(t: TableRef, c: Constraint): string {
  const name = constraintName(c);
  if (name === undefined) throw errors.planUnsupported('postgres', `dropping an unnamed ${c.type.replace('_', ' ')} constraint on ${t.name}`);
  return `ALTER TABLE ${table(t)} DROP CONSTRAINT ${quoteIdent(name)}`;
}

/** `concurrently`: built without blocking writes (outside a transaction only). */
export function indexSql(t: TableRef, i: Index, concurrently = false): string[] {
  const keys = i.keys.map((k) => {
    let sql = k.column === undefined ? `(${k.expression ?? ''})` : quoteIdent(k.column);
    if (k.length !== undefined) throw errors.planUnsupported('postgres', `prefix length on a key of index ${i.name}`);
    if (k.collation !== undefined) sql += ` COLLATE ${collationSql(k.collation)}`;
    if (k.opclass !== undefined) sql += ` ${k.opclass}`;
    if (k.desc) sql += ' DESC';
    if (k.nulls !== undefined) sql += ` NULLS ${k.nulls.toUpperCase()}`;
    return sql;
  });
  if (i.invisible) throw errors.planUnsupported('postgres', `invisible index ${i.name}`);
  const sql = [
    `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${quoteIdent(i.name)} ON ${table(t)}`,
    i.method === undefined ? '' : ` USING ${i.method}`,
    ` (${keys.join(', ')})`,
    i.include === undefined ? '' : ` INCLUDE (${identList(i.include)})`,
    i.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '',
    i.with === undefined ? '' : ` WITH (${i.with})`,
    i.where === undefined ? '' : ` WHERE ${i.where}`,
  ].join('');
  return [sql, ...(i.comment === undefined ? [] : [commentOn(`INDEX ${qname({ schema: t.schema, name: i.name })}`, i.comment)])];
}

export const dropIndexSql = (t: TableRef, i: Index, concurrently = false): string =>
  `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${qname({ schema: t.schema, name: i.name })}`;

const POLICY_COMMANDS = { all: 'ALL', select: 'SELECT', insert: 'INSERT', update: 'UPDATE', delete: 'DELETE' } as const;
const role = (r: string) => (r.toLowerCase() === 'public' ? 'PUBLIC' : quoteIdent(r));

export function policySql(t: TableRef, p: Policy): string {
  return [
    `CREATE POLICY ${quoteIdent(p.name)} ON ${table(t)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`,
    ` FOR ${POLICY_COMMANDS[p.command]} TO ${p.roles.map(role).join(', ')}`,
    p.using === undefined ? '' : ` USING (${p.using})`,
    p.withCheck === undefined ? '' : ` WITH CHECK (${p.withCheck})`,
  ].join('');
}

export const dropPolicySql = (t: TableRef, p: Policy): string => `DROP POLICY ${quoteIdent(p.name)} ON ${table(t)}`;

/** ALTER COLUMN statements that bring a partition's inherited column to what the model says. */
function partitionColumnSql(t: Table, parent: Table | undefined): string[] {
  if (parent === undefined) return [];
  return t.columns.flatMap((c) => {
    const p = parent.columns.find((pc) => pc.name === c.name);
    const out: string[] = [];
    const col = `ALTER TABLE ${table(t)} ALTER COLUMN ${quoteIdent(c.name)}`;
    if (p?.default !== c.default) out.push(c.default === undefined ? `${col} DROP DEFAULT` : `${col} SET DEFAULT ${c.default}`);
    if (p?.nullable !== false && !c.nullable) out.push(`${col} SET NOT NULL`);
    if (c.comment !== undefined) out.push(commentOn(`COLUMN ${table(t)}.${quoteIdent(c.name)}`, c.comment));
    return out;
  });
}

/**
 * CREATE TABLE with everything that belongs to the table alone: columns, keys, checks, exclusions,
 * indexes, comments, row-level security. Foreign keys and policies come later (they may name tables
 * created after this one).
 */
export function createTableSql(t: Table, parent: Table | undefined): string[] {
  const elements: string[] = t.partitionOf === undefined ? t.columns.map(columnSql) : [];
  if (t.primaryKey !== undefined) elements.push(primaryKeySql(t.primaryKey));
  for (const def of t.uniques) elements.push(constraintSql({ type: 'unique', def }, false));
  for (const def of t.checks) if (!def.notValid) elements.push(constraintSql({ type: 'check', def }, false));
  for (const def of t.exclusions) elements.push(constraintSql({ type: 'exclusion', def }, false));
  const body = elements.length === 0 ? '' : ` (\n  ${elements.join(',\n  ')}\n)`;
  const o = t.options ?? {};
  for (const key of ['withoutRowid', 'strict', 'engine', 'charset', 'collation', 'rowFormat'] as const) {
    if (o[key] !== undefined && o[key] !== false) throw errors.planUnsupported('postgres', `table option ${key} of ${t.name}`);
  }
  let sql = `CREATE ${o.unlogged ? 'UNLOGGED ' : ''}TABLE ${qname(t)}`;
  if (t.partitionOf !== undefined) sql += ` PARTITION OF ${qname({ schema: t.partitionOf.schema, name: t.partitionOf.table })}${body} ${t.partitionOf.bound}`;
  else sql += body === '' ? ' ()' : body;
  if (t.partitionBy !== undefined) sql += ` PARTITION BY ${t.partitionBy.strategy.toUpperCase()} (${t.partitionBy.key})`;
  if (o.with !== undefined) sql += ` WITH (${o.with})`;
  const name = table(t);
  const constraintComments = [
    ...(t.primaryKey === undefined ? [] : [t.primaryKey]),
    ...t.uniques,
    ...t.checks.filter((c) => !c.notValid),
    ...t.exclusions,
  ].flatMap((c) => (c.comment === undefined || c.name === undefined ? [] : [commentOn(`CONSTRAINT ${quoteIdent(c.name)} ON ${name}`, c.comment)]));
  return [
    sql,
    ...(t.partitionOf === undefined ? [] : partitionColumnSql(t, parent)),
    ...t.checks.filter((c) => c.notValid).flatMap((def) => addConstraintSql(t, { type: 'check', def })),
    ...(t.comment === undefined ? [] : [commentOn(`TABLE ${name}`, t.comment)]),
    ...(t.partitionOf === undefined
      ? t.columns.flatMap((c) => (c.comment === undefined ? [] : [commentOn(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment)]))
      : []),
    ...constraintComments,
    ...(o.rowLevelSecurity ? [`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`] : []),
    ...(o.forceRowLevelSecurity ? [`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`] : []),
    ...t.indexes.flatMap((i) => indexSql(t, i)),
  ];
}
