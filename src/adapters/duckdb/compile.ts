import { errors } from '../../errors.js';
import {
  describeOperation,
  hazardsOf,
  refText,
  tableRef,
  type Hazard,
  type Operation,
  type Plan,
  type PlanInput,
  type PlanStep,
  type SchemaObject,
  type Table,
  type TableRef,
  type View,
} from '../../unified/index.js';
import { tokenize } from '../sqlite/sql-tokens.js';
import { topologicalOrder } from '../topological-order.js';
import { alterable, alterOrder, alterSql, columnsAfter } from './alter.js';
import { createObjectSql, dropObjectSql } from './ddl.js';
import { rebuildSql, type Rebuild } from './rebuild.js';

const keyOf = (t: TableRef) => `${t.schema ?? ''}\u0000${t.name}`;

function step(operations: readonly Operation[], statements: readonly string[], extra: readonly Hazard[] = [], summary?: string): PlanStep {
  const first = operations[0];
  const line = first === undefined ? undefined : describeOperation(first);
  const own = line === undefined ? '' : `${line.sign} ${line.kind} ${line.id}${operations.length > 1 ? ` (+${operations.length - 1} more)` : ''}`;
  return { summary: summary ?? own, operations, statements, hazards: [...operations.flatMap(hazardsOf), ...extra] };
}

/** Drops run before creations; within each, what other objects depend on comes last (drops) or first (creations). */
const DROP_RANK: Partial<Record<SchemaObject['kind'], number>> = { sequence: 1, enum: 2, native: 2, namespace: 3 };
const CREATE_RANK: Partial<Record<SchemaObject['kind'], number>> = { namespace: 0, enum: 1, native: 1, sequence: 2 };
/** Type natives are made before the tables that use them, macros after everything they may read. */
const late = (t: SchemaObject) => t.kind === 'view' || (t.kind === 'native' && t.object.type !== 'type');

/** Views in an order where each comes after the views it reads from. */
function viewOrder<T extends { target: SchemaObject }>(items: readonly T[]): T[] {
  const byName = new Map(items.filter((i) => i.target.kind === 'view').map((i) => [(i.target.object as View).name.toUpperCase(), i]));
  return topologicalOrder(items, (i) =>
    i.target.kind !== 'view' ? [] : tokenize(i.target.object.definition).flatMap((t) => (t.type === 'ident' || t.type === 'word' ? (byName.get(t.value.toUpperCase()) ?? []) : [])),
  );
}

/** A whole-table step: a table created or dropped by the plan, or one half of a rebuild. */
interface TableStep {
  readonly table: Table;
  readonly statements: readonly string[];
  readonly op?: Operation;
  readonly summary?: string;
}

/** Table steps ordered by their foreign keys: drops go children first, creations parents first. */
function byReferences(items: readonly TableStep[], order: 'children first' | 'parents first'): PlanStep[] {
  const byKey = new Map(items.map((i) => [keyOf(i.table), i]));
  const parents = (i: TableStep) => i.table.foreignKeys.flatMap((f) => byKey.get(keyOf({ schema: f.references.schema, name: f.references.table })) ?? []).filter((p) => p !== i);
  const dependsOn = order === 'parents first' ? parents : (i: TableStep) => items.filter((c) => parents(c).includes(i));
  return topologicalOrder(items, dependsOn).map((i) => (i.op === undefined ? step([], i.statements, [], i.summary) : step([i.op], i.statements)));
}

export function compileDuckdb(input: PlanInput): Plan {
  const fromTables = new Map(input.from.tables.map((t) => [keyOf(t), t]));
  const toTables = new Map(input.to.tables.map((t) => [keyOf(t), t]));
  const objectDrops: { op: Operation; target: SchemaObject }[] = [];
  const objectCreates: { op: Operation; target: SchemaObject }[] = [];
  const droppedTables: { op: Operation; table: Table }[] = [];
  const createdTables: { op: Operation; table: Table }[] = [];
  const viewRenames: Operation[] = [];
  /** Operations on tables that exist on both sides, keyed by the table's new name. */
  const tableOps = new Map<string, Operation[]>();
  /** New table key → the table's key in `from`, for renamed tables. */
  const oldKey = new Map<string, string>();

  for (const op of input.operations) {
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
      const table = op.op === 'rename_object' ? tableRef(op.target.object) : op.table;
      if (op.op === 'rename_object') oldKey.set(keyOf(table), keyOf(op.from));
      tableOps.set(keyOf(table), [...(tableOps.get(keyOf(table)) ?? []), op]);
    }
  }
  const fromOf = (key: string): Table | undefined => fromTables.get(oldKey.get(key) ?? key);

  // A table another one references, or one with an index, cannot change its columns in place.
  const referenced = new Set(input.from.tables.flatMap((t) => t.foreignKeys.map((f) => keyOf({ schema: f.references.schema, name: f.references.table }))));
  const rebuilt = new Set<string>();
  for (const [key, ops] of tableOps) {
    const from = fromOf(key);
    const to = toTables.get(key);
    if (from === undefined || to === undefined) throw errors.planUnsupported('duckdb', `changes to table ${key.replace('\u0000', '.')}, which is missing on one side`);
    const free = from.indexes.length === 0 && !referenced.has(keyOf(from));
    const inPlace = ops.every((op) => alterable(op, from, free)) && columnsAfter(from, alterOrder(ops)).join('\u0000') === to.columns.map((c) => c.name).join('\u0000');
    if (!inPlace) rebuilt.add(key);
  }
  // Dropping a table another one references fails, so the referencing tables are rebuilt with it.
  for (let grew = true; grew; ) {
    grew = false;
    const goneOld = new Set([...rebuilt].map((k) => keyOf(fromOf(k) as Table)));
    for (const t of input.from.tables) {
      const key = keyOf(t);
      if (rebuilt.has(key) || !toTables.has(key) || !t.foreignKeys.some((f) => goneOld.has(keyOf({ schema: f.references.schema, name: f.references.table })))) continue;
      rebuilt.add(key);
      grew = true;
    }
  }

  const rebuilds = [...rebuilt].map((key, i) => {
    const r: Rebuild = { from: fromOf(key) as Table, to: toTables.get(key) as Table, operations: tableOps.get(key) ?? [], copy: `_redb_copy_${i + 1}` };
    return { ...r, sql: rebuildSql(r) };
  });
  const steps: PlanStep[] = [];

  for (const { op, target } of objectDrops) if (late(target)) steps.push(step([op], [dropObjectSql(target)]));
  for (const [key, ops] of tableOps) {
    if (rebuilt.has(key)) continue;
    for (const op of ops.filter((o) => o.op === 'drop_index')) steps.push(step([op], alterSql(op)));
  }
  for (const r of rebuilds) {
    const why: Hazard = { name: 'rewrites-table', reason: `DuckDB cannot ALTER this in place: table ${refText(r.to)} is rebuilt and its rows copied` };
    steps.push(step(r.operations, r.sql.copyOut, [why], r.operations.length === 0 ? `~ table ${refText(r.to)} (rebuilt with a table it references)` : undefined));
  }

  const drops: TableStep[] = [
    ...droppedTables.map((d) => ({ table: d.table, op: d.op, statements: [dropObjectSql({ kind: 'table', object: d.table })] })),
    ...rebuilds.map((r) => ({ table: r.from, statements: r.sql.drop, summary: `~ table ${refText(r.from)} (dropped to be rebuilt)` })),
  ];
  steps.push(...byReferences(drops, 'children first'));

  const rankedDrops = objectDrops.filter((d) => !late(d.target)).sort((a, b) => (DROP_RANK[a.target.kind] ?? 0) - (DROP_RANK[b.target.kind] ?? 0));
  for (const { op, target } of rankedDrops) steps.push(step([op], [dropObjectSql(target)]));
  const rankedCreates = objectCreates.filter((c) => !late(c.target)).sort((a, b) => (CREATE_RANK[a.target.kind] ?? 0) - (CREATE_RANK[b.target.kind] ?? 0));
  for (const { op, target } of rankedCreates) steps.push(step([op], createObjectSql(target), sequenceHazard(op)));

  const creates: TableStep[] = [
    ...createdTables.map((c) => ({ table: c.table, op: c.op, statements: createObjectSql({ kind: 'table', object: c.table }) })),
    ...rebuilds.map((r) => ({ table: r.to, statements: r.sql.create, summary: `~ table ${refText(r.to)} (rebuilt)` })),
  ];
  // Parents first, so that rows copied back find the rows they reference.
  steps.push(...byReferences(creates, 'parents first'));

  for (const [key, ops] of tableOps) {
    if (rebuilt.has(key)) continue;
    for (const op of alterOrder(ops)) steps.push(step([op], alterSql(op)));
  }
  for (const op of viewRenames) steps.push(step([op], alterSql(op)));
  for (const { op, target } of viewOrder(objectCreates.filter((c) => late(c.target)))) steps.push(step([op], createObjectSql(target)));
  return { engine: 'duckdb', steps, transactional: true };
}

/** A sequence made again starts over. */
const sequenceHazard = (op: Operation): Hazard[] =>
  op.op === 'alter_object' && op.to.kind === 'sequence' ? [{ name: 'drops-data', reason: `sequence ${refText(op.to.object)} is made again and restarts from its start value` }] : [];

export const duckdbDialect = { engine: 'duckdb' as const, compile: compileDuckdb };
