import { deepEqual, tableRef, type Column, type ForeignKey, type PlanInput, type TableRef } from '../../unified/index.js';

/** What a foreign key compares across its two sides: the column's type, charset and collation. */
const keyShapeChanges = (from: Column, to: Column): boolean =>
  !deepEqual(from.type, to.type) || from.charset !== to.charset || from.collation !== to.collation || !!from.zerofill !== !!to.zerofill;

/**
 * MariaDB refuses to change the type, charset or collation of a column a foreign key uses, on either
 * side ("Cannot change column ...: used in a foreign key constraint"). The keys the diff keeps that
 * use such a column are dropped before the change and added back after it.
 */
export function foreignKeyRebuilds(input: PlanInput): { table: TableRef; key: ForeignKey }[] {
  const changed = new Set<string>();
  for (const op of input.operations) if (op.op === 'alter_column' && keyShapeChanges(op.from, op.to)) changed.add(`${op.table.name}\u0000${op.to.name}`);
  if (changed.size === 0) return [];
  const uses = (table: string, columns: readonly string[]) => columns.some((c) => changed.has(`${table}\u0000${c}`));
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
