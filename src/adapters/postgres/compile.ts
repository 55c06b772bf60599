import {
  describeOperation,
  hazardsOf,
  refText,
  type Hazard,
  type Operation,
  type Plan,
  type PlanInput,
  type PlanStep,
  type Routine,
  type SchemaObject,
  type Table,
  type TableRef,
  type View,
} from '../../unified/index.js';
import { alterColumnSql, alterTableSql, addColumnSql, dropColumnSql, rewritesTable } from './ddl-alter.js';
import { alterObjectSql, sequenceRestarts } from './ddl-alter-objects.js';
import { EARLY_EXTRA_NATIVES } from './ddl-natives.js';
import { enumAltersInPlace, enumRebuild } from './enum-rebuild.js';
import { createObjectSql, dropObjectSql, ownedBySql, sequenceSql } from './ddl-objects.js';
import {
  addConstraintSql,
  commentOn,
  createTableSql,
  dropConstraintSql,
  dropIndexSql,
  dropPolicySql,
  indexSql,
  policySql,
  primaryKeySql,
} from './ddl-tables.js';
import { identitySequenceRename, readersOfRetypedColumns, referencingKeys } from './dependants.js';
import { dependencyOrder, refersToNamed } from './order.js';
import { inheritedColumnSql, restoredPartitionSql } from './partitions.js';
import { concurrentIndex, LOCK_TIMEOUT, lockTimeoutSql, onlineTable, validatedLater } from './online.js';
import { nativesToRestore, triggersToRestore, viewKey, viewsToRebuild } from './rebuild.js';
import { qname, quoteIdent } from './sql-text.js';
import { unhandled } from '../../unified/unhandled.js';

/**
 * Phases of a plan, in the order they run. Drops of what reads tables go first, dependents before
 * what they depend on; creations follow, with keys after every column exists and foreign keys after
 * every table exists so that cycles work. Objects that columns, defaults and checks may use (types,
 * routines, sequences...) are dropped last, once nothing uses them; the early drop phases of those
 * kinds serve objects that are dropped and created again.
 */
const PHASE = {
  lockTimeout: -2,
  dropConcurrently: -1,
  rename: 0,
  dropTrigger: 1,
  dropLateNative: 2,
  dropReadingRoutine: 3,
  dropView: 4,
  dropPolicy: 5,
  dropForeignKey: 6,
  dropTablePart: 7,
  dropTable: 8,
  dropColumn: 9,
  dropEarlyNative: 10,
  dropRoutine: 11,
  dropSequence: 12,
  dropType: 13,
  dropExtension: 14,
  dropNamespace: 15,
  namespace: 20,
  extension: 21,
  objects: 22,
  alterTable: 23,
  keys: 24,
  foreignKey: 25,
  index: 26,
  ownedBy: 27,
  view: 28,
  policy: 29,
  trigger: 30,
  lateNative: 31,
  finalEarlyNative: 32,
  finalRoutine: 33,
  finalSequence: 34,
  finalType: 35,
  finalExtension: 36,
  finalNamespace: 37,
  buildConcurrently: 40,
  validate: 41,
} as const;

/** Natives other objects may need (collations, types, operators, foreign tables...) are made with the types. */
const EARLY_NATIVES = new Set(['collation', 'range type', 'aggregate', 'cast', 'operator', 'foreign server', 'foreign table', ...EARLY_EXTRA_NATIVES]);

const DROP_PHASE = {
  namespace: PHASE.dropNamespace,
  extension: PHASE.dropExtension,
  enum: PHASE.dropType,
  domain: PHASE.dropType,
  composite: PHASE.dropType,
  sequence: PHASE.dropSequence,
  routine: PHASE.dropRoutine,
  table: PHASE.dropTable,
  view: PHASE.dropView,
  trigger: PHASE.dropTrigger,
  native: PHASE.dropLateNative,
} as const;
const CREATE_PHASE = {
  namespace: PHASE.namespace,
  extension: PHASE.extension,
  enum: PHASE.objects,
  domain: PHASE.objects,
  composite: PHASE.objects,
  sequence: PHASE.objects,
  routine: PHASE.objects,
  table: PHASE.objects,
  view: PHASE.view,
  trigger: PHASE.trigger,
  native: PHASE.lateNative,
} as const;

const FINAL_DROP_PHASE = {
  ...DROP_PHASE,
  namespace: PHASE.finalNamespace,
  extension: PHASE.finalExtension,
  enum: PHASE.finalType,
  domain: PHASE.finalType,
  composite: PHASE.finalType,
  sequence: PHASE.finalSequence,
  routine: PHASE.finalRoutine,
} as const;
/** Natives that belong to a table although they are made with the types: taken back once its foreign keys are gone. */
const TABLE_NATIVES = new Set(['constraint include']);

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
  if (
    op.op === 'alter_column' &&
    (rewritesTable(op.from, op.to) || (op.to.generated !== undefined && JSON.stringify(op.from.generated) !== JSON.stringify(op.to.generated)))
  ) {
    return [{ name: 'rewrites-table', reason: `${refText(op.table)}.${op.to.name}: the change rewrites the table under an exclusive lock` }];
  }
  if (op.op === 'alter_object' && op.from.kind === 'sequence' && op.to.kind === 'sequence' && sequenceRestarts(op.from.object, op.to.object)) {
    return [{ name: 'drops-data', reason: `sequence ${refText(op.to.object)} restarts: its new bounds may exclude its current value` }];
  }
  if (op.op === 'add_index')
    return [
      {
        name: 'blocking-lock',
        reason: `CREATE INDEX ${op.index.name} blocks writes to ${refText(op.table)} while it builds (no CONCURRENTLY in a transaction)`,
      },
    ];
  return [];
}

export function compilePostgres(input: PlanInput): Plan {
  const entries: { phase: number; step: PlanStep }[] = [];
  type Outside = Pick<PlanStep, 'outsideTransaction' | 'onFailure'>;
  const add = (
    phase: number,
    operations: readonly Operation[],
    statements: readonly string[],
    hazards?: readonly Hazard[],
    suffix?: string,
    outside?: Outside,
  ) => {
    if (statements.length === 0) return;
    const own = hazards ?? [...operations.flatMap(hazardsOf), ...operations.flatMap(pgHazards)];
    entries.push({ phase, step: { summary: summaryOf(operations, suffix), operations, statements, hazards: own, ...outside } });
  };
  const fromTables = new Map(input.from.tables.map((t) => [tableKey(t), t]));
  // Foreign keys that stay but lean on a key the plan drops are taken off while it is replaced.
  const setAsideReferencingKeys = (op: Operation & { table: TableRef }, columns: readonly string[]) => {
    for (const fk of referencingKeys(input, op.table, columns)) {
      add(PHASE.dropForeignKey, [op], [dropConstraintSql(fk.table, { type: 'foreign_key', def: fk.def })], [], ' (foreign key set aside)');
      add(PHASE.foreignKey, [op], addConstraintSql(fk.table, { type: 'foreign_key', def: fk.def }), [], ' (foreign key put back)');
    }
  };
  // With --online, tables that exist already are changed without long locks (see online.ts).
  const online = (t: TableRef) => input.online === true && onlineTable(fromTables.get(tableKey(t)));
  const toTables = new Map(input.to.tables.map((t) => [tableKey(t), t]));
  const parentOf = (t: Table) =>
    t.partitionOf === undefined ? undefined : toTables.get(tableKey({ schema: t.partitionOf.schema, name: t.partitionOf.table }));

  const createSql = (target: SchemaObject): readonly string[] => {
    if (target.kind === 'table') return createTableSql(target.object, parentOf(target.object));
    const owner = target.kind === 'sequence' ? target.object.ownedBy : undefined;
    if (target.kind === 'sequence' && owner !== undefined)
      return sequenceSql(target.object, toTables.get(tableKey({ schema: owner.schema, name: owner.table }))?.options?.unlogged === true);
    return createObjectSql(target);
  };

  const creates: { op: Operation; target: SchemaObject; statements: () => readonly string[] }[] = [];
  const droppedViews: { op: Operation | undefined; target: SchemaObject; statements: readonly string[] }[] = [];
  const rebuilt: SchemaObject[] = [];
  const droppedTables: { op: Operation; table: Table }[] = [];
  const droppedObjects: { op: Operation; target: SchemaObject }[] = [];
  const recreatedRoutines: Routine[] = [];
  const retypedTables: Table[] = [];

  // Generated columns and trigger conditions that read a column whose type changes are made again around it.
  const readers = readersOfRetypedColumns(input);
  for (const { table, column } of readers.generated) {
    add(PHASE.dropColumn, [], [dropColumnSql(table, column)], [], `~ column ${refText(table)}.${column.name} (generated from a column that changes type)`);
    add(PHASE.keys, [], addColumnSql(table, column), [], `~ column ${refText(table)}.${column.name} (generated again)`);
  }
  for (const { from, to } of readers.triggers) {
    add(
      PHASE.dropTrigger,
      [],
      [dropObjectSql({ kind: 'trigger', object: from })],
      [],
      `~ trigger ${from.table}.${from.name} (its condition reads a column that changes type)`,
    );
    add(PHASE.trigger, [], createObjectSql({ kind: 'trigger', object: to }), [], `~ trigger ${to.table}.${to.name} (created again)`);
  }

  for (const op of input.operations) {
    if (op.op === 'alter_column' && readers.generated.some((g) => tableKey(g.table) === tableKey(op.table) && g.column.name === op.to.name)) continue;
    const inherited = op.op === 'add_column' || op.op === 'drop_column' || op.op === 'alter_column' ? inheritedColumnSql(op, input) : undefined;
    if (inherited !== undefined) {
      add(PHASE.alterTable, [op], inherited, [], ' (through its partitioned table)');
      continue;
    }
    switch (op.op) {
      case 'drop_object':
        if (op.target.kind === 'table') droppedTables.push({ op, table: op.target.object });
        else if (op.target.kind === 'view') droppedViews.push({ op, target: op.target, statements: [dropObjectSql(op.target)] });
        else droppedObjects.push({ op, target: op.target });
        break;
      case 'create_object': {
        const target = op.target;
        creates.push({ op, target, statements: () => createSql(target) });
        if (target.kind === 'table') {
          const t = target.object;
          add(
            PHASE.foreignKey,
            [op],
            t.foreignKeys.flatMap((def) => addConstraintSql(t, { type: 'foreign_key', def })),
            [],
            ' (foreign keys)',
          );
          add(
            PHASE.policy,
            [op],
            t.policies.map((p) => policySql(t, p)),
            [],
            ' (policies)',
          );
        }
        if (target.kind === 'sequence' && target.object.ownedBy !== undefined) add(PHASE.ownedBy, [op], [ownedBySql(target.object)], [], ' (owned by)');
        break;
      }
      case 'alter_object': {
        if (op.from.kind === 'enum' && op.to.kind === 'enum' && !enumAltersInPlace(op.from.object, op.to.object)) {
          const rebuild = enumRebuild(op.from.object, op.to.object, input);
          add(PHASE.dropType, [op], [rebuild.rename], rebuild.hazards, ' (old values set aside)');
          creates.push({ op, target: op.to, statements: () => rebuild.create });
          add(PHASE.alterTable, [op], rebuild.columns, [], ' (columns converted)');
          add(PHASE.finalType, [op], [rebuild.drop], [], ' (old values dropped)');
          retypedTables.push(...rebuild.tables);
          break;
        }
        const change = alterObjectSql(op.from, op.to);
        if (op.from.kind === 'routine' && change.before.length > 0) recreatedRoutines.push(op.from.object);
        if (op.from.kind === 'view' && change.before.length > 0) droppedViews.push({ op, target: op.from, statements: change.before });
        else add(dropPhase(op.from), [op], change.before, []);
        creates.push({ op, target: op.to, statements: () => change.after });
        if (op.from.kind === 'sequence' && op.to.kind === 'sequence' && JSON.stringify(op.from.object.ownedBy) !== JSON.stringify(op.to.object.ownedBy)) {
          // Let go of the old owner before tables are dropped: dropping the owner would drop the sequence.
          if (op.from.object.ownedBy !== undefined) add(PHASE.dropTrigger, [op], [ownedBySql({ ...op.to.object, ownedBy: undefined })], [], ' (owned by none)');
          if (op.to.object.ownedBy !== undefined) add(PHASE.ownedBy, [op], [ownedBySql(op.to.object)], [], ' (owned by)');
        }
        break;
      }
      case 'drop_policy':
        add(PHASE.dropPolicy, [op], [dropPolicySql(op.table, op.policy)]);
        break;
      case 'drop_constraint':
        if (op.constraint.type === 'unique') setAsideReferencingKeys(op, op.constraint.def.columns);
        add(op.constraint.type === 'foreign_key' ? PHASE.dropForeignKey : PHASE.dropTablePart, [op], [dropConstraintSql(op.table, op.constraint)]);
        break;
      case 'drop_index':
        if (online(op.table))
          add(PHASE.dropConcurrently, [op], [dropIndexSql(op.table, op.index, true)], undefined, ' (concurrently)', { outsideTransaction: 'before' });
        else add(PHASE.dropTablePart, [op], [dropIndexSql(op.table, op.index)]);
        break;
      case 'drop_column':
        add(PHASE.dropColumn, [op], [dropColumnSql(op.table, op.column)]);
        break;
      case 'set_primary_key': {
        const { from, to } = op;
        // Only the name or comment changed (a renamed table): the key, its index and what references it stay.
        if (
          from?.name !== undefined &&
          to?.name !== undefined &&
          JSON.stringify({ ...from, name: 0, comment: 0 }) === JSON.stringify({ ...to, name: 0, comment: 0 })
        ) {
          const renamed = from.name === to.name ? [] : [`ALTER TABLE ${qname(op.table)} RENAME CONSTRAINT ${quoteIdent(from.name)} TO ${quoteIdent(to.name)}`];
          const comment = from.comment === to.comment ? [] : [commentOn(`CONSTRAINT ${quoteIdent(to.name)} ON ${qname(op.table)}`, to.comment)];
          add(PHASE.keys, [op], [...renamed, ...comment], []);
          break;
        }
        if (from !== undefined) setAsideReferencingKeys(op, from.columns);
        if (from !== undefined)
          add(
            PHASE.dropTablePart,
            [op],
            [`ALTER TABLE ${qname(op.table)} DROP CONSTRAINT ${quoteIdent(from.name ?? `${op.table.name}_pkey`)}`],
            to === undefined ? undefined : [],
          );
        if (to !== undefined) {
          const comment =
            to.comment === undefined || to.name === undefined ? [] : [commentOn(`CONSTRAINT ${quoteIdent(to.name)} ON ${qname(op.table)}`, to.comment)];
          add(PHASE.keys, [op], [`ALTER TABLE ${qname(op.table)} ADD ${primaryKeySql(to)}`, ...comment]);
        }
        break;
      }
      case 'add_column':
        add(PHASE.alterTable, [op], [...addColumnSql(op.table, op.column), ...restoredPartitionSql(op, input)]);
        break;
      case 'alter_column': {
        // An identity goes early, with its sequence: a serial's new sequence may take the same name.
        const dropsIdentity = op.from.identity !== undefined && op.to.identity === undefined;
        if (dropsIdentity) add(PHASE.dropColumn, [op], [`ALTER TABLE ${qname(op.table)} ALTER COLUMN ${quoteIdent(op.to.name)} DROP IDENTITY`]);
        const from = dropsIdentity ? { ...op.from, identity: undefined } : op.from;
        add(PHASE.alterTable, [op], [...alterColumnSql(op.table, from, op.to), ...restoredPartitionSql(op, input)], dropsIdentity ? [] : undefined);
        break;
      }
      case 'alter_table':
        add(PHASE.alterTable, [op], alterTableSql(op.table, op.from, op.to));
        break;
      case 'add_constraint': {
        const phase = op.constraint.type === 'foreign_key' ? PHASE.foreignKey : PHASE.keys;
        const later = online(op.table) ? validatedLater(op.table, op.constraint) : undefined;
        if (later === undefined) add(phase, [op], addConstraintSql(op.table, op.constraint));
        else {
          add(phase, [op], later.add, undefined, ' (NOT VALID)');
          add(PHASE.validate, [op], [later.validate], [], ' (validate)', { outsideTransaction: 'after' });
        }
        break;
      }
      case 'add_index':
        if (online(op.table)) {
          const { statements, onFailure } = concurrentIndex(op.table, op.index);
          add(PHASE.buildConcurrently, [op], statements, hazardsOf(op), ' (concurrently)', { outsideTransaction: 'after', onFailure });
        } else add(PHASE.index, [op], indexSql(op.table, op.index));
        break;
      case 'add_policy':
        add(PHASE.policy, [op], [policySql(op.table, op.policy)]);
        break;
      // Renames run first: every other operation names things as they are after them.
      case 'rename_object': {
        const what = op.target.kind === 'table' ? 'TABLE' : op.target.object.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
        const table = op.target.object.name;
        const sequences = op.target.kind === 'table' ? op.target.object.columns.flatMap((c) => identitySequenceRename(input, op.from, c.name, table, c)) : [];
        add(PHASE.rename, [op], [`ALTER ${what} ${qname(op.from)} RENAME TO ${quoteIdent(op.target.object.name)}`, ...sequences]);
        break;
      }
      case 'rename_column':
        add(
          PHASE.rename,
          [op],
          [
            `ALTER TABLE ${qname(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.column.name)}`,
            ...identitySequenceRename(input, op.table, op.from, op.table.name, op.column),
          ],
        );
        break;
      case 'rename_index':
        add(PHASE.rename, [op], [`ALTER INDEX ${qname({ schema: op.table.schema, name: op.from })} RENAME TO ${quoteIdent(op.index.name)}`]);
        break;
      default:
        unhandled(op);
    }
  }

  // Views that read what the plan drops or changes are dropped and created again around it.
  const going = new Set(droppedViews.map((v) => viewKey(v.target.object as View)));
  for (const { from, to } of viewsToRebuild(input, going, [...recreatedRoutines, ...retypedTables])) {
    droppedViews.push({ op: undefined, target: { kind: 'view', object: from }, statements: [dropObjectSql({ kind: 'view', object: from })] });
    rebuilt.push({ kind: 'view', object: to });
  }
  const recreated = new Set([...droppedViews.map((v) => viewKey(v.target.object as View))].filter((k) => input.to.views.some((v) => viewKey(v) === k)));
  for (const t of triggersToRestore(input, recreated))
    add(PHASE.trigger, [], createObjectSql({ kind: 'trigger', object: t }), [], `~ trigger ${t.table}.${t.name} (view re-created)`);
  const recreatedViews = input.to.views.filter((v) => recreated.has(viewKey(v)));
  for (const n of nativesToRestore(input, recreatedViews)) add(PHASE.lateNative, [], [n.definition], [], `~ ${n.type} ${n.name} (view re-created)`);

  // Objects go before what they name (a composite type before the type of its attribute, a text search
  // configuration before its dictionaries). A routine whose body reads a dropped table goes before it.
  const goneRelations = [...droppedTables.map((d) => d.table), ...droppedViews.flatMap((v) => (v.op?.op === 'drop_object' ? [v.target.object as View] : []))];
  const keptOwner = (o: { schema?: string | undefined; table: string; column: string } | undefined) => {
    const table = o === undefined ? undefined : toTables.get(tableKey({ schema: o.schema, name: o.table }));
    return table === undefined || o === undefined || !table.columns.some((c) => c.name === o.column) ? undefined : { table, column: o.column };
  };
  const finalPhase = (t: SchemaObject): number => {
    if (t.kind === 'routine') return goneRelations.some((r) => refersToNamed(t, r)) ? PHASE.dropReadingRoutine : PHASE.finalRoutine;
    if (t.kind === 'native')
      return TABLE_NATIVES.has(t.object.type) ? PHASE.dropTablePart : EARLY_NATIVES.has(t.object.type) ? PHASE.finalEarlyNative : PHASE.dropLateNative;
    return FINAL_DROP_PHASE[t.kind];
  };
  const dropOrder = dependencyOrder(droppedObjects, (d) => d.target);
  for (const { op, target } of dropOrder.reverse()) {
    const owner = target.kind === 'sequence' ? keptOwner(target.object.ownedBy) : undefined;
    // A serial's sequence goes with the column's default, before the column takes a new one (an identity's sequence of the same name).
    if (owner !== undefined)
      add(PHASE.dropColumn, [op], [`ALTER TABLE ${qname(owner.table)} ALTER COLUMN ${quoteIdent(owner.column)} DROP DEFAULT`, dropObjectSql(target)]);
    else add(finalPhase(target), [op], [dropObjectSql(target)]);
  }

  // A dropped table's foreign keys go first, so tables that reference each other can all be dropped.
  for (const { op, table } of droppedTables)
    add(
      PHASE.dropForeignKey,
      [op],
      table.foreignKeys.map((def) => dropConstraintSql(table, { type: 'foreign_key', def })),
      [],
      ' (foreign keys)',
    );
  const byDepth = [...droppedTables].sort((a, b) => partitionDepth(b.table, fromTables) - partitionDepth(a.table, fromTables));
  for (const { op, table } of byDepth) add(PHASE.dropTable, [op], [dropObjectSql({ kind: 'table', object: table })]);
  const viewOrder = dependencyOrder(droppedViews, (v) => v.target);
  for (const v of viewOrder.reverse()) {
    if (v.op === undefined) add(PHASE.dropView, [], v.statements, [], `~ view ${refText(v.target.object as View)} (re-created with what it reads)`);
    else add(PHASE.dropView, [v.op], v.statements, v.op.op === 'alter_object' ? [] : undefined);
  }

  // Creations within a phase follow the objects their text names. Natives other objects need start
  // with the types; what they need themselves (functions) is found from their text.
  const early = (c: (typeof creates)[number]) => c.target.kind === 'native' && EARLY_NATIVES.has(c.target.object.type);
  const all = [
    ...creates.filter(early),
    ...creates.filter((c) => !early(c)),
    ...rebuilt.map((target) => ({ op: undefined, target, statements: () => createObjectSql(target) })),
  ];
  const ordered = dependencyOrder(all, (c) => c.target);
  for (const c of ordered) {
    if (c.op === undefined) add(createPhase(c.target), [], c.statements(), [], `~ view ${refText(c.target.object as View)} (re-created with what it reads)`);
    else add(createPhase(c.target), [c.op], c.statements());
  }

  if (input.online === true && entries.length > 0)
    add(PHASE.lockTimeout, [], [lockTimeoutSql], [], `set lock_timeout to ${LOCK_TIMEOUT}`, { outsideTransaction: 'before' });
  const steps = entries
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.phase - b.phase || a.i - b.i)
    .map((e) => e.step);
  // A session setting changes nothing in the database; a step that does, outside the transaction, makes the plan not all-or-nothing.
  return { engine: 'postgres', steps, transactional: !steps.some((s) => s.outsideTransaction !== undefined && s.operations.length > 0) };
}

export const postgresDialect = { engine: 'postgres' as const, compile: compilePostgres };
