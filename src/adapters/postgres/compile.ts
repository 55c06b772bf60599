import { errors } from '../../errors.js';
import {
  describeOperation,
  hazardsOf,
  refText,
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
import { alterColumnSql, alterTableSql, addColumnSql, dropColumnSql, rewritesTable } from './ddl-alter.js';
import { alterObjectSql, sequenceRestarts } from './ddl-alter-objects.js';
import { EARLY_EXTRA_NATIVES } from './ddl-natives.js';
import { createObjectSql, dropObjectSql, ownedBySql, sequenceSql } from './ddl-objects.js';
import { addConstraintSql, commentOn, createTableSql, dropConstraintSql, dropIndexSql, dropPolicySql, indexSql, policySql, primaryKeySql } from './ddl-tables.js';
import { dependencyOrder, referenceText } from './order.js';
import { inheritedColumnSql, restoredPartitionSql } from './partitions.js';
import { nativesToRestore, triggersToRestore, viewKey, viewsToRebuild } from './rebuild.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * Phases of a plan, in the order they run. Drops go first, dependents before what they depend on;
 * creations follow, with foreign keys after every table exists so that cycles work.
 */
const PHASE = {
  rename: 0, dropTrigger: 1, dropLateNative: 2, dropView: 3, dropPolicy: 4, dropForeignKey: 5, dropTablePart: 6, dropTable: 7, dropColumn: 8,
  dropEarlyNative: 9, dropRoutine: 10, dropSequence: 11, dropType: 12, dropExtension: 13, dropNamespace: 14,
  namespace: 20, extension: 21, objects: 22, alterTable: 23, foreignKey: 24, index: 25, ownedBy: 26, view: 27, policy: 28, trigger: 29, lateNative: 30,
} as const;

/** Natives other objects may need (collations, types, operators, foreign tables...) are made with the types. */
const EARLY_NATIVES = new Set(['collation', 'range type', 'aggregate', 'cast', 'operator', 'foreign server', 'foreign table', ...EARLY_EXTRA_NATIVES]);

const DROP_PHASE = { namespace: PHASE.dropNamespace, extension: PHASE.dropExtension, enum: PHASE.dropType, domain: PHASE.dropType, composite: PHASE.dropType,
  sequence: PHASE.dropSequence, routine: PHASE.dropRoutine, table: PHASE.dropTable, view: PHASE.dropView, trigger: PHASE.dropTrigger, native: PHASE.dropLateNative } as const;
const CREATE_PHASE = { namespace: PHASE.namespace, extension: PHASE.extension, enum: PHASE.objects, domain: PHASE.objects, composite: PHASE.objects,
  sequence: PHASE.objects, routine: PHASE.objects, table: PHASE.objects, view: PHASE.view, trigger: PHASE.trigger, native: PHASE.lateNative } as const;

const dropPhase = (t: SchemaObject) => (t.kind === 'native' && EARLY_NATIVES.has(t.object.type) ? PHASE.dropEarlyNative : DROP_PHASE[t.kind]);
const createPhase = (t: SchemaObject) => (t.kind === 'native' && EARLY_NATIVES.has(t.object.type) ? PHASE.objects : CREATE_PHASE[t.kind]);

const tableKey = (t: TableRef) => `${t.schema ?? ''}\u0000${t.name}`;
const partitionDepth = (t: Table, tables: ReadonlyMap<string, Table>): number => {
  let depth = 0;
  for (let p = t.partitionOf; p !== undefined && depth < 100; p = tables.get(tableKey({ schema: p.schema, name: p.table }))?.partitionOf) depth++;
  return depth;
};

function summaryOf(operations: readonly Operation[], suffix = ''): string {
  const first = operations[0];
  if (first === undefined) return suffix;
  const line = describeOperation(first);
  return `${line.sign} ${line.kind} ${line.id}${suffix}${operations.length > 1 ? ` (+${operations.length - 1} more)` : ''}`;
}

/** Extra, PostgreSQL-specific hazards of one table operation. */
function pgHazards(op: Operation): Hazard[] {
  if (op.op === 'alter_column' && (rewritesTable(op.from, op.to) || (op.to.generated !== undefined && JSON.stringify(op.from.generated) !== JSON.stringify(op.to.generated)))) {
    return [{ name: 'rewrites-table', reason: `${refText(op.table)}.${op.to.name}: the change rewrites the table under an exclusive lock` }];
  }
  if (op.op === 'alter_object' && op.from.kind === 'sequence' && op.to.kind === 'sequence' && sequenceRestarts(op.from.object, op.to.object)) {
    return [{ name: 'drops-data', reason: `sequence ${refText(op.to.object)} restarts: its new bounds may exclude its current value` }];
  }
  if (op.op === 'add_index') return [{ name: 'blocking-lock', reason: `CREATE INDEX ${op.index.name} blocks writes to ${refText(op.table)} while it builds (no CONCURRENTLY in a transaction)` }];
  return [];
}

export function compilePostgres(input: PlanInput): Plan {
  const entries: { phase: number; step: PlanStep }[] = [];
  const add = (phase: number, operations: readonly Operation[], statements: readonly string[], hazards?: readonly Hazard[], suffix?: string) => {
    if (statements.length === 0) return;
    const own = hazards ?? [...operations.flatMap(hazardsOf), ...operations.flatMap(pgHazards)];
    entries.push({ phase, step: { summary: summaryOf(operations, suffix), operations, statements, hazards: own } });
  };
  const fromTables = new Map(input.from.tables.map((t) => [tableKey(t), t]));
  const toTables = new Map(input.to.tables.map((t) => [tableKey(t), t]));
  const parentOf = (t: Table) => (t.partitionOf === undefined ? undefined : toTables.get(tableKey({ schema: t.partitionOf.schema, name: t.partitionOf.table })));

  const createSql = (target: SchemaObject): readonly string[] => {
    if (target.kind === 'table') return createTableSql(target.object, parentOf(target.object));
    const owner = target.kind === 'sequence' ? target.object.ownedBy : undefined;
    if (target.kind === 'sequence' && owner !== undefined) return sequenceSql(target.object, toTables.get(tableKey({ schema: owner.schema, name: owner.table }))?.options?.unlogged === true);
    return createObjectSql(target);
  };

  const creates: { op: Operation; target: SchemaObject; statements: () => readonly string[] }[] = [];
  const droppedViews: { op: Operation | undefined; target: SchemaObject; statements: readonly string[] }[] = [];
  const rebuilt: SchemaObject[] = [];
  const droppedTables: { op: Operation; table: Table }[] = [];
  const droppedNatives: { op: Operation; target: SchemaObject }[] = [];

  for (const op of input.operations) {
    const inherited = op.op === 'add_column' || op.op === 'drop_column' || op.op === 'alter_column' ? inheritedColumnSql(op, input) : undefined;
    if (inherited !== undefined) {
      add(PHASE.alterTable, [op], inherited, [], ' (through its partitioned table)');
      continue;
    }
    switch (op.op) {
      case 'drop_object':
        if (op.target.kind === 'table') droppedTables.push({ op, table: op.target.object });
        else if (op.target.kind === 'view') droppedViews.push({ op, target: op.target, statements: [dropObjectSql(op.target)] });
        else if (op.target.kind === 'native') droppedNatives.push({ op, target: op.target });
        else add(dropPhase(op.target), [op], [dropObjectSql(op.target)]);
        break;
      case 'create_object': {
        const target = op.target;
        creates.push({ op, target, statements: () => createSql(target) });
        if (target.kind === 'table') {
          const t = target.object;
          add(PHASE.foreignKey, [op], t.foreignKeys.flatMap((def) => addConstraintSql(t, { type: 'foreign_key', def })), [], ' (foreign keys)');
          add(PHASE.policy, [op], t.policies.map((p) => policySql(t, p)), [], ' (policies)');
        }
        if (target.kind === 'sequence' && target.object.ownedBy !== undefined) add(PHASE.ownedBy, [op], [ownedBySql(target.object)], [], ' (owned by)');
        break;
      }
      case 'alter_object': {
        const change = alterObjectSql(op.from, op.to);
        if (op.from.kind === 'view' && change.before.length > 0) droppedViews.push({ op, target: op.from, statements: change.before });
        else add(dropPhase(op.from), [op], change.before, []);
        creates.push({ op, target: op.to, statements: () => change.after });
        if (op.from.kind === 'sequence' && op.to.kind === 'sequence' && JSON.stringify(op.from.object.ownedBy) !== JSON.stringify(op.to.object.ownedBy)) {
          add(PHASE.ownedBy, [op], [ownedBySql(op.to.object)], [], ' (owned by)');
        }
        break;
      }
      case 'drop_policy':
        add(PHASE.dropPolicy, [op], [dropPolicySql(op.table, op.policy)]);
        break;
      case 'drop_constraint':
        add(op.constraint.type === 'foreign_key' ? PHASE.dropForeignKey : PHASE.dropTablePart, [op], [dropConstraintSql(op.table, op.constraint)]);
        break;
      case 'drop_index':
        add(PHASE.dropTablePart, [op], [dropIndexSql(op.table, op.index)]);
        break;
      case 'drop_column':
        add(PHASE.dropColumn, [op], [dropColumnSql(op.table, op.column)]);
        break;
      case 'set_primary_key': {
        const { from, to } = op;
        if (from !== undefined) add(PHASE.dropTablePart, [op], [`ALTER TABLE ${qname(op.table)} DROP CONSTRAINT ${quoteIdent(from.name ?? `${op.table.name}_pkey`)}`], to === undefined ? undefined : []);
        if (to !== undefined) {
          const comment = to.comment === undefined || to.name === undefined ? [] : [commentOn(`CONSTRAINT ${quoteIdent(to.name)} ON ${qname(op.table)}`, to.comment)];
          add(PHASE.alterTable, [op], [`ALTER TABLE ${qname(op.table)} ADD ${primaryKeySql(to)}`, ...comment]);
        }
        break;
      }
      case 'add_column':
        add(PHASE.alterTable, [op], [...addColumnSql(op.table, op.column), ...restoredPartitionSql(op, input)]);
        break;
      case 'alter_column':
        add(PHASE.alterTable, [op], [...alterColumnSql(op.table, op.from, op.to), ...restoredPartitionSql(op, input)]);
        break;
      case 'alter_table':
        add(PHASE.alterTable, [op], alterTableSql(op.table, op.from, op.to));
        break;
      case 'add_constraint':
        add(op.constraint.type === 'foreign_key' ? PHASE.foreignKey : PHASE.alterTable, [op], addConstraintSql(op.table, op.constraint));
        break;
      case 'add_index':
        add(PHASE.index, [op], indexSql(op.table, op.index));
        break;
      case 'add_policy':
        add(PHASE.policy, [op], [policySql(op.table, op.policy)]);
        break;
      // Renames run first: every other operation names things as they are after them.
      case 'rename_object': {
        const what = op.target.kind === 'table' ? 'TABLE' : op.target.object.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
        add(PHASE.rename, [op], [`ALTER ${what} ${qname(op.from)} RENAME TO ${quoteIdent(op.target.object.name)}`]);
        break;
      }
      case 'rename_column':
        add(PHASE.rename, [op], [`ALTER TABLE ${qname(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.column.name)}`]);
        break;
      case 'rename_index':
        add(PHASE.rename, [op], [`ALTER INDEX ${qname({ schema: op.table.schema, name: op.from })} RENAME TO ${quoteIdent(op.index.name)}`]);
        break;
      default:
        throw errors.planUnsupported('postgres', `operation ${(op as { op: string }).op}`);
    }
  }

  // Views that read what the plan drops or changes are dropped and created again around it.
  const going = new Set(droppedViews.map((v) => viewKey(v.target.object as View)));
  for (const { from, to } of viewsToRebuild(input, going)) {
    droppedViews.push({ op: undefined, target: { kind: 'view', object: from }, statements: [dropObjectSql({ kind: 'view', object: from })] });
    rebuilt.push({ kind: 'view', object: to });
  }
  const recreated = new Set([...droppedViews.map((v) => viewKey(v.target.object as View))].filter((k) => input.to.views.some((v) => viewKey(v) === k)));
  for (const t of triggersToRestore(input, recreated)) add(PHASE.trigger, [], createObjectSql({ kind: 'trigger', object: t }), [], `~ trigger ${t.table}.${t.name} (view re-created)`);
  const recreatedViews = input.to.views.filter((v) => recreated.has(viewKey(v)));
  for (const n of nativesToRestore(input, recreatedViews)) add(PHASE.lateNative, [], [n.definition], [], `~ ${n.type} ${n.name} (view re-created)`);

  // Natives go before what they name (a text search configuration before its dictionaries).
  const nativeOrder = dependencyOrder(droppedNatives, (d) => ({ schema: (d.target.object as { schema?: string }).schema, name: nameOf(d.target) }), (d) => referenceText(d.target));
  for (const { op, target } of nativeOrder.reverse()) add(dropPhase(target), [op], [dropObjectSql(target)]);

  // A dropped table's foreign keys go first, so tables that reference each other can all be dropped.
  for (const { op, table } of droppedTables) add(PHASE.dropForeignKey, [op], table.foreignKeys.map((def) => dropConstraintSql(table, { type: 'foreign_key', def })), [], ' (foreign keys)');
  const byDepth = [...droppedTables].sort((a, b) => partitionDepth(b.table, fromTables) - partitionDepth(a.table, fromTables));
  for (const { op, table } of byDepth) add(PHASE.dropTable, [op], [dropObjectSql({ kind: 'table', object: table })]);
  const viewOrder = dependencyOrder(droppedViews, (v) => v.target.object as { schema?: string; name: string }, (v) => referenceText(v.target));
  for (const v of viewOrder.reverse()) {
    if (v.op === undefined) add(PHASE.dropView, [], v.statements, [], `~ view ${refText(v.target.object as View)} (re-created with what it reads)`);
    else add(PHASE.dropView, [v.op], v.statements, v.op.op === 'alter_object' ? [] : undefined);
  }

  // Creations within a phase follow the objects their text names. Natives other objects need start
  // with the types; what they need themselves (functions) is found from their text.
  const early = (c: (typeof creates)[number]) => c.target.kind === 'native' && EARLY_NATIVES.has(c.target.object.type);
  const all = [...creates.filter(early), ...creates.filter((c) => !early(c)), ...rebuilt.map((target) => ({ op: undefined, target, statements: () => createObjectSql(target) }))];
  const ordered = dependencyOrder(all, (c) => ({ schema: (c.target.object as { schema?: string }).schema, name: nameOf(c.target) }), (c) => referenceText(c.target));
  for (const c of ordered) {
    if (c.op === undefined) add(createPhase(c.target), [], c.statements(), [], `~ view ${refText(c.target.object as View)} (re-created with what it reads)`);
    else add(createPhase(c.target), [c.op], c.statements());
  }

  const steps = entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.phase - b.phase || a.i - b.i).map((e) => e.step);
  return { engine: 'postgres', steps, transactional: true };
}

/** The name other objects use for this one: an aggregate or operator is named without its arguments. */
const nameOf = (target: SchemaObject): string => (target.kind === 'native' ? target.object.name.replace(/\(.*$/, '') : target.object.name);

export const postgresDialect = { engine: 'postgres' as const, compile: compilePostgres };
