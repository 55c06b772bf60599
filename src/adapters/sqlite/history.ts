import type { Database } from 'better-sqlite3';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_TABLE } from './introspect.js';

/** `redb_migrations` in the database file itself; the introspector leaves it out of the schema. */
const CREATE = `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
  id INTEGER PRIMARY KEY, commit_id TEXT, plan_hash TEXT NOT NULL, statements TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT)`;

interface Row {
  commit_id: string | null;
  plan_hash: string;
  statements: string;
  started_at: string;
  finished_at: string;
  outcome: 'applied' | 'failed';
  error: string | null;
}

export function recordMigration(db: Database, r: MigrationRecord): void {
  db.exec(CREATE);
  db.prepare(`INSERT INTO ${HISTORY_TABLE} (commit_id, plan_hash, statements, started_at, finished_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    r.commit ?? null,
    r.planHash,
    JSON.stringify(r.statements),
    r.startedAt,
    r.finishedAt,
    r.outcome,
    r.error ?? null,
  );
}

export function readHistory(db: Database): MigrationRecord[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(HISTORY_TABLE);
  if (exists === undefined) return [];
  return db
    .prepare<[], Row>(`SELECT commit_id, plan_hash, statements, started_at, finished_at, outcome, error FROM ${HISTORY_TABLE} ORDER BY id DESC`)
    .all()
    .map((row) => ({
      commit: row.commit_id ?? undefined,
      planHash: row.plan_hash,
      statements: JSON.parse(row.statements) as string[],
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      outcome: row.outcome,
      error: row.error ?? undefined,
    }));
}
