import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Engine } from '../../src/unified/index.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';
import { CLI, type CliResult } from '../support/cli.js';
import { duckdbEngine, withDuckdb } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';

/** A scratch database of any engine, read and written with the engine's own driver (not through redb). */
export interface TestDb {
  readonly engine: Engine;
  /** The URL as redb takes it (a server's password as ${REDB_TEST_PW}). */
  readonly url: string;
  /** Run statements, throwing what the engine says. */
  exec(sql: string): Promise<void>;
  /** Run one statement; false when the engine refuses it (a constraint, say). */
  run(sql: string): Promise<boolean>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Names of the tables in the database (none when the file does not exist yet). */
  tables(): Promise<string[]>;
  drop(): Promise<void>;
}

const SCRATCH = { postgres: postgresEngine, mysql: mysqlEngine, sqlite: sqliteEngine, duckdb: duckdbEngine } as const;
type Testable = keyof typeof SCRATCH;

export async function createDb(engine: Testable): Promise<TestDb> {
  const db: ScratchDb = await SCRATCH[engine].create();
  const path = db.url.replace(/^(sqlite|duckdb):/, '');
  switch (engine) {
    case 'postgres': {
      const query = async (sql: string) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      };
      return {
        engine,
        url: envUrl(db.url),
        exec: async (sql) => void (await query(sql)),
        run: (sql) => query(sql).then(() => true, refused),
        rows: query,
        tables: async () =>
          (await query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")).map((r) =>
            String(r.name),
          ),
        drop: () => db.drop(),
      };
    }
    case 'mysql': {
      const name = decodeURIComponent(new URL(db.url).pathname.slice(1));
      const query = async (sql: string) => {
        const u = new URL(db.url);
        const c = await mysql.createConnection({
          host: u.hostname,
          port: Number(u.port),
          user: decodeURIComponent(u.username),
          password: decodeURIComponent(u.password),
          database: name,
          charset: 'utf8mb4_general_ci',
          multipleStatements: true,
        });
        try {
          return (await c.query(sql))[0] as Record<string, unknown>[];
        } finally {
          await c.end();
        }
      };
      return {
        engine,
        url: envUrl(db.url),
        exec: async (sql) => void (await query(sql)),
        run: (sql) => query(sql).then(() => true, refused),
        rows: query,
        tables: async () => (await query(`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${name}'`)).map((r) => String(r.name)),
        drop: () => db.drop(),
      };
    }
    case 'sqlite': {
      const open = <T>(use: (d: Sqlite.Database) => T): T => {
        const d = new Sqlite(path);
        try {
          return use(d);
        } finally {
          d.close();
        }
      };
      return {
        engine,
        url: db.url,
        exec: async (sql) => void open((d) => d.exec(sql)),
        run: async (sql) => {
          try {
            open((d) => d.exec(sql));
            return true;
          } catch (e) {
            return refused(e);
          }
        },
        rows: async (sql) => open((d) => d.prepare(sql).all() as Record<string, unknown>[]),
        tables: async () =>
          existsSync(path)
            ? open((d) => d.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map(
                (r) => r.name,
              )
            : [],
        drop: () => db.drop(),
      };
    }
    case 'duckdb':
      return {
        engine,
        url: db.url,
        exec: (sql) => db.exec(sql),
        run: (sql) => withDuckdb(path, async (run) => void (await run(sql))).then(() => true, refused),
        rows: (sql) => withDuckdb(path, (run) => run(sql)),
        tables: async () =>
          existsSync(path) ? (await withDuckdb(path, (run) => run('SELECT table_name AS name FROM duckdb_tables()'))).map((r) => String(r.name)) : [],
        drop: () => db.drop(),
      };
  }
}

/** A refusal by the engine is an answer here; anything else (a lost connection) is not. */
function refused(e: unknown): false {
  const text = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED|ETIMEDOUT|Connection lost/i.test(text)) throw e;
  return false;
}

/** `redb ...` as its own process, without blocking the test's event loop (targets run side by side). */
export function redbAsync(cwd: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1', REDB_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A value as every engine's driver would compare it: numbers by value, booleans as 1/0. */
export function normalize(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(Number(v));
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? String(Number(s)) : s;
}

export function quote(engine: Engine, v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  const doubled = v.replaceAll("'", "''");
  return `'${engine === 'mysql' ? doubled.replaceAll('\\', '\\\\') : doubled}'`;
}

export const ident = (engine: Engine, name: string): string => (engine === 'mysql' ? `\`${name}\`` : `"${name}"`);
