import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, recordFromRow, type HistoryRow } from '../history-rows.js';
import type { Query } from './catalog-queries.js';

/**
 * redb's migration history on a MariaDB/MySQL server: a `redb` database of its own (so it is never
 * part of a modelled schema), one row per migration, keyed by the migrated database's name.
 */
const CREATE = [
  'CREATE DATABASE IF NOT EXISTS `redb`',
  `CREATE TABLE IF NOT EXISTS \`redb\`.\`migrations\` (
    id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, database_name varchar(64) NOT NULL, commit_id char(40),
    plan_hash char(40) NOT NULL, statements longtext NOT NULL, started_at varchar(32) NOT NULL, finished_at varchar(32) NOT NULL,
    outcome varchar(16) NOT NULL, error text, KEY by_database (database_name, id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

export async function recordMigration(query: Query, database: string, r: MigrationRecord): Promise<void> {
  for (const sql of CREATE) await query(sql);
  await query(`INSERT INTO \`redb\`.\`migrations\` (database_name, ${HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [database, ...historyValues(r)]);
}

export async function readHistory(query: Query, database: string): Promise<MigrationRecord[]> {
  const exists = await query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations'");
  if (exists.length === 0) return [];
  const rows = await query<HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM \`redb\`.\`migrations\` WHERE database_name = ? ORDER BY id DESC`, [database]);
  return rows.map(recordFromRow);
}
