import { errors } from '../../errors.js';
import {
  describeOperation,
  hazardsOf,
  objectId,
  type Constraint,
  type Hazard,
  type Operation,
  type Plan,
  type PlanInput,
  type PlanStep,
  type SchemaObject,
  type Table,
  type TableOperation,
  type TableRef,
} from '../../unified/index.js';
import { alterColumnSql, alterTableSql, createObjectSql, dropObjectSql, position } from './compile-objects.js';
import { checkSql, columnSql, createIndexSql, foreignKeySql, indexDefinitionSql, uniqueSql } from './ddl.js';
import { droppedKeyClause, keyMerges, primaryKeyClauses, primaryKeyHazards, type KeyMerges } from './key-merges.js';
import { foreignKeyRebuilds } from './foreign-key-rebuilds.js';
import { companionRecreations } from './recreations.js';
import { partitioningFollowsRenames } from './renamed-partitionings.js';
import { viewReads } from './references.js';
import { viewsReadingRenamed } from './renamed-readers.js';
import { quoteIdent, quotedNames } from './sql-text.js';
import { topologicalOrder } from '../topological-order.js';
import { unhandled } from '../../unified/unhandled.js';

/**
 * MariaDB/MySQL plans. DDL is not transactional here: each statement commits on its own, so the
 * order alone keeps every statement valid. Phases, in order:
 */
const PHASES = [
  'renames', // recorded renames: every other operation names things as they are after them
  'drop code', // triggers, events, views, routines (and the old half of changed ones)
  'drop foreign keys', // before any table or index they use goes
  'drop table parts', // indexes, checks, uniques, columns
  'drop tables',
  'drop sequences',
  'create sequences and routines', // views call functions; defaults call sequences
  'create tables', // without foreign keys, so cycles work
  'alter tables',
  'add foreign keys',
  'views', // in dependency order
  'triggers', // in FOLLOWS order
  'natives', // partitioning, events
] as const;
type Phase = (typeof PHASES)[number];

const unsupported = (what: string) => errors.planUnsupported('mysql', what);
const table = (ref: TableRef) => quoteIdent(ref.name);

interface Placed {
  readonly phase: Phase;
  readonly step: PlanStep;
  /** Orders steps inside a phase (dependencies of views and triggers). */
  readonly name?: string;
  readonly after?: ReadonlySet<string>;
}

function step(
  operations: readonly Operation[],
  statements: readonly string[],
  hazards: readonly Hazard[] = operations.flatMap(hazardsOf),
  label?: string,
): PlanStep {
  const first = operations[0];
  const line = first === undefined ? undefined : describeOperation(first);
  const summary = label ?? (line === undefined ? '' : `${line.sign} ${line.kind} ${line.id}`);
  return { summary, operations, statements, hazards };
}

const rewrites = (reason: string): Hazard => ({ name: 'rewrites-table', reason });

/** The statement that drops one constraint. A check named after a column is that column's own: re-declaring the column drops it. */
function dropConstraintSql(ref: TableRef, c: Constraint, from: Table | undefined): string {
  const name = c.def.name;
  if (c.type === 'exclusion') throw unsupported(`exclusion constraint ${c.def.name}`);
  if (name === undefined) throw unsupported(`dropping an unnamed ${c.type.replace('_', ' ')} on ${ref.name}`);
  if (c.type === 'foreign_key') return `ALTER TABLE ${table(ref)} DROP FOREIGN KEY ${quoteIdent(name)}`;
  if (c.type === 'unique') return `ALTER TABLE ${table(ref)} DROP INDEX ${quoteIdent(name)}`;
  const column = from?.columns.find((col) => col.name === name);
  if (column !== undefined) return `ALTER TABLE ${table(ref)} MODIFY COLUMN ${columnSql(column)}`;
  return `ALTER TABLE ${table(ref)} DROP CONSTRAINT ${quoteIdent(name)}`;
}

function addConstraintSql(ref: TableRef, c: Constraint, to: Table | undefined): string {
  switch (c.type) {
    case 'foreign_key':
      return `ALTER TABLE ${table(ref)} ADD ${foreignKeySql(c.def)}`;
    case 'unique':
      return `ALTER TABLE ${table(ref)} ADD ${uniqueSql(c.def)}`;
    case 'check': {
      const column = c.def.name === undefined ? undefined : to?.columns.find((col) => col.name === c.def.name);
      if (column !== undefined) return `ALTER TABLE ${table(ref)} MODIFY COLUMN ${columnSql(column, c.def)}`;
      return `ALTER TABLE ${table(ref)} ADD ${checkSql(c.def)}`;
    }
    case 'exclusion':
      throw unsupported(`exclusion constraint ${c.def.name}`);
  }
}

/**
 * Sub-order inside 'alter tables': options (charset conversion) before column definitions, keys after.
 * A column becoming AUTO_INCREMENT comes last: the server wants it to lead a key already. A column
 * becoming nullable comes after the primary key changes: while it is in the key the server silently
 * keeps it NOT NULL.
 */
const ALTER_ORDER: Partial<Record<Operation['op'], number>> = {
  alter_table: 0,
  add_column: 1,
  alter_column: 2,
  set_primary_key: 3,
  add_constraint: 4,
  add_index: 5,
};
function alterOrder(op: Operation): number {
  if (op.op === 'alter_column' && op.to.autoIncrement && !op.from.autoIncrement) return 6;
  if (op.op === 'alter_column' && op.to.nullable && !op.from.nullable) return 3.5;
  return ALTER_ORDER[op.op] ?? 9;
}
const DROP_ORDER: Partial<Record<Operation['op'], number>> = { drop_index: 0, drop_constraint: 1, drop_column: 2 };

function placeTableOp(op: TableOperation, from: Table | undefined, to: Table | undefined, keys: KeyMerges): Placed[] {
  switch (op.op) {
    case 'add_column': {
      const add = `ADD COLUMN ${columnSql(op.column)}${position(to, op.column.name)}`;
      const key = keys.withAdd.get(op);
      if (key?.op === 'set_primary_key') {
        const sql = `ALTER TABLE ${table(op.table)} ${[add, ...primaryKeyClauses(key, keys)].join(', ')}`;
        return [{ phase: 'alter tables', step: step([op, key], [sql], [...hazardsOf(op), ...primaryKeyHazards(key)]) }];
      }
      if (key?.op === 'add_index') {
        const sql = `ALTER TABLE ${table(op.table)} ${add}, ADD ${indexDefinitionSql(key.index, to?.options?.engine)}`;
        return [{ phase: 'alter tables', step: step([op, key], [sql]) }];
      }
      return [{ phase: 'alter tables', step: step([op], [`ALTER TABLE ${table(op.table)} ${add}`]) }];
    }
    case 'drop_column': {
      const drop = `DROP COLUMN ${quoteIdent(op.column.name)}`;
      const merged = keys.withDrop.get(op) ?? [];
      const sql = `ALTER TABLE ${table(op.table)} ${[...merged.map(droppedKeyClause), drop].join(', ')}`;
      const hazards = [...hazardsOf(op), ...merged.flatMap((k) => (k.op === 'set_primary_key' ? primaryKeyHazards(k) : []))];
      return [{ phase: 'drop table parts', step: step([op, ...merged.filter((k) => keys.absorbed.has(k))], [sql], hazards) }];
    }
    case 'alter_column': {
      const { statements, hazards } = alterColumnSql(op.table, op.from, op.to, to);
      return [{ phase: 'alter tables', step: step([op], statements, [...hazardsOf(op), ...hazards]) }];
    }
    case 'set_primary_key':
      return [{ phase: 'alter tables', step: step([op], [`ALTER TABLE ${table(op.table)} ${primaryKeyClauses(op, keys).join(', ')}`], primaryKeyHazards(op)) }];
    case 'add_constraint':
      return [
        {
          phase: op.constraint.type === 'foreign_key' ? 'add foreign keys' : 'alter tables',
          step: step([op], [addConstraintSql(op.table, op.constraint, to)]),
        },
      ];
    case 'drop_constraint':
      return [
        {
          phase: op.constraint.type === 'foreign_key' ? 'drop foreign keys' : 'drop table parts',
          step: step([op], [dropConstraintSql(op.table, op.constraint, from)]),
        },
      ];
    case 'add_index':
      return [{ phase: 'alter tables', step: step([op], [createIndexSql(op.table.name, op.index, to?.options?.engine)]) }];
    case 'drop_index':
      return [{ phase: 'drop table parts', step: step([op], [`DROP INDEX ${quoteIdent(op.index.name)} ON ${table(op.table)}`]) }];
    case 'alter_table': {
      const { statements, hazards } = alterTableSql(op.table, op.from, op.to, to);
      return [{ phase: 'alter tables', step: step([op], statements, [...hazardsOf(op), ...hazards]) }];
    }
    case 'add_policy':
    case 'drop_policy':
      throw unsupported(`row-level security policy ${op.policy.name} on ${op.table.name}`);
    case 'rename_column':
      return [{ phase: 'renames', step: step([op], [`ALTER TABLE ${table(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.column.name)}`]) }];
    case 'rename_index':
      return [{ phase: 'renames', step: step([op], [`ALTER TABLE ${table(op.table)} RENAME INDEX ${quoteIdent(op.from)} TO ${quoteIdent(op.index.name)}`]) }];
    default:
      return unhandled(op);
  }
}

/** Views, triggers and natives: a name, and the names they must come after. */
function dependencyOf(target: SchemaObject): Pick<Placed, 'name' | 'after'> {
  if (target.kind === 'view') return { name: target.object.name, after: viewReads(target.object.definition) };
  if (target.kind === 'trigger') {
    const m = /\bFOR EACH ROW\s+(?:FOLLOWS|PRECEDES)\s+(`(?:[^`]|``)*`)/i.exec(target.object.definition);
    return { name: target.object.name, after: m?.[1] === undefined ? new Set() : quotedNames(m[1]) };
  }
  return {};
}

/** Partitioning or un-partitioning a table that holds rows moves all of them. */
const partitioning = (target: SchemaObject, existing: ReadonlySet<string>): Hazard[] =>
  target.kind === 'native' && target.object.type === 'partitioning' && existing.has(target.object.name)
    ? [rewrites(`re-partitioning ${target.object.name} copies the table`)]
    : [];

const CREATE_PHASE: Partial<Record<SchemaObject['kind'], Phase>> = {
  sequence: 'create sequences and routines',
  routine: 'create sequences and routines',
  table: 'create tables',
  view: 'views',
  trigger: 'triggers',
  native: 'natives',
};

function placeCreate(op: Operation, target: SchemaObject, replacing: SchemaObject | undefined, existing: ReadonlySet<string>): Placed[] {
  const phase = target.kind === 'native' && target.object.type === 'system versioned table' ? 'create tables' : CREATE_PHASE[target.kind];
  if (phase === undefined) throw unsupported(`${target.kind} ${objectId(target.kind, target.object)}`);
  const placed: Placed[] = [
    { phase, step: step([op], createObjectSql(target, replacing), [...hazardsOf(op), ...partitioning(target, existing)]), ...dependencyOf(target) },
  ];
  if (target.kind === 'table' && target.object.foreignKeys.length > 0) {
    const t = target.object;
    const sql = `ALTER TABLE ${quoteIdent(t.name)} ${t.foreignKeys.map((f) => `ADD ${foreignKeySql(f)}`).join(', ')}`;
    placed.push({ phase: 'add foreign keys', step: step([op], [sql], [], `+ foreign keys of table ${t.name}`) });
  }
  return placed;
}

function placeDrop(op: Operation, target: SchemaObject, droppedTables: ReadonlySet<string>, existing: ReadonlySet<string>): Placed[] {
  if (target.kind === 'table') {
    const t = target.object;
    const placed: Placed[] = [{ phase: 'drop tables', step: step([op], dropObjectSql(target)) }];
    // Foreign keys go first, so tables that reference each other can be dropped in any order.
    if (t.foreignKeys.length > 0) {
      const drops = t.foreignKeys.map((f) => {
        if (f.name === undefined) throw unsupported(`dropping an unnamed foreign key of ${t.name}`);
        return `DROP FOREIGN KEY ${quoteIdent(f.name)}`;
      });
      const sql = `ALTER TABLE ${quoteIdent(t.name)} ${drops.join(', ')}`;
      placed.push({ phase: 'drop foreign keys', step: step([op], [sql], [], `- foreign keys of table ${t.name}`) });
    }
    return placed;
  }
  // Dropping a table takes its partitioning along.
  if (target.kind === 'native' && target.object.type === 'partitioning' && droppedTables.has(target.object.name)) return [];
  const phase: Phase =
    target.kind === 'sequence' ? 'drop sequences' : target.kind === 'native' && target.object.type === 'system versioned table' ? 'drop tables' : 'drop code';
  return [{ phase, step: step([op], dropObjectSql(target), [...hazardsOf(op), ...partitioning(target, existing)]) }];
}

/** Stable topological order of one phase's steps by their `after` names. */
function ordered(items: readonly Placed[]): Placed[] {
  const byName = new Map(items.flatMap((p) => (p.name === undefined ? [] : [[p.name, p] as const])));
  return topologicalOrder(items, (p) => [...(p.after ?? [])].flatMap((dep) => byName.get(dep) ?? []));
}

export function compileMysql(input: PlanInput): Plan {
  const fromTables = new Map(input.from.tables.map((t) => [t.name, t]));
  const toTables = new Map(input.to.tables.map((t) => [t.name, t]));
  const existing = new Set(fromTables.keys());
  const droppedTables = new Set(input.operations.flatMap((op) => (op.op === 'drop_object' && op.target.kind === 'table' ? [op.target.object.name] : [])));
  const placed: Placed[] = [];
  const keys = keyMerges(input.operations);
  const renamed = partitioningFollowsRenames(input.operations);
  for (const op of [...renamed.operations, ...companionRecreations(input), ...viewsReadingRenamed(input)]) {
    if (keys.absorbed.has(op)) continue;
    if (op.op === 'create_object') placed.push(...placeCreate(op, op.target, undefined, existing));
    else if (op.op === 'drop_object') placed.push(...placeDrop(op, op.target, droppedTables, existing));
    else if (op.op === 'alter_object') {
      // Views are replaced in place (dependents stay valid), sequences altered (they keep their position).
      if (op.to.kind === 'view' || op.to.kind === 'sequence') placed.push(...placeCreate(op, op.to, op.from, existing));
      else placed.push(...placeDrop(op, op.from, droppedTables, existing), ...placeCreate(op, op.to, undefined, existing));
    } else if (op.op === 'rename_object') {
      // RENAME TABLE renames views too; dependants (foreign keys, triggers, partitioning) follow the table.
      const sql = `RENAME TABLE ${table(op.from)} TO ${quoteIdent(op.target.object.name)}`;
      placed.push({ phase: 'renames', step: step([op, ...(renamed.carried.get(op) ?? [])], [sql], hazardsOf(op)) });
    } else placed.push(...placeTableOp(op, fromTables.get(op.table.name), toTables.get(op.table.name), keys));
  }
  // Kept foreign keys on columns whose type changes: out of the way and back, carrying no hazards of their own.
  for (const { table: ref, key } of foreignKeyRebuilds(input)) {
    const constraint = { type: 'foreign_key', def: key } as const;
    const label = `~ foreign key ${ref.name}.${key.name ?? key.columns.join(',')} (around a column type change)`;
    placed.push(
      {
        phase: 'drop foreign keys',
        step: step([{ op: 'drop_constraint', table: ref, constraint }], [dropConstraintSql(ref, constraint, undefined)], [], label),
      },
      { phase: 'add foreign keys', step: step([{ op: 'add_constraint', table: ref, constraint }], [addConstraintSql(ref, constraint, undefined)], [], label) },
    );
  }
  const subOrder = (p: Placed) => {
    const op = p.step.operations[0];
    if (op === undefined) return 0;
    return p.phase === 'alter tables' ? alterOrder(op) : p.phase === 'drop table parts' ? (DROP_ORDER[op.op] ?? 9) : 0;
  };
  const steps = PHASES.flatMap((phase) => {
    const mine = placed.filter((p) => p.phase === phase);
    const sorted = mine
      .map((p, i) => ({ p, i }))
      .sort((a, b) => subOrder(a.p) - subOrder(b.p) || a.i - b.i)
      .map(({ p }) => p);
    return ordered(sorted).map((p) => p.step);
  });
  return { engine: 'mysql', steps, transactional: false };
}

export const mysqlDialect = { engine: 'mysql' as const, compile: compileMysql };
