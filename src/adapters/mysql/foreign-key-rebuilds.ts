import { deepEqual, tableRef, type Column, type ForeignKey, type PlanInput, type TableRef } from '../../unified/index.js';

/** What a foreign key compares across its two sides: the column's type, charset and collation. */
const keyShapeChanges = (from: Column, to: Column): boolean =>
  !deepEqual(from.type, to.type) || from.charset !== to.charset || from.collation !== to.collation || !!from.zerofill !== !!to.zerofill;

const at = (table: string, column: string) => `${table}\u0000${column}`;

const CHARACTER_KINDS = new Set(['text', 'enum', 'set']);

/** Character columns that follow their table's charset and collation: converting the table changes them. */
function convertedColumns(input: PlanInput): string[] {
  const toTables = new Map(input.to.tables.map((t) => [t.name, t]));
  return input.operations.flatMap((op) => {
    if (op.op !== 'alter_table') return [];
    const [a, b] = [op.from.options ?? {}, op.to.options ?? {}];
    if (a.charset === b.charset && a.collation === b.collation) return [];
    const columns = toTables.get(op.table.name)?.columns ?? [];
    return columns
      .filter((c) => CHARACTER_KINDS.has(c.type.kind) && c.charset === undefined && c.collation === undefined)
      .map((c) => at(op.table.name, c.name));
  });
}

/** The column lists of indexes (and primary keys) the plan drops or replaces, by table. */
function droppedIndexes(input: PlanInput): Map<string, (readonly (string | undefined)[])[]> {
  const out = new Map<string, (readonly (string | undefined)[])[]>();
  const add = (table: string, columns: readonly (string | undefined)[]) => out.set(table, [...(out.get(table) ?? []), columns]);
  for (const op of input.operations) {
    if (op.op === 'drop_index')
      add(
        op.table.name,
        op.index.keys.map((k) => k.column),
      );
    if (op.op === 'set_primary_key' && op.from !== undefined) add(op.table.name, op.from.columns);
  }
  return out;
}

/**
 * MariaDB refuses to change the type, charset or collation of a column a foreign key uses, on either
 * side ("Cannot change column ...: used in a foreign key constraint"; converting its table does that
 * too), and to drop the index a foreign
 * key stands on ("needed in a foreign key constraint": an index led by the key's columns, on either
 * side), even when the plan adds another one. The keys the diff keeps that meet either are dropped
 * before the change and added back after it.
 */
export function foreignKeyRebuilds(input: PlanInput): { table: TableRef; key: ForeignKey }[] {
  const changed = new Set(convertedColumns(input));
  for (const op of input.operations) if (op.op === 'alter_column' && keyShapeChanges(op.from, op.to)) changed.add(at(op.table.name, op.to.name));
  const indexes = droppedIndexes(input);
  if (changed.size === 0 && indexes.size === 0) return [];
  const uses = (table: string, columns: readonly string[]) =>
    columns.some((c) => changed.has(at(table, c))) || (indexes.get(table) ?? []).some((index) => columns.every((c, i) => index[i] === c));
  const toTables = new Map(input.to.tables.map((t) => [t.name, t]));
  return input.from.tables.flatMap((t) => {
    const target = toTables.get(t.name);
    if (target === undefined) return [];
    return t.foreignKeys
      .filter((f) => uses(t.name, f.columns) || (f.references.schema === undefined && uses(f.references.table, f.references.columns)))
      .filter((f) => target.foreignKeys.some((g) => deepEqual(f, g)))
      .map((key) => ({ table: tableRef(target), key }));
  });
}
