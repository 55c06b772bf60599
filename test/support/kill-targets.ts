import type mysql from 'mysql2/promise';
import pg from 'pg';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import type { HistoryView, KillTarget } from './migrate-kill.js';
import { mysqlScriptConnection } from './mysql.js';
import type { ScratchDb } from './scratch.js';

/** The password of a server URL as `${REDB_TEST_PASSWORD}`, and the environment that fills it in. */
const bindOf = (db: ScratchDb) => {
  const url = new URL(db.url);
  return { bind: db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@'), env: { REDB_TEST_PASSWORD: decodeURIComponent(url.password) } };
};

/** A scratch PostgreSQL database seen from the outside: its tables, its history, its shadows, what runs on it. */
export async function postgresKillTarget(db: ScratchDb): Promise<KillTarget> {
  const database = new URL(db.url).pathname.slice(1);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    db,
    ...bindOf(db),
    createTable: (name) => `CREATE TABLE ${name} (id int PRIMARY KEY, label text)`,
    tables: async () =>
      (
        await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^k[0-9]+$' ORDER BY 1")
      ).rows.map((r) => r.name),
    history: async () => {
      if ((await client.query("SELECT to_regclass('redb.migrations') AS t")).rows[0]?.t === null) return [];
      const { rows } = await client.query<{ r: { commit_id: string | null; outcome: string; executed?: number | null; statements: string[] } }>(
        'SELECT row_to_json(m) AS r FROM redb.migrations m ORDER BY id DESC',
      );
      return rows.map(({ r }): HistoryView => ({ commit: r.commit_id, outcome: r.outcome, executed: r.executed ?? null, statements: r.statements }));
    },
    // The last statement of a session stays in pg_stat_activity while its transaction is open.
    applying: async () =>
      ((
        await client.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') AND query ~* '^\\s*(CREATE|DROP) TABLE'",
        )
      ).rowCount ?? 0) > 0,
    shadows: async () =>
      (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [shadowPrefix(database)])).rows.map(
        (r) => r.datname,
      ),
    close: async () => {
      await client.end();
    },
  };
}

/** A scratch MariaDB database seen from the outside, as postgresKillTarget. */
export async function mysqlKillTarget(db: ScratchDb): Promise<KillTarget> {
  const database = decodeURIComponent(new URL(db.url).pathname.slice(1));
  const conn: mysql.Connection = await mysqlScriptConnection();
  const rows = async <T>(sql: string, params: unknown[] = []) => (await conn.query(sql, params))[0] as T[];
  return {
    db,
    ...bindOf(db),
    createTable: (name) => `CREATE TABLE ${name} (id int PRIMARY KEY, label varchar(40))`,
    tables: async () =>
      (
        await rows<{ name: string }>(
          "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME REGEXP '^k[0-9]+$' ORDER BY 1",
          [database],
        )
      ).map((r) => r.name),
    history: async () => {
      if ((await rows("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations'")).length === 0) return [];
      const found = await rows<{ commit_id: string | null; outcome: string; executed?: number | null; statements: string }>(
        'SELECT * FROM redb.migrations WHERE database_name = ? ORDER BY id DESC',
        [database],
      );
      return found.map(
        (r): HistoryView => ({ commit: r.commit_id, outcome: r.outcome, executed: r.executed ?? null, statements: JSON.parse(r.statements) as string[] }),
      );
    },
    applying: async () =>
      (await rows("SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO REGEXP '^[[:space:]]*(CREATE|DROP) TABLE'", [database])).length > 0,
    shadows: async () =>
      (
        await rows<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ?', [
          shadowPrefix(database).length,
          shadowPrefix(database),
        ])
      ).map((r) => r.name),
    close: async () => {
      await conn.end();
    },
  };
}
