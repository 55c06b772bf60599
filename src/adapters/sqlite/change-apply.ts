import type { DbTarget } from '../adapter.js';
import type { ApplyTransaction, ChangeTarget, StoredPosition } from '../change-apply.js';
import type { TableName } from '../rows.js';
import { quoteIdent } from './compile.js';
import { REPLICATION_TABLE } from './introspect.js';

/**
 * SQLite as a replication target: prepared INSERT ... ON CONFLICT DO UPDATE per row, in one
 * immediate transaction with the job's row in `redb_replication` (in the file, beside
 * `redb_migrations`; the introspector leaves both out of the schema).
 */

const CREATE = `CREATE TABLE IF NOT EXISTS ${REPLICATION_TABLE} (job TEXT PRIMARY KEY, source TEXT NOT NULL, position TEXT NOT NULL, committed_at TEXT, applied_at TEXT NOT NULL, source_state TEXT)`;

interface PositionRow {
  job: string;
  source: string;
  position: string;
  committed_at: string | null;
  applied_at: string;
  source_state?: string | null;
}
const fromRow = (r: PositionRow): StoredPosition => ({
  job: r.job,
  source: r.source,
  position: r.position,
  committedAt: r.committed_at ?? undefined,
  appliedAt: r.applied_at,
  ...(r.source_state == null ? {} : { state: r.source_state }),
});
const name = (t: TableName): string => quoteIdent(t.name);
const bindable = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value);

export async function openSqliteChangeTarget(target: DbTarget): Promise<ChangeTarget> {
  const { open } = await import('./rows.js');
  const db = await open(target, true);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = OFF');
  const exists = () => db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(REPLICATION_TABLE) !== undefined;
  const statements = new Map<string, import('better-sqlite3').Statement>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  const tx: ApplyTransaction = {
    async upsert(table, columns, key, rows) {
      const rest = columns.filter((c) => !key.includes(c));
      const tail = rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}`;
      const insert = prepared(
        `INSERT INTO ${name(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${tail}`,
      );
      for (const row of rows) insert.run(...row.map(bindable));
    },
    async update(table, columns, values, key, keyValues) {
      if (columns.length === 0) return;
      prepared(
        `UPDATE ${name(table)} SET ${columns.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE ${key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ')}`,
      ).run(...[...values, ...keyValues].map(bindable));
    },
    async delete(table, key, keys) {
      const del = prepared(`DELETE FROM ${name(table)} WHERE ${key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ')}`);
      for (const k of keys) del.run(...k.map(bindable));
    },
    async truncate(tables) {
      for (const t of tables) db.exec(`DELETE FROM ${name(t)}`);
    },
    async schema(run) {
      // A table rebuild renames tables: views and triggers are not rewritten or checked meanwhile (as migrate runs it).
      db.pragma('legacy_alter_table = ON');
      db.exec('SAVEPOINT redb_schema');
      try {
        for (const sql of run) db.exec(sql);
        db.exec('RELEASE redb_schema');
      } catch (e) {
        db.exec('ROLLBACK TO redb_schema');
        db.exec('RELEASE redb_schema');
        throw e;
      } finally {
        db.pragma('legacy_alter_table = OFF');
        // Statements prepared for the old shape of a table are prepared again.
        statements.clear();
      }
    },
    async commit(p) {
      prepared(
        `INSERT INTO ${REPLICATION_TABLE} (job, source, position, committed_at, applied_at, source_state) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (job) DO UPDATE SET source = excluded.source, position = excluded.position, committed_at = excluded.committed_at, applied_at = excluded.applied_at,
           source_state = COALESCE(excluded.source_state, source_state)`,
      ).run(p.job, p.source, p.position, p.committedAt ?? null, p.appliedAt, p.state ?? null);
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };

  return {
    checksForeignKeys: false,
    async readPosition(job) {
      if (!exists()) return undefined;
      const row = db.prepare(`SELECT * FROM ${REPLICATION_TABLE} WHERE job = ?`).get(job) as PositionRow | undefined;
      return row === undefined ? undefined : fromRow(row);
    },
    async listPositions() {
      if (!exists()) return [];
      return (db.prepare(`SELECT * FROM ${REPLICATION_TABLE} ORDER BY job`).all() as PositionRow[]).map(fromRow);
    },
    async begin() {
      db.exec(CREATE);
      // A table made by an earlier redb has no column for the source's state.
      const columns = db.prepare(`SELECT name FROM pragma_table_info('${REPLICATION_TABLE}')`).all() as { name: string }[];
      if (!columns.some((c) => c.name === 'source_state')) db.exec(`ALTER TABLE ${REPLICATION_TABLE} ADD COLUMN source_state TEXT`);
      db.exec('BEGIN IMMEDIATE');
      return tx;
    },
    async dropPosition(job) {
      if (exists()) db.prepare(`DELETE FROM ${REPLICATION_TABLE} WHERE job = ?`).run(job);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
