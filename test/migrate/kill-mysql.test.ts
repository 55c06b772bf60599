import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { killLoop, type HistoryView, type KillTarget } from '../support/migrate-kill.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

describe('redb migrate killed with SIGKILL at random moments, against a real MariaDB server', () => {
  let db: ScratchDb;
  let conn: mysql.Connection;

  beforeAll(async () => {
    db = await mysqlEngine.create();
    await db.exec('CREATE TABLE base (id int PRIMARY KEY)');
    conn = await mysqlScriptConnection();
  });
  afterAll(async () => {
    await conn?.end();
    await db?.drop();
  });

  it('records every statement as it runs, so a kill leaves an exact record, and the next run finishes it', async () => {
    const url = new URL(db.url);
    const database = decodeURIComponent(url.pathname.slice(1));
    const rows = async <T>(sql: string, params: unknown[] = []) => (await conn.query(sql, params))[0] as T[];
    const target: KillTarget = {
      db,
      bind: db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@'),
      env: { REDB_TEST_PASSWORD: decodeURIComponent(url.password) },
      createTable: (name) => `CREATE TABLE ${name} (id int PRIMARY KEY, label varchar(40))`,
      tables: async () =>
        (await rows<{ name: string }>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME REGEXP '^k[0-9]+$' ORDER BY 1", [database])).map((r) => r.name),
      history: async () => {
        if ((await rows("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'migrations'")).length === 0) return [];
        const found = await rows<{ commit_id: string | null; outcome: string; executed?: number | null; statements: string }>(
          'SELECT * FROM redb.migrations WHERE database_name = ? ORDER BY id DESC',
          [database],
        );
        return found.map((r): HistoryView => ({ commit: r.commit_id, outcome: r.outcome, executed: r.executed ?? null, statements: JSON.parse(r.statements) as string[] }));
      },
      applying: async () => (await rows("SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO REGEXP '^[[:space:]]*(CREATE|DROP) TABLE'", [database])).length > 0,
      shadows: async () =>
        (await rows<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ?', [shadowPrefix(database).length, shadowPrefix(database)])).map(
          (r) => r.name,
        ),
      close: async () => undefined,
    };
    const { iterations, midApply } = await killLoop(target, 25_000);
    console.log(`kill loop: ${iterations} runs, ${midApply} killed mid-apply`);
    expect(iterations).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
