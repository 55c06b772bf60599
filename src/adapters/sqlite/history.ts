import type { Database } from 'better-sqlite3';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, recordFromRow, type HistoryRow } from '../history-rows.js';
import { HISTORY_TABLE } from './introspect.js';

/** `redb_migrations` in the database file itself; the introspector leaves it out of the schema. */
const CREATE = `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
  id INTEGER PRIMARY KEY, commit_id TEXT, plan_hash TEXT NOT NULL, statements TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT)`;

export function recordMigration(db: Database, r: MigrationRecord): void {
  db.exec(CREATE);
  db.prepare(`INSERT INTO ${HISTORY_TABLE} (${HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(...historyValues(r));
}

export function readHistory(db: Database): MigrationRecord[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(HISTORY_TABLE);
  if (exists === undefined) return [];
  return db.prepare<[], HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM ${HISTORY_TABLE} ORDER BY id DESC`).all().map(recordFromRow);
}
