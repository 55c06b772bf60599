import { canonicalText, normalizeSchema } from './canonical.js';
import { deepEqual } from './equal.js';
import type { Column, Schema, Table } from './model.js';
import { OBJECT_KINDS, objectKey, objectsOf, type ObjectKind, type SchemaObject } from './objects.js';
import { tableRef, type Constraint, type Operation, type TableAttributes } from './operations.js';

/**
 * Entity-level diff of two models: which objects, columns, keys, constraints, indexes and policies
 * were added, dropped or changed. The result is in a stable order (drops in reverse creation order,
 * then creations and changes in creation order); the planner reorders by dependency.
 */

const same = deepEqual;

function keyed<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

const constraintKeys: { [K in Constraint['type']]: (def: Extract<Constraint, { type: K }>['def']) => string } = {
  unique: (u) => u.name ?? `(${u.columns.join(',')})`,
  foreign_key: (f) => f.name ?? `(${f.columns.join(',')})>${f.references.schema ?? ''}.${f.references.table}(${f.references.columns.join(',')})`,
  check: (c) => c.name ?? c.expression,
  exclusion: (e) => e.name,
};

function constraintsOf(table: Table): Map<string, Constraint> {
  const all: Constraint[] = [
    ...table.uniques.map((def) => ({ type: 'unique' as const, def })),
    ...table.foreignKeys.map((def) => ({ type: 'foreign_key' as const, def })),
    ...table.checks.map((def) => ({ type: 'check' as const, def })),
    ...table.exclusions.map((def) => ({ type: 'exclusion' as const, def })),
  ];
  return keyed(all, (c) => `${c.type}:${(constraintKeys[c.type] as (d: unknown) => string)(c.def)}`);
}

const attributes = (t: Table): TableAttributes => ({
  comment: t.comment,
  options: t.options,
  partitionBy: t.partitionBy,
  partitionOf: t.partitionOf,
});

/** Changes inside one table that exists on both sides. */
export function diffTable(from: Table, to: Table): Operation[] {
  const table = tableRef(to);
  const ops: Operation[] = [];
  const fromCols = keyed(from.columns, (c) => c.name);
  const toCols = keyed(to.columns, (c) => c.name);
  const fromCons = constraintsOf(from);
  const toCons = constraintsOf(to);
  const fromIdx = keyed(from.indexes, (i) => i.name);
  const toIdx = keyed(to.indexes, (i) => i.name);
  const fromPol = keyed(from.policies, (p) => p.name);
  const toPol = keyed(to.policies, (p) => p.name);

  for (const [k, p] of fromPol) if (!same(p, toPol.get(k))) ops.push({ op: 'drop_policy', table, policy: p });
  for (const [k, i] of fromIdx) if (!same(i, toIdx.get(k))) ops.push({ op: 'drop_index', table, index: i });
  for (const [k, c] of fromCons) if (!same(c, toCons.get(k))) ops.push({ op: 'drop_constraint', table, constraint: c });
  if (!same(from.primaryKey, to.primaryKey)) ops.push({ op: 'set_primary_key', table, from: from.primaryKey, to: to.primaryKey });
  for (const [name, column] of fromCols) if (!toCols.has(name)) ops.push({ op: 'drop_column', table, column });
  for (const [name, column] of toCols) {
    const before: Column | undefined = fromCols.get(name);
    if (before === undefined) ops.push({ op: 'add_column', table, column });
    else if (!same(before, column)) ops.push({ op: 'alter_column', table, from: before, to: column });
  }
  if (!same(attributes(from), attributes(to))) ops.push({ op: 'alter_table', table, from: attributes(from), to: attributes(to) });
  for (const [k, c] of toCons) if (!same(c, fromCons.get(k))) ops.push({ op: 'add_constraint', table, constraint: c });
  for (const [k, i] of toIdx) if (!same(i, fromIdx.get(k))) ops.push({ op: 'add_index', table, index: i });
  for (const [k, p] of toPol) if (!same(p, fromPol.get(k))) ops.push({ op: 'add_policy', table, policy: p });
  return ops;
}

export function diffSchemas(fromInput: Schema, toInput: Schema): Operation[] {
  const from = normalizeSchema(fromInput);
  const to = normalizeSchema(toInput);
  const drops: Operation[] = [];
  const changes: Operation[] = [];
  for (const kind of OBJECT_KINDS) {
    const id = (o: unknown) => objectKey(kind, o).join('\u0000');
    const before = keyed(objectsOf(from, kind) as unknown[], id);
    const after = keyed(objectsOf(to, kind) as unknown[], id);
    const tag = (object: unknown) => ({ kind, object }) as SchemaObject;
    for (const [k, object] of before) if (!after.has(k)) drops.unshift({ op: 'drop_object', target: tag(object) });
    for (const [k, object] of after) {
      const old = before.get(k);
      if (old === undefined) changes.push({ op: 'create_object', target: tag(object) });
      else if (same(old, object)) continue;
      else if (kind === 'table') changes.push(...diffTable(old as Table, object as Table));
      else changes.push({ op: 'alter_object', from: tag(old), to: tag(object) });
    }
  }
  return [...drops, ...changes];
}

/** Two schemas are the same when their canonical files are byte-identical. */
export const schemasEqual = (a: Schema, b: Schema): boolean => canonicalText(a) === canonicalText(b);

export type { ObjectKind };
