import type { ClientBase } from 'pg';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, recordFromRow, type HistoryRow } from '../history-rows.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';

/** `redb.migrations` in the migrated database: a schema of its own, which the introspector skips. */
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${HISTORY_SCHEMA}.migrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, commit_id text, plan_hash text NOT NULL, statements jsonb NOT NULL,
  started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, outcome text NOT NULL, error text)`;

export async function recordMigration(client: ClientBase, r: MigrationRecord): Promise<void> {
  await client.query(CREATE);
  await client.query(`INSERT INTO ${HISTORY_SCHEMA}.migrations (${HISTORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, historyValues(r));
}

export async function readHistory(client: ClientBase): Promise<MigrationRecord[]> {
  const exists = await client.query(`SELECT to_regclass('${HISTORY_SCHEMA}.migrations') IS NOT NULL AS present`);
  if ((exists.rows[0] as { present: boolean } | undefined)?.present !== true) return [];
  const { rows } = await client.query<HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM ${HISTORY_SCHEMA}.migrations ORDER BY id DESC`);
  return rows.map(recordFromRow);
}
