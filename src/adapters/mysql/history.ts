import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, interruptedNote, recordFromRow, type HistoryLog, type HistoryRow } from '../history-rows.js';
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
    outcome varchar(16) NOT NULL, error text, executed int, KEY by_database (database_name, id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

const hasExecuted = async (query: Query): Promise<boolean> =>
  (await query("SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations' AND COLUMN_NAME = 'executed'")).length > 0;

/** Make the database and table, and add `executed` to a table made before it was kept (MySQL has no ADD COLUMN IF NOT EXISTS). */
export async function ensureHistory(query: Query): Promise<void> {
  for (const sql of CREATE) await query(sql);
  if (await hasExecuted(query)) return;
  // The table is the server's: a migrate of another database may add the column at the same moment.
  await query('ALTER TABLE `redb`.`migrations` ADD COLUMN executed int').catch((e: unknown) => {
    if ((e as { errno?: unknown }).errno !== 1060) throw e;
  });
}

/** Each write commits on its own: DDL cannot share a transaction with it here. */
export const historyLog = (query: Query, database: string): HistoryLog => ({
  insert: async (r) => {
    const result = (await query(`INSERT INTO \`redb\`.\`migrations\` (database_name, ${HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      database,
      ...historyValues(r),
    ])) as unknown as {
      insertId: number;
    };
    return Number(result.insertId);
  },
  update: async (id, p) => {
    await query('UPDATE `redb`.`migrations` SET outcome = ?, executed = ?, error = ?, finished_at = ? WHERE id = ?', [
      p.outcome,
      p.executed,
      p.error ?? null,
      new Date().toISOString(),
      id,
    ]);
  },
});

export async function recordMigration(query: Query, database: string, r: MigrationRecord): Promise<void> {
  await ensureHistory(query);
  await historyLog(query, database).insert(r);
}

const exists = async (query: Query): Promise<boolean> =>
  (await query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations'")).length > 0;

/** Rows left `running` by a process that ended; called while holding the migrate lock, so none is live. */
export async function settleHistory(query: Query, database: string): Promise<void> {
  if (!(await exists(query)) || !(await hasExecuted(query))) return;
  const rows = await query<{ id: number; statements: string; executed: number | null }>(
    "SELECT id, statements, executed FROM `redb`.`migrations` WHERE database_name = ? AND outcome = 'running'",
    [database],
  );
  for (const row of rows) {
    const note = interruptedNote(JSON.parse(row.statements) as string[], Number(row.executed ?? 0));
    await query("UPDATE `redb`.`migrations` SET outcome = 'interrupted', error = ? WHERE id = ?", [note, row.id]);
  }
}

export async function readHistory(query: Query, database: string): Promise<MigrationRecord[]> {
  if (!(await exists(query))) return [];
  const select = (await hasExecuted(query)) ? HISTORY_COLUMNS : HISTORY_COLUMNS.replace(', executed', ', NULL AS executed');
  const rows = await query<HistoryRow>(`SELECT ${select} FROM \`redb\`.\`migrations\` WHERE database_name = ? ORDER BY id DESC`, [database]);
  return rows.map(recordFromRow);
}
