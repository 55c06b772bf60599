import type { MigrationRecord } from '../adapter.js';
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

interface Row {
  commit_id: string | null;
  plan_hash: string;
  statements: string;
  started_at: string;
  finished_at: string;
  outcome: 'applied' | 'failed';
  error: string | null;
}

export async function recordMigration(query: Query, database: string, r: MigrationRecord): Promise<void> {
  for (const sql of CREATE) await query(sql);
  await query(
    'INSERT INTO `redb`.`migrations` (database_name, commit_id, plan_hash, statements, started_at, finished_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [database, r.commit ?? null, r.planHash, JSON.stringify(r.statements), r.startedAt, r.finishedAt, r.outcome, r.error ?? null],
  );
}

export async function readHistory(query: Query, database: string): Promise<MigrationRecord[]> {
  const exists = await query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations'");
  if (exists.length === 0) return [];
  const rows = await query<Row>(
    'SELECT commit_id, plan_hash, statements, started_at, finished_at, outcome, error FROM `redb`.`migrations` WHERE database_name = ? ORDER BY id DESC',
    [database],
  );
  return rows.map((row) => ({
    commit: row.commit_id ?? undefined,
    planHash: row.plan_hash,
    statements: JSON.parse(row.statements) as string[],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    error: row.error ?? undefined,
  }));
}
