import type { Table } from '../unified/index.js';
import type { MaskTable } from './mask-types.js';

/** A model table as the masker sees it: a column is unique when a key, constraint or unique index covers it alone. */
export function maskTableOf(table: Table): MaskTable {
  const single = new Set<string>();
  const add = (columns: readonly (string | undefined)[]) => {
    if (columns.length === 1 && columns[0] !== undefined) single.add(columns[0]);
  };
  add(table.primaryKey?.columns ?? []);
  for (const u of table.uniques) add(u.columns);
  for (const i of table.indexes) if (i.unique && i.where === undefined) add(i.keys.map((k) => k.column));
  return {
    schema: table.schema,
    name: table.name,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, unique: single.has(c.name) })),
  };
}
