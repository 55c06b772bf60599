import {
  describeOperation,
  hazardsOf,
  type Hazard,
  type Operation,
  type PlanStep,
  type Schema,
  type SchemaObject,
  type Table,
  type TableRef,
} from '../../unified/index.js';
import { scanReferences } from '../sql-references.js';
import { tokenize, type Token } from '../sql-tokens.js';
import { topologicalOrder } from '../topological-order.js';

/** Where the steps of a DuckDB plan go relative to each other. */

export const keyOf = (t: TableRef) => `${t.schema ?? ''}\u0000${t.name}`;

export function step(operations: readonly Operation[], statements: readonly string[], extra: readonly Hazard[] = [], summary?: string): PlanStep {
  const first = operations[0];
  const line = first === undefined ? undefined : describeOperation(first);
  const own = line === undefined ? '' : `${line.sign} ${line.kind} ${line.id}${operations.length > 1 ? ` (+${operations.length - 1} more)` : ''}`;
  return { summary: summary ?? own, operations, statements, hazards: [...operations.flatMap(hazardsOf), ...extra] };
}

/**
 * Upper-cased names of the relations and macros SQL text reads (see sql-references.ts: where SQL
 * names objects, not every word: a view named `order` is not what ORDER BY names).
 */
function namesIn(sql: string): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return [];
  }
  return scanReferences(tokens, { fold: (w) => w }).flatMap((r) => (r.kind === 'relation' || r.kind === 'routine' ? [r.name.toUpperCase()] : []));
}

const definitionOf = (t: SchemaObject): string => (t.kind === 'view' || t.kind === 'native' ? t.object.definition : '');
const nameOf = (t: SchemaObject): string => (t as { object: { name: string } }).object.name.toUpperCase();

/**
 * Whether an object is made after the tables (and dropped before them). DuckDB binds a view and a
 * table macro when it is made, so both come after what they read; a scalar macro comes before the
 * tables, whose checks, defaults and generated columns may call it, unless it reads a table itself.
 */
export function madeLate(to: Schema): (t: SchemaObject) => boolean {
  const relations = new Set([...to.tables, ...to.views].map((r) => r.name.toUpperCase()));
  return (t) => {
    if (t.kind === 'view') return true;
    if (t.kind !== 'native' || t.object.type === 'type') return false;
    return t.object.type !== 'macro' || namesIn(t.object.definition).some((n) => n !== nameOf(t) && relations.has(n));
  };
}

/** Late objects (views and macros) in an order where each comes after the others it names. */
export function lateOrder<T extends { target: SchemaObject }>(items: readonly T[]): T[] {
  const byName = new Map(items.map((i) => [nameOf(i.target), i]));
  return topologicalOrder(items, (i) => namesIn(definitionOf(i.target)).flatMap((n) => byName.get(n) ?? []));
}

/** A whole-table step: a table created or dropped by the plan, or one half of a rebuild. */
export interface TableStep {
  /** The table as the plan names it: `from` with the recorded renames applied, or `to`. */
  readonly table: Table;
  readonly statements: readonly string[];
  readonly op?: Operation;
  readonly summary?: string;
}

/** Table steps ordered by their foreign keys: drops go children first, creations parents first. */
export function byReferences(items: readonly TableStep[], order: 'children first' | 'parents first'): PlanStep[] {
  const byKey = new Map(items.map((i) => [keyOf(i.table), i]));
  const parents = (i: TableStep) =>
    i.table.foreignKeys.flatMap((f) => byKey.get(keyOf({ schema: f.references.schema, name: f.references.table })) ?? []).filter((p) => p !== i);
  const dependsOn = order === 'parents first' ? parents : (i: TableStep) => items.filter((c) => parents(c).includes(i));
  return topologicalOrder(items, dependsOn).map((i) => (i.op === undefined ? step([], i.statements, [], i.summary) : step([i.op], i.statements)));
}
