import type { SampleTable } from '../adapter.js';

type Database = import('better-sqlite3').Database;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Up to `limit` rows of the named columns, in order; values as better-sqlite3 returns them. */
export function sampleRows(db: Database, table: SampleTable, limit: number): unknown[][] {
  const sql = `SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)} LIMIT ?`;
  return db.prepare(sql).raw(true).all(limit) as unknown[][];
}
