import { tableRef, type Operation, type Table } from '../../unified/index.js';
import { keyOf } from './order.js';

/**
 * A plan starts from `from` with the recorded renames already applied (unified/renames.ts), but a
 * table that is rebuilt is read as the database holds it, before any rename ran. These map between
 * the two.
 */

/** The name a column had before the plan's renames, from the name it has after them. */
export function columnBefore(ops: readonly Operation[], name: string): string {
  let current = name;
  for (const op of [...ops].reverse()) if (op.op === 'rename_column' && op.column.name === current) current = op.from;
  return current;
}

/** A table of `from` as the database holds it: under its old name, with its columns' old names. */
export function tableBefore(table: Table, ops: readonly Operation[]): Table {
  const first = ops.find((op) => op.op === 'rename_object');
  const old = first?.op === 'rename_object' ? first.from : table;
  return { ...table, schema: old.schema, name: old.name, columns: table.columns.map((c) => ({ ...c, name: columnBefore(ops, c.name) })) };
}

/**
 * The key of the table an operation belongs to, as the table is named at the end of the plan: a
 * rename recorded before the table itself was renamed names it as it was then.
 */
export function finalTableKey(ops: readonly Operation[], index: number, key: string): string {
  let current = key;
  for (const later of ops.slice(index + 1)) {
    if (later.op === 'rename_object' && later.target.kind === 'table' && keyOf(later.from) === current) current = keyOf(tableRef(later.target.object));
  }
  return current;
}
