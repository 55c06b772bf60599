import type { DuckDBConnection } from '@duckdb/node-api';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, recordFromRow, type HistoryRow } from '../history-rows.js';
import { HISTORY_SCHEMA } from './catalog.js';

/** `redb.migrations` in the migrated database: a schema of its own, which the introspector skips. */
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE SEQUENCE IF NOT EXISTS ${HISTORY_SCHEMA}.migrations_id;
CREATE TABLE IF NOT EXISTS ${HISTORY_SCHEMA}.migrations (
  id BIGINT PRIMARY KEY DEFAULT nextval('${HISTORY_SCHEMA}.migrations_id'), commit_id VARCHAR, plan_hash VARCHAR NOT NULL,
  statements VARCHAR NOT NULL, started_at VARCHAR NOT NULL, finished_at VARCHAR NOT NULL, outcome VARCHAR NOT NULL, error VARCHAR, executed INTEGER);
ALTER TABLE ${HISTORY_SCHEMA}.migrations ADD COLUMN IF NOT EXISTS executed INTEGER`;

/** Make the table, outside any migration's transaction. */
export async function ensureHistory(connection: DuckDBConnection): Promise<void> {
  await connection.run(CREATE);
}

/** Insert a row; inside the migration's transaction it commits or rolls back with the changes. */
export async function insertHistory(connection: DuckDBConnection, r: MigrationRecord): Promise<void> {
  await connection.run(
    `INSERT INTO ${HISTORY_SCHEMA}.migrations (${HISTORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    historyValues(r) as (string | number | null)[],
  );
}

export async function recordMigration(connection: DuckDBConnection, r: MigrationRecord): Promise<void> {
  await ensureHistory(connection);
  await insertHistory(connection, r);
}

export async function readHistory(connection: DuckDBConnection): Promise<MigrationRecord[]> {
  const exists = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${HISTORY_SCHEMA}' AND table_name = 'migrations'`,
  );
  if (exists.currentRowCount === 0) return [];
  const columns = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = '${HISTORY_SCHEMA}' AND table_name = 'migrations' AND column_name = 'executed'`,
  );
  const select = columns.currentRowCount === 0 ? HISTORY_COLUMNS.replace(', executed', ', NULL AS executed') : HISTORY_COLUMNS;
  const rows = await connection.runAndReadAll(`SELECT ${select} FROM ${HISTORY_SCHEMA}.migrations ORDER BY id DESC`);
  return ((await rows.getRowObjectsJson()) as unknown as HistoryRow[]).map(recordFromRow);
}
