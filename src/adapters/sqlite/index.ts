import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { errors } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyOptions, ApplyResult, Connection, DbTarget, MigrationOutcome, Shadow } from '../adapter.js';
import { fileAccessError } from '../file-access.js';
import { parseDbUrl } from '../url.js';
import { sqliteDialect } from './compile.js';
import { ensureHistory, insertHistory, readHistory, recordMigration } from './history.js';
import { introspectSqlite } from './introspect.js';
import { sampleRows } from './sample.js';
import { sqliteManifest } from './manifest.js';

type Database = import('better-sqlite3').Database;

/**
 * Run a plan in one transaction, with the pragmas the table rebuild needs set around it. The history
 * row is written in the same transaction, so the changes never land without it.
 */
function applyPlan(db: Database, plan: Plan, name: string, options: ApplyOptions = {}): ApplyResult {
  const statements = planStatements(plan);
  const entry = options.history;
  let historyProblem: string | undefined;
  if (entry !== undefined) {
    try {
      ensureHistory(db);
    } catch (e) {
      historyProblem = `the migration history could not be kept: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const keep = entry !== undefined && historyProblem === undefined;
  const record = (outcome: MigrationOutcome, error?: string) => {
    if (keep) insertHistory(db, { ...entry, finishedAt: new Date().toISOString(), outcome, executed: outcome === 'applied' ? statements.length : 0, error });
  };
  const executed: string[] = [];
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  // Keeps RENAME from rewriting or re-checking views and triggers while a table is swapped.
  db.pragma('legacy_alter_table = ON');
  let current = '';
  try {
    db.exec('BEGIN');
    try {
      for (const sql of statements) {
        current = sql;
        db.exec(sql);
        executed.push(sql);
      }
      const violations = db.pragma('foreign_key_check') as { table: string; parent: string }[];
      if (violations.length > 0 && foreignKeys === 1) {
        const first = violations[0] as { table: string; parent: string };
        current = 'PRAGMA foreign_key_check';
        throw new Error(`${violations.length} row(s) of ${first.table} reference missing rows of ${first.parent}`);
      }
      current = 'COMMIT';
      record('applied');
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const detail = e instanceof Error ? e.message : String(e);
      try {
        record('failed', `${current.split('\n')[0]}: ${detail}`);
      } catch {
        // The failure itself is what the caller must hear about.
      }
      throw errors.migrateFailed(name, current, detail, true).because(e);
    }
  } finally {
    db.pragma('legacy_alter_table = OFF');
    db.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`);
  }
  return historyProblem === undefined ? { executed } : { executed, historyProblem };
}

async function connect(target: DbTarget): Promise<Connection> {
  const { default: Sqlite } = await import('better-sqlite3');
  const path = parseDbUrl(target.url).path as string;
  const file = isAbsolute(path) ? path : resolve(target.cwd, path);
  let db: Database;
  try {
    db = new Sqlite(file, { fileMustExist: true });
    db.pragma('foreign_keys = ON');
  } catch (e) {
    if (existsSync(file)) {
      const os = fileAccessError(file, false);
      if (os !== undefined) throw os.because(e);
    }
    const detail =
      e instanceof Error && /unable to open|does not exist/i.test(e.message) ? `no SQLite database at ${file}` : String(e instanceof Error ? e.message : e);
    throw errors.dbUnreachable(target.name, detail, 'file').because(e);
  }
  return connection(db, target.name, file);
}

function connection(db: Database, name: string, file: string): Connection {
  return {
    introspect: async (options) => {
      try {
        return introspectSqlite(db, options?.known);
      } catch (e) {
        if (e instanceof Error && /file is not a database/i.test(e.message)) {
          throw errors.dbUnreachable(name, `${file} is not a SQLite database`, 'file').because(e);
        }
        throw e;
      }
    },
    apply: async (plan, options) => applyPlan(db, plan, name, options),
    recordMigration: async (record) => recordMigration(db, record),
    readHistory: async () => readHistory(db),
    sampleRows: async (table, limit) => sampleRows(db, table, limit),
    brokenViews: async () => brokenViews(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

/** Views that no longer compile: SQLite checks what a view reads only when it is read. */
function brokenViews(db: Database): { view: string; error: string }[] {
  const views = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").all();
  return views.flatMap(({ name }) => {
    try {
      db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}" LIMIT 0`);
      return [];
    } catch (e) {
      return [{ view: name, error: e instanceof Error ? e.message : String(e) }];
    }
  });
}

/** An in-memory database: the shadow a plan is rehearsed on before it touches the real one. */
async function openShadow(): Promise<Shadow> {
  const { default: Sqlite } = await import('better-sqlite3');
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  return {
    connection: connection(db, 'shadow', ':memory:'),
    drop: async () => {
      if (db.open) db.close();
    },
  };
}

export const sqliteAdapter: Adapter = {
  engine: 'sqlite',
  capabilities: sqliteManifest.capabilities,
  dialect: sqliteDialect,
  connect,
  openShadow,
};
