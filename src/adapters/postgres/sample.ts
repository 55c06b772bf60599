import type { Client } from 'pg';
import type { SampleTable } from '../adapter.js';
import { identList, qname } from './sql-text.js';

/** Up to `limit` rows of the named columns, in order; values as node-postgres parses them. */
export async function sampleRows(client: Client, table: SampleTable, limit: number): Promise<unknown[][]> {
  const result = await client.query<unknown[]>({ text: `SELECT ${identList(table.columns)} FROM ${qname(table)} LIMIT $1`, values: [limit], rowMode: 'array' });
  return result.rows;
}
