import { errors } from '../../errors.js';
import {
  describeOperation,
  hazardsOf,
  objectId,
  type Column,
  type Constraint,
  type FkAction,
  type Hazard,
  type Index,
  type OnConflict,
  type Operation,
  type Plan,
  type PlanInput,
  type PlanStep,
  type PrimaryKey,
  type SchemaObject,
  type Table,
  type TableRef,
  type UniqueConstraint,
  type View,
} from '../../unified/index.js';
import { topologicalOrder } from '../topological-order.js';
import { scanReferences } from '../sql-references.js';
import { tokenize, type Token } from '../sql-tokens.js';
import { unhandled } from '../../unified/unhandled.js';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteString = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const list = (names: readonly string[]) => names.map(quoteIdent).join(', ');
const action = (a: FkAction | undefined) => (a === undefined ? 'NO ACTION' : a.toUpperCase());

/** Defaults SQLite accepts without parentheses; anything else is an expression and gets them. */
const LITERAL_DEFAULT =
  /^(?:[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|'(?:[^']|'')*'|[xX]'[0-9a-fA-F]*'|NULL|TRUE|FALSE|CURRENT_TIME|CURRENT_DATE|CURRENT_TIMESTAMP|\(.*\))$/is;
const defaultSql = (d: string) => (LITERAL_DEFAULT.test(d.trim()) ? d : `(${d})`);
const onConflict = (resolution: OnConflict | undefined) => (resolution === undefined ? '' : ` ON CONFLICT ${resolution.toUpperCase()}`);

function columnSql(c: Column, inlinePk: PrimaryKey | undefined): string {
  const parts = [quoteIdent(c.name)];
  if (c.type.native !== '') parts.push(c.type.native);
  if (inlinePk !== undefined) {
    if (inlinePk.name !== undefined) parts.push(`CONSTRAINT ${quoteIdent(inlinePk.name)}`);
    parts.push(`PRIMARY KEY${onConflict(inlinePk.onConflict)} AUTOINCREMENT`);
  }
  if (!c.nullable) parts.push(`NOT NULL${onConflict(c.notNullOnConflict)}`);
  if (c.default !== undefined) parts.push(`DEFAULT ${defaultSql(c.default)}`);
  if (c.collation !== undefined) parts.push(`COLLATE ${quoteIdent(c.collation)}`);
  if (c.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`);
  return parts.join(' ');
}

const named = (name: string | undefined) => (name === undefined ? '' : `CONSTRAINT ${quoteIdent(name)} `);

function constraintSql(c: Constraint): string {
  switch (c.type) {
    case 'unique':
      return `${named(c.def.name)}UNIQUE (${keyParts(c.def)})${onConflict(c.def.onConflict)}`;
    case 'check':
      return `${named(c.def.name)}CHECK (${c.def.expression})`;
    case 'foreign_key': {
      const f = c.def;
      let sql = `${named(f.name)}FOREIGN KEY (${list(f.columns)}) REFERENCES ${quoteIdent(f.references.table)} (${list(f.references.columns)})`;
      sql += ` ON DELETE ${action(f.onDelete)} ON UPDATE ${action(f.onUpdate)}`;
      if (f.match !== undefined) sql += ` MATCH ${f.match.toUpperCase()}`;
      if (f.deferrable) sql += ` DEFERRABLE INITIALLY ${f.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`;
      return sql;
    }
    case 'exclusion':
      throw errors.planUnsupported('sqlite', `exclusion constraint ${c.def.name}`);
  }
}

/** Key parts of a primary key or unique: SQLite keeps COLLATE and DESC on them, but has no prefix lengths. */
function keyParts(c: PrimaryKey | UniqueConstraint): string {
  if (c.keys === undefined) return list(c.columns);
  return c.keys
    .map((k) => {
      if (k.length !== undefined || k.column === undefined)
        throw errors.planUnsupported('sqlite', `key part ${k.column ?? k.expression ?? ''}(${k.length ?? ''})`);
      return `${quoteIdent(k.column)}${k.collation === undefined ? '' : ` COLLATE ${quoteIdent(k.collation)}`}${k.desc ? ' DESC' : ''}`;
    })
    .join(', ');
}

export function createTableSql(t: Table, as: string = t.name): string {
  if (t.exclusions.length > 0) throw errors.planUnsupported('sqlite', `exclusion constraints on ${t.name}`);
  if (t.partitionBy !== undefined || t.partitionOf !== undefined) throw errors.planUnsupported('sqlite', `partitioning of ${t.name}`);
  if (t.policies.length > 0) throw errors.planUnsupported('sqlite', `row-level security policies on ${t.name}`);
  // AUTOINCREMENT only exists as a column-level primary key.
  const autoPk =
    t.primaryKey !== undefined && t.primaryKey.columns.length === 1 && t.columns.some((c) => c.autoIncrement && c.name === t.primaryKey?.columns[0]);
  const lines = t.columns.map((c) => columnSql(c, autoPk && c.name === t.primaryKey?.columns[0] ? t.primaryKey : undefined));
  if (t.primaryKey !== undefined && !autoPk)
    lines.push(`${named(t.primaryKey.name)}PRIMARY KEY (${keyParts(t.primaryKey)})${onConflict(t.primaryKey.onConflict)}`);
  for (const def of t.uniques) lines.push(constraintSql({ type: 'unique', def }));
  for (const def of t.checks) lines.push(constraintSql({ type: 'check', def }));
  for (const def of t.foreignKeys) lines.push(constraintSql({ type: 'foreign_key', def }));
  const options = [t.options?.withoutRowid ? 'WITHOUT ROWID' : '', t.options?.strict ? 'STRICT' : ''].filter(Boolean).join(', ');
  return `CREATE TABLE ${quoteIdent(as)} (\n  ${lines.join(',\n  ')}\n)${options === '' ? '' : ` ${options}`}`;
}

export function createIndexSql(table: string, i: Index): string {
  if (i.include !== undefined || (i.method !== undefined && i.method !== 'btree')) {
    throw errors.planUnsupported('sqlite', `index ${i.name} (${i.method ?? 'INCLUDE'})`);
  }
  const keys = i.keys.map((k) => {
    let sql = k.column === undefined ? (k.expression as string) : quoteIdent(k.column);
    if (k.collation !== undefined) sql += ` COLLATE ${quoteIdent(k.collation)}`;
    if (k.desc) sql += ' DESC';
    return sql;
  });
  return `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${quoteIdent(table)} (${keys.join(', ')})${i.where === undefined ? '' : ` WHERE ${i.where}`}`;
}

const createViewSql = (v: View) => `CREATE VIEW ${quoteIdent(v.name)}${v.columns === undefined ? '' : ` (${list(v.columns)})`} AS ${v.definition}`;

function createObjectSql(target: SchemaObject): string[] {
  switch (target.kind) {
    case 'table':
      return [createTableSql(target.object), ...target.object.indexes.map((i) => createIndexSql(target.object.name, i))];
    case 'view':
      if (target.object.materialized) throw errors.planUnsupported('sqlite', `materialized view ${target.object.name}`);
      return [createViewSql(target.object)];
    case 'trigger':
      return [target.object.definition];
    case 'native':
      return [target.object.definition];
    case 'namespace':
    case 'extension':
    case 'enum':
    case 'domain':
    case 'composite':
    case 'sequence':
    case 'routine':
      throw errors.planUnsupported('sqlite', `${target.kind} ${objectId(target.kind, target.object)}`);
    default:
      return unhandled(target);
  }
}

function dropObjectSql(target: SchemaObject): string {
  switch (target.kind) {
    case 'table':
      return `DROP TABLE ${quoteIdent(target.object.name)}`;
    case 'view':
      return `DROP VIEW ${quoteIdent(target.object.name)}`;
    case 'trigger':
      return `DROP TRIGGER ${quoteIdent(target.object.name)}`;
    case 'native':
      if (target.object.type === 'virtual table') return `DROP TABLE ${quoteIdent(target.object.name)}`;
      throw errors.planUnsupported('sqlite', `dropping native ${target.object.type} ${target.object.name}`);
    case 'namespace':
    case 'extension':
    case 'enum':
    case 'domain':
    case 'composite':
    case 'sequence':
    case 'routine':
      throw errors.planUnsupported('sqlite', `${target.kind} ${objectId(target.kind, target.object)}`);
    default:
      return unhandled(target);
  }
}

const mentions = (expression: string, name: string): boolean =>
  tokenize(expression).some((t) => (t.type === 'ident' || t.type === 'word') && t.value.toUpperCase() === name.toUpperCase());

/** Whether SQLite's own ALTER TABLE can carry out this table operation, or the table must be rebuilt. */
function alterable(op: Operation, from: Table | undefined, to: Table | undefined): boolean {
  switch (op.op) {
    case 'add_index':
    case 'drop_index':
      return true;
    case 'add_column': {
      const c = op.column;
      const constantDefault = c.default === undefined || (LITERAL_DEFAULT.test(c.default.trim()) && !/^(\(|CURRENT_)/i.test(c.default.trim()));
      // ADD COLUMN appends: it only puts the column where `to` has it when no kept column follows it.
      const later = to?.columns.slice(to.columns.findIndex((x) => x.name === c.name) + 1) ?? [];
      const appended = from !== undefined && later.every((x) => !from.columns.some((f) => f.name === x.name));
      return appended && !c.autoIncrement && c.generated?.stored !== true && (c.nullable || c.default !== undefined) && constantDefault;
    }
    case 'drop_column': {
      if (from === undefined) return false;
      const name = op.column.name;
      const used =
        from.primaryKey?.columns.includes(name) ||
        from.uniques.some((u) => u.columns.includes(name)) ||
        from.foreignKeys.some((f) => f.columns.includes(name)) ||
        from.indexes.some(
          (i) =>
            i.keys.some((k) => k.column === name || (k.expression !== undefined && mentions(k.expression, name))) ||
            (i.where !== undefined && mentions(i.where, name)),
        ) ||
        from.checks.some((c) => mentions(c.expression, name)) ||
        from.columns.some((c) => c.generated !== undefined && mentions(c.generated.expression, name));
      return !used;
    }
    // The rest rebuild the table.
    case 'create_object':
    case 'drop_object':
    case 'alter_object':
    case 'alter_column':
    case 'set_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'add_policy':
    case 'drop_policy':
    case 'alter_table':
    case 'rename_object':
    case 'rename_column':
    case 'rename_index':
      return false;
    default:
      return unhandled(op);
  }
}

/** The operations SQLite's own ALTER TABLE carries out (when `alterable` says so). */
type InPlace = Extract<Operation, { op: 'add_index' | 'drop_index' | 'add_column' | 'drop_column' }>;
const isOp =
  <K extends InPlace['op']>(kind: K) =>
  (o: Operation): o is Extract<InPlace, { op: K }> =>
    o.op === kind;

function alterSql(op: InPlace): string {
  switch (op.op) {
    case 'add_index':
      return createIndexSql(op.table.name, op.index);
    case 'drop_index':
      return `DROP INDEX ${quoteIdent(op.index.name)}`;
    case 'add_column':
      return `ALTER TABLE ${quoteIdent(op.table.name)} ADD COLUMN ${columnSql(op.column, undefined)}`;
    case 'drop_column':
      return `ALTER TABLE ${quoteIdent(op.table.name)} DROP COLUMN ${quoteIdent(op.column.name)}`;
    default:
      return unhandled(op);
  }
}

/** The documented 12-step rebuild: new table, copy rows, swap, re-create indexes. */
function rebuildSql(from: Table, to: Table): string[] {
  const temp = `_redb_new_${to.name}`;
  const kept = new Set(from.columns.filter((c) => c.generated === undefined).map((c) => c.name));
  const copied = to.columns.filter((c) => c.generated === undefined && kept.has(c.name)).map((c) => c.name);
  const counted = (t: Table) => t.columns.some((c) => c.autoIncrement);
  return [
    createTableSql(to, temp),
    // OR ABORT: a row that breaks the new table fails the migration, whatever ON CONFLICT the table declares
    // (IGNORE or REPLACE would silently drop or merge rows).
    ...(copied.length === 0 ? [] : [`INSERT OR ABORT INTO ${quoteIdent(temp)} (${list(copied)}) SELECT ${list(copied)} FROM ${quoteIdent(from.name)}`]),
    // The AUTOINCREMENT counter moves with the rows, so ids of deleted rows are never handed out again.
    ...(counted(from) && counted(to)
      ? [
          `DELETE FROM sqlite_sequence WHERE name = ${quoteString(temp)}`,
          `UPDATE sqlite_sequence SET name = ${quoteString(temp)} WHERE name = ${quoteString(from.name)}`,
        ]
      : []),
    `DROP TABLE ${quoteIdent(from.name)}`,
    `ALTER TABLE ${quoteIdent(temp)} RENAME TO ${quoteIdent(to.name)}`,
    ...to.indexes.map((i) => createIndexSql(to.name, i)),
  ];
}

const step = (operations: readonly Operation[], statements: readonly string[], extra: readonly Hazard[] = []): PlanStep => {
  const first = operations[0];
  const line = first === undefined ? undefined : describeOperation(first);
  return {
    summary: line === undefined ? '' : `${line.sign} ${line.kind} ${line.id}${operations.length > 1 ? ` (+${operations.length - 1} more)` : ''}`,
    operations,
    statements,
    hazards: [...operations.flatMap(hazardsOf), ...extra],
  };
};

/**
 * A recorded rename. Tables and columns rename in place, with `legacy_alter_table` off for the
 * statement so SQLite rewrites the foreign keys, views and triggers that name them; SQLite cannot
 * rename an index or a view, so those are dropped and created under the new name.
 */
function renameSql(op: Extract<Operation, { op: 'rename_object' | 'rename_column' | 'rename_index' }>): string[] {
  const modern = (sql: string) => ['PRAGMA legacy_alter_table = OFF', sql, 'PRAGMA legacy_alter_table = ON'];
  switch (op.op) {
    case 'rename_object': {
      if (op.target.kind === 'view') return [`DROP VIEW ${quoteIdent(op.from.name)}`, createViewSql(op.target.object)];
      const to = op.target.object.name;
      // SQLite compares table names without case: a change of case only goes through a third name.
      const via = to.toLowerCase() === op.from.name.toLowerCase() ? [`_redb_rename_${to}`] : [];
      const names = [op.from.name, ...via, to];
      return names.slice(1).flatMap((name, i) => modern(`ALTER TABLE ${quoteIdent(names[i] as string)} RENAME TO ${quoteIdent(name)}`));
    }
    case 'rename_column':
      return modern(`ALTER TABLE ${quoteIdent(op.table.name)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.column.name)}`);
    case 'rename_index':
      return [`DROP INDEX ${quoteIdent(op.from)}`, createIndexSql(op.table.name, op.index)];
  }
}

/** Views in an order where each comes after the views it reads from (see sql-references.ts: from where it reads, not every word). */
function viewOrder(views: readonly View[]): View[] {
  const byName = new Map(views.map((v) => [v.name.toUpperCase(), v]));
  return topologicalOrder(views, (v) => relationsRead(v.definition).flatMap((name) => byName.get(name.toUpperCase()) ?? []));
}

/** The relations a query reads; names compare without case in SQLite. */
function relationsRead(sql: string): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return [];
  }
  return scanReferences(tokens, { fold: (w) => w }).flatMap((r) =>
    r.kind === 'relation' && (r.schema === undefined || r.schema.toUpperCase() === 'MAIN') ? [r.name] : [],
  );
}

export function compileSqlite(input: PlanInput): Plan {
  const fromTables = new Map(input.from.tables.map((t) => [t.name, t]));
  const toTables = new Map(input.to.tables.map((t) => [t.name, t]));
  const tableOps = new Map<string, Operation[]>();
  const objectDrops: Operation[] = [];
  const tableDrops: Operation[] = [];
  const tableCreates: Operation[] = [];
  const objectCreates: Operation[] = [];
  const renames: PlanStep[] = [];
  const steps: PlanStep[] = [];

  for (const op of input.operations) {
    if (op.op === 'rename_object' || op.op === 'rename_column' || op.op === 'rename_index') renames.push(step([op], renameSql(op)));
    else if (op.op === 'create_object') (op.target.kind === 'table' ? tableCreates : objectCreates).push(op);
    else if (op.op === 'drop_object') (op.target.kind === 'table' ? tableDrops : objectDrops).push(op);
    else if (op.op === 'alter_object') {
      objectDrops.push(op);
      objectCreates.push(op);
    } else {
      const key = (op.table as TableRef).name;
      tableOps.set(key, [...(tableOps.get(key) ?? []), op]);
    }
  }

  const rebuilt = new Set(
    [...tableOps].filter(([name, ops]) => !ops.every((op) => alterable(op, fromTables.get(name), toTables.get(name)))).map(([name]) => name),
  );

  const dropped = (op: Operation) => (op.op === 'alter_object' ? op.from : op.op === 'drop_object' ? op.target : undefined);
  const dropSteps = (ops: readonly Operation[]) =>
    ops.flatMap((op) => {
      const target = dropped(op);
      if (target === undefined) return [];
      // A virtual table (FTS, R*Tree) holds rows: dropping it, even to re-create it changed, loses them.
      const rows: Hazard[] =
        target.kind === 'native' && target.object.type === 'virtual table'
          ? [{ name: 'drops-data', reason: `drops virtual table ${target.object.name} and all its rows` }]
          : [];
      return [step([op], [dropObjectSql(target)], rows)];
    });
  // Triggers are dropped first: renaming a view drops the triggers on it, and a trigger's name never
  // changes with a rename. Then the renames, since every other operation names things as they are after them.
  steps.push(...dropSteps(objectDrops.filter((op) => dropped(op)?.kind === 'trigger')));
  steps.push(...renames);
  steps.push(...dropSteps(objectDrops.filter((op) => dropped(op)?.kind !== 'trigger')));
  for (const [name, ops] of tableOps) {
    if (rebuilt.has(name)) continue;
    for (const op of ops.filter(isOp('drop_index'))) steps.push(step([op], [alterSql(op)]));
  }
  for (const op of tableDrops) if (op.op === 'drop_object') steps.push(step([op], [dropObjectSql(op.target)]));
  for (const op of tableCreates) if (op.op === 'create_object') steps.push(step([op], createObjectSql(op.target)));

  const createdTriggers = new Set(
    objectCreates.flatMap((o) => {
      const target = o.op === 'create_object' ? o.target : o.op === 'alter_object' ? o.to : undefined;
      return target?.kind === 'trigger' ? [target.object.name] : [];
    }),
  );
  // Dropping a table or view drops its triggers; the unchanged ones come back with it.
  const keptTriggers = (table: string) => input.to.triggers.filter((t) => t.table === table && !createdTriggers.has(t.name)).map((t) => t.definition);
  for (const [name, ops] of tableOps) {
    if (rebuilt.has(name)) {
      const from = fromTables.get(name);
      const to = toTables.get(name);
      if (from === undefined || to === undefined) throw errors.planUnsupported('sqlite', `changes to table ${name}, which is missing on one side`);
      steps.push(
        step(
          ops,
          [...rebuildSql(from, to), ...keptTriggers(name)],
          [{ name: 'rewrites-table', reason: `SQLite cannot ALTER this in place: table ${name} is rebuilt and its rows copied` }],
        ),
      );
    } else {
      // Adds before drops: SQLite will not drop a table's last column.
      for (const kind of ['add_column', 'drop_column'] as const) for (const op of ops.filter(isOp(kind))) steps.push(step([op], [alterSql(op)]));
    }
  }
  for (const [name, ops] of tableOps) {
    if (rebuilt.has(name)) continue;
    for (const op of ops.filter(isOp('add_index'))) steps.push(step([op], [alterSql(op)]));
  }

  const creates = objectCreates.map((op) => ({ op, target: op.op === 'alter_object' ? op.to : op.op === 'create_object' ? op.target : undefined }));
  const orderedViews = viewOrder(creates.flatMap((c) => (c.target?.kind === 'view' ? [c.target.object] : [])));
  const rank = (c: (typeof creates)[number]) =>
    c.target?.kind === 'native' ? 0 : c.target?.kind === 'view' ? 1 + orderedViews.indexOf(c.target.object) : 1 + orderedViews.length;
  for (const c of [...creates].sort((a, b) => rank(a) - rank(b))) {
    if (c.target === undefined) continue;
    const recreatedView = c.op.op === 'alter_object' && c.target.kind === 'view';
    steps.push(step([c.op], [...createObjectSql(c.target), ...(recreatedView ? keptTriggers(c.target.object.name) : [])]));
  }
  return { engine: 'sqlite', steps, transactional: true };
}

export const sqliteDialect = { engine: 'sqlite' as const, compile: compileSqlite };
