import { errors } from '../../errors.js';
import {
  deepEqual,
  refText,
  tableRef,
  type Hazard,
  type Operation,
  type Plan,
  type PlanInput,
  type PlanStep,
  type SchemaObject,
  type Table,
} from '../../unified/index.js';
import { alterable, alterOrder, alterSql, columnsAfter } from './alter.js';
import { defaultCalls, droppedCallees, tablesCalling } from './callers.js';
import { commentSql, createObjectSql, dropObjectSql } from './ddl.js';
import { byReferences, keyOf, lateOrder, madeLate, step, type TableStep } from './order.js';
import { rebuildSql, type Rebuild } from './rebuild.js';
import { finalTableKey, tableBefore } from './renames.js';
import { qname, quoteIdent } from './sql-text.js';

/** Drops run before creations; within each, what other objects depend on comes last (drops) or first (creations). */
const DROP_RANK: Partial<Record<SchemaObject['kind'], number>> = { sequence: 1, enum: 2, native: 2, namespace: 3 };
const CREATE_RANK: Partial<Record<SchemaObject['kind'], number>> = { namespace: 0, enum: 1, native: 1, sequence: 2 };

const isRename = (op: Operation) => op.op === 'rename_object' || op.op === 'rename_column';

/**
 * An index dropped and made again under its own name in one transaction makes DuckDB 1.5 abort the
 * whole process at COMMIT. Where only its comment changed, the pair becomes one COMMENT ON INDEX;
 * otherwise the table is rebuilt, which makes its indexes afresh on a new table.
 */
function remadeIndexes(ops: readonly Operation[]): { recommented: Map<Operation, Operation>; rebuild: boolean } {
  const recommented = new Map<Operation, Operation>();
  let rebuild = false;
  for (const add of ops) {
    if (add.op !== 'add_index') continue;
    const drop = ops.find((d) => d.op === 'drop_index' && d.index.name === add.index.name);
    if (drop === undefined || drop.op !== 'drop_index') continue;
    if (deepEqual({ ...drop.index, comment: undefined }, { ...add.index, comment: undefined })) recommented.set(add, drop);
    else rebuild = true;
  }
  return { recommented, rebuild };
}

export function compileDuckdb(input: PlanInput): Plan {
  const fromTables = new Map(input.from.tables.map((t) => [keyOf(t), t]));
  const toTables = new Map(input.to.tables.map((t) => [keyOf(t), t]));
  const late = madeLate(input.to);
  const objectDrops: { op: Operation; target: SchemaObject }[] = [];
  const objectCreates: { op: Operation; target: SchemaObject }[] = [];
  const droppedTables: { op: Operation; table: Table }[] = [];
  const createdTables: { op: Operation; table: Table }[] = [];
  const viewRenames: Operation[] = [];
  /** Operations on tables that exist on both sides, keyed by the table's name at the end of the plan. */
  const tableOps = new Map<string, Operation[]>();

  input.operations.forEach((op, i) => {
    if (op.op === 'create_object') {
      if (op.target.kind === 'table') createdTables.push({ op, table: op.target.object });
      else objectCreates.push({ op, target: op.target });
    } else if (op.op === 'drop_object') {
      if (op.target.kind === 'table') droppedTables.push({ op, table: op.target.object });
      else objectDrops.push({ op, target: op.target });
    } else if (op.op === 'alter_object') {
      if (op.from.kind === 'namespace') throw errors.planUnsupported('duckdb', `changing schema ${op.from.object.name} (DuckDB schemas carry no comment)`);
      objectDrops.push({ op, target: op.from });
      objectCreates.push({ op, target: op.to });
    } else if (op.op === 'rename_object' && op.target.kind === 'view') {
      viewRenames.push(op);
    } else {
      const key = finalTableKey(input.operations, i, keyOf(op.op === 'rename_object' ? tableRef(op.target.object) : op.table));
      const final = toTables.get(key);
      // Every operation names the table as it is at the end, which is what the ALTERs, run after the table's own renames, see.
      const named = op.op === 'rename_object' || final === undefined ? op : { ...op, table: tableRef(final) };
      tableOps.set(key, [...(tableOps.get(key) ?? []), named]);
    }
  });

  const fromOf = (key: string): Table => {
    const from = fromTables.get(key);
    if (from === undefined || !toTables.has(key))
      throw errors.planUnsupported('duckdb', `changes to table ${key.replace('\u0000', '.')}, which is missing on one side`);
    return from;
  };
  /** The table as the database holds it before the plan. */
  const before = (key: string): Table => tableBefore(fromOf(key), tableOps.get(key) ?? []);

  // A table another one references, or one with an index, cannot change its columns in place.
  const referenced = new Set(input.from.tables.flatMap((t) => t.foreignKeys.map((f) => keyOf({ schema: f.references.schema, name: f.references.table }))));
  const rebuilt = new Set<string>();
  const remade = new Map([...tableOps].map(([key, ops]) => [key, remadeIndexes(ops)]));
  for (const [key, ops] of tableOps) {
    const from = fromOf(key);
    const free = from.indexes.length === 0 && !referenced.has(key);
    const columns = columnsAfter(before(key), alterOrder(ops)).join('\u0000') === (toTables.get(key) as Table).columns.map((c) => c.name).join('\u0000');
    if (!ops.every((op) => alterable(op, from, free)) || !columns || remade.get(key)?.rebuild === true) rebuilt.add(key);
  }
  const dropped = droppedCallees(objectDrops.map((d) => d.target));
  for (const key of tablesCalling(input.from.tables, dropped)) if (toTables.has(key)) rebuilt.add(key);
  // Dropping a table another one references fails, so the referencing tables are rebuilt with it.
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of input.from.tables) {
      const key = keyOf(t);
      if (rebuilt.has(key) || !toTables.has(key) || !t.foreignKeys.some((f) => rebuilt.has(keyOf({ schema: f.references.schema, name: f.references.table }))))
        continue;
      rebuilt.add(key);
      grew = true;
    }
  }

  const rebuilds = [...rebuilt].map((key, i) => {
    const r: Rebuild = { from: before(key), to: toTables.get(key) as Table, operations: tableOps.get(key) ?? [], copy: `_redb_copy_${i + 1}` };
    return { ...r, named: fromOf(key), sql: rebuildSql(r) };
  });
  const inPlace = [...tableOps].filter(([key]) => !rebuilt.has(key));
  /** Defaults of kept tables that call a sequence or macro the plan drops: off before the drop, back after. */
  const callers = input.from.tables
    .filter((t) => toTables.has(keyOf(t)) && !rebuilt.has(keyOf(t)))
    .flatMap((t) => t.columns.filter((c) => defaultCalls(c, dropped)).map((c) => ({ table: toTables.get(keyOf(t)) as Table, column: c.name })));
  const steps: PlanStep[] = [];

  // Renames first, as in SQLite: every other operation names things as they are after them, and a new name is free in `from`.
  for (const op of viewRenames) steps.push(step([op], alterSql(op)));
  for (const { op, target } of objectDrops) if (late(target)) steps.push(step([op], [dropObjectSql(target)]));
  for (const [key, ops] of inPlace) {
    const kept = new Set(remade.get(key)?.recommented.values());
    for (const op of ops.filter((o) => o.op === 'drop_index' && !kept.has(o))) steps.push(step([op], alterSql(op)));
  }
  for (const r of rebuilds) {
    const why: Hazard = { name: 'rewrites-table', reason: `DuckDB cannot ALTER this in place: table ${refText(r.to)} is rebuilt and its rows copied` };
    steps.push(
      step(r.operations, r.sql.copyOut, [why], r.operations.length === 0 ? `~ table ${refText(r.to)} (rebuilt with a table it references)` : undefined),
    );
  }

  const drops: TableStep[] = [
    ...droppedTables.map((d) => ({ table: d.table, op: d.op, statements: [dropObjectSql({ kind: 'table', object: d.table })] })),
    ...rebuilds.map((r) => ({ table: r.named, statements: r.sql.drop, summary: `~ table ${refText(r.from)} (dropped to be rebuilt)` })),
  ];
  steps.push(...byReferences(drops, 'children first'));
  // Tables renamed in place after the drops, so that a rebuilt or dropped table has given up its name.
  for (const [, ops] of inPlace) for (const op of alterOrder(ops).filter(isRename)) steps.push(step([op], alterSql(op)));

  for (const { table, column } of callers)
    steps.push(
      step(
        [],
        [`ALTER TABLE ${qname(table)} ALTER COLUMN ${quoteIdent(column)} DROP DEFAULT`],
        [],
        `~ column ${refText(table)}.${column} (default off while what it calls is made again)`,
      ),
    );
  const rankedDrops = objectDrops.filter((d) => !late(d.target)).sort((a, b) => (DROP_RANK[a.target.kind] ?? 0) - (DROP_RANK[b.target.kind] ?? 0));
  for (const { op, target } of rankedDrops) steps.push(step([op], [dropObjectSql(target)]));
  const rankedCreates = objectCreates.filter((c) => !late(c.target)).sort((a, b) => (CREATE_RANK[a.target.kind] ?? 0) - (CREATE_RANK[b.target.kind] ?? 0));
  for (const { op, target } of rankedCreates) steps.push(step([op], createObjectSql(target), sequenceHazard(op)));
  for (const { table, column } of callers) {
    const value = table.columns.find((c) => c.name === column)?.default;
    const altered = (tableOps.get(keyOf(table)) ?? []).some((op) => op.op === 'alter_column' && op.to.name === column);
    if (value !== undefined && !altered)
      steps.push(
        step(
          [],
          [`ALTER TABLE ${qname(table)} ALTER COLUMN ${quoteIdent(column)} SET DEFAULT (${value})`],
          [],
          `~ column ${refText(table)}.${column} (default back)`,
        ),
      );
  }

  const creates: TableStep[] = [
    ...createdTables.map((c) => ({ table: c.table, op: c.op, statements: createObjectSql({ kind: 'table', object: c.table }) })),
    ...rebuilds.map((r) => ({ table: r.to, statements: r.sql.create, summary: `~ table ${refText(r.to)} (rebuilt)` })),
  ];
  // Parents first, so that rows copied back find the rows they reference.
  steps.push(...byReferences(creates, 'parents first'));

  for (const [key, ops] of inPlace) {
    const recommented = remade.get(key)?.recommented ?? new Map<Operation, Operation>();
    for (const op of alterOrder(ops).filter((o) => !isRename(o))) {
      const drop = recommented.get(op);
      if (drop === undefined || op.op !== 'add_index') steps.push(step([op], alterSql(op)));
      else steps.push(step([drop, op], [commentSql(`INDEX ${qname({ schema: op.table.schema, name: op.index.name })}`, op.index.comment)]));
    }
  }
  for (const { op, target } of lateOrder(objectCreates.filter((c) => late(c.target)))) steps.push(step([op], createObjectSql(target)));
  return { engine: 'duckdb', steps, transactional: true };
}

/** A sequence made again starts over. */
const sequenceHazard = (op: Operation): Hazard[] =>
  op.op === 'alter_object' && op.to.kind === 'sequence'
    ? [{ name: 'drops-data', reason: `sequence ${refText(op.to.object)} is made again and restarts from its start value` }]
    : [];

export const duckdbDialect = { engine: 'duckdb' as const, compile: compileDuckdb };
