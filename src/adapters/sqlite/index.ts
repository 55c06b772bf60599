import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { errors } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyResult, Connection, DbTarget, Shadow } from '../adapter.js';
import { fileAccessError } from '../file-access.js';
import { parseDbUrl } from '../url.js';
import { sqliteDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectSqlite } from './introspect.js';
import { sampleRows } from './sample.js';

type Database = import('better-sqlite3').Database;

/** Run a plan in one transaction, with the pragmas the table rebuild needs set around it. */
function applyPlan(db: Database, plan: Plan, name: string): ApplyResult {
  const executed: string[] = [];
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  // Keeps RENAME from rewriting or re-checking views and triggers while a table is swapped.
  db.pragma('legacy_alter_table = ON');
  try {
    db.exec('BEGIN');
    for (const sql of planStatements(plan)) {
      try {
        db.exec(sql);
      } catch (e) {
        db.exec('ROLLBACK');
        throw errors.migrateFailed(name, sql, e instanceof Error ? e.message : String(e), true).because(e);
      }
      executed.push(sql);
    }
    const violations = db.pragma('foreign_key_check') as { table: string; parent: string }[];
    if (violations.length > 0 && foreignKeys === 1) {
      db.exec('ROLLBACK');
      const first = violations[0] as { table: string; parent: string };
      throw errors.migrateFailed(name, 'PRAGMA foreign_key_check', `${violations.length} row(s) of ${first.table} reference missing rows of ${first.parent}`, true);
    }
    db.exec('COMMIT');
  } finally {
    db.pragma('legacy_alter_table = OFF');
    db.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`);
  }
  return { executed };
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
    const detail = e instanceof Error && /unable to open|does not exist/i.test(e.message) ? `no SQLite database at ${file}` : String(e instanceof Error ? e.message : e);
    throw errors.dbUnreachable(target.name, detail, 'file').because(e);
  }
  return connection(db, target.name, file);
}

function connection(db: Database, name: string, file: string): Connection {
  return {
    introspect: async () => {
      try {
        return introspectSqlite(db);
      } catch (e) {
        if (e instanceof Error && /file is not a database/i.test(e.message)) {
          throw errors.dbUnreachable(name, `${file} is not a SQLite database`, 'file').because(e);
        }
        throw e;
      }
    },
    apply: async (plan) => applyPlan(db, plan, name),
    recordMigration: async (record) => recordMigration(db, record),
    readHistory: async () => readHistory(db),
    sampleRows: async (table, limit) => sampleRows(db, table, limit),
    close: async () => {
      if (db.open) db.close();
    },
  };
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
  capabilities: { transactionalDdl: true, namespaces: false },
  dialect: sqliteDialect,
  connect,
  openShadow,
};
