import type { TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import type { Column, Schema, Table } from '../unified/index.js';
import { tableId } from './schema-phases.js';

/** A source table and the target table its rows go to, column by column. */
export interface TablePair {
  /** The source table's name, as messages and checkpoints know it. */
  readonly id: string;
  readonly source: Table;
  readonly target: Table;
  /** Generated columns are left out: the target computes its own. */
  readonly columns: readonly { readonly source: Column; readonly target: Column }[];
  /** The primary key, as positions in `columns`; absent when the source table has none. */
  readonly key?: readonly number[] | undefined;
}

export const nameOf = (t: Table): TableName => ({ schema: t.schema, name: t.name });

/** Exact name first, then ignoring case (MySQL and SQLite fold some names). */
function find<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((i) => i.name === name) ?? items.find((i) => i.name.toLowerCase() === name.toLowerCase());
}

/** The target table for a source table; with `mayBeMissing`, undefined when the clone is yet to create it. */
export function pairTable(source: Table, target: Schema, targetName: string, mayBeMissing: true): TablePair | undefined;
export function pairTable(source: Table, target: Schema, targetName: string, mayBeMissing: false): TablePair;
export function pairTable(source: Table, target: Schema, targetName: string, mayBeMissing: boolean): TablePair | undefined {
  const candidates = target.tables.filter((t) => t.name.toLowerCase() === source.name.toLowerCase());
  const table = candidates.find((t) => t.schema === source.schema) ?? find(candidates, source.name);
  if (table === undefined && mayBeMissing) return undefined;
  if (table === undefined) throw errors.cloneTableMissing(targetName, tableId(source));
  // A source column generated there but plain here (its expression did not translate) has its values copied.
  const columns = source.columns
    .filter((c) => c.generated === undefined || (find(table.columns, c.name) ?? c).generated === undefined)
    .map((c) => {
      const t = find(table.columns, c.name);
      if (t === undefined) throw errors.cloneColumnMissing(targetName, tableId(table), c.name);
      return { source: c, target: t };
    })
    .filter((c) => c.target.generated === undefined);
  const keyNames = source.primaryKey?.columns ?? [];
  const key = keyNames.map((k) => columns.findIndex((c) => c.source.name === k));
  return { id: tableId(source), source, target: table, columns, key: key.length > 0 && key.every((i) => i >= 0) ? key : undefined };
}
