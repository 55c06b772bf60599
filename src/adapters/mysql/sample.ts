import type { SampleTable } from '../adapter.js';
import { quoteIdent, quoteList } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

/** Up to `limit` rows of the named columns, in order; values as the connection's settings give them (dates and big numbers as text). */
export async function sampleRows(driver: Driver, table: SampleTable, limit: number): Promise<unknown[][]> {
  const [rows] = await driver.query({ sql: `SELECT ${quoteList(table.columns)} FROM ${quoteIdent(table.name)} LIMIT ?`, values: [limit], rowsAsArray: true });
  return rows as unknown[][];
}
