import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { killLoop, type HistoryView, type KillTarget } from '../support/migrate-kill.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

describe('redb migrate killed with SIGKILL at random moments, against a real PostgreSQL server', () => {
  let db: ScratchDb;
  let client: pg.Client;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec('CREATE TABLE base (id int PRIMARY KEY)');
    client = new pg.Client({ connectionString: db.url });
    admin = new pg.Client({ connectionString: db.url });
    await Promise.all([client.connect(), admin.connect()]);
  });
  afterAll(async () => {
    await Promise.all([client?.end(), admin?.end()]);
    await db?.drop();
  });

  it('leaves a history that says exactly what the database has, and the next run finishes it', async () => {
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    const target: KillTarget = {
      db,
      bind: db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@'),
      env: { REDB_TEST_PASSWORD: decodeURIComponent(url.password) },
      createTable: (name) => `CREATE TABLE ${name} (id int PRIMARY KEY, label text)`,
      tables: async () =>
        (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^k[0-9]+$' ORDER BY 1")).rows.map((r) => r.name),
      history: async () => {
        if ((await client.query("SELECT to_regclass('redb.migrations') AS t")).rows[0]?.t === null) return [];
        const { rows } = await client.query<{ r: { commit_id: string | null; outcome: string; executed?: number | null; statements: string[] } }>(
          'SELECT row_to_json(m) AS r FROM redb.migrations m ORDER BY id DESC',
        );
        return rows.map(({ r }): HistoryView => ({ commit: r.commit_id, outcome: r.outcome, executed: r.executed ?? null, statements: r.statements }));
      },
      applying: async () =>
        ((
          await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') AND query ~* '^\\s*(CREATE|DROP) TABLE'")
        ).rowCount ?? 0) > 0,
      shadows: async () =>
        (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [shadowPrefix(database)])).rows.map((r) => r.datname),
      close: async () => undefined,
    };
    const { iterations, midApply } = await killLoop(target, 25_000);
    console.log(`kill loop: ${iterations} runs, ${midApply} killed mid-apply`);
    expect(iterations).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
