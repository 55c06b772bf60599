import type { Database } from 'better-sqlite3';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, recordFromRow, type HistoryRow } from '../history-rows.js';
import { HISTORY_TABLE } from './introspect.js';

/** `redb_migrations` in the database file itself; the introspector leaves it out of the schema. */
const CREATE = `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
  id INTEGER PRIMARY KEY, commit_id TEXT, plan_hash TEXT NOT NULL, statements TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, executed INTEGER)`;

const hasExecuted = (db: Database): boolean => (db.pragma(`table_info(${HISTORY_TABLE})`) as { name: string }[]).some((c) => c.name === 'executed');

/** Make the table (and add `executed` to one made before it was kept), outside any migration's transaction. */
export function ensureHistory(db: Database): void {
  db.exec(CREATE);
  if (!hasExecuted(db)) db.exec(`ALTER TABLE ${HISTORY_TABLE} ADD COLUMN executed INTEGER`);
}

/** Insert a row; inside the migration's transaction it commits or rolls back with the changes. */
export function insertHistory(db: Database, r: MigrationRecord): void {
  db.prepare(`INSERT INTO ${HISTORY_TABLE} (${HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...historyValues(r));
}

export function recordMigration(db: Database, r: MigrationRecord): void {
  ensureHistory(db);
  insertHistory(db, r);
}

export function readHistory(db: Database): MigrationRecord[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(HISTORY_TABLE);
  if (exists === undefined) return [];
  const select = hasExecuted(db) ? HISTORY_COLUMNS : HISTORY_COLUMNS.replace(', executed', ', NULL AS executed');
  return db.prepare<[], HistoryRow>(`SELECT ${select} FROM ${HISTORY_TABLE} ORDER BY id DESC`).all().map(recordFromRow);
}
