import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/**
 * Views reading a column that `redb mv` renames. PostgreSQL rewrites such a view itself; MariaDB keeps
 * the old text and the view fails when read (error 1356), so redb re-creates it reading the new name.
 * Either way the view files still say the old name until they are edited (mv warns): the rehearsal
 * catches that before anything changes, and says the database was not touched.
 */
const SETUP: Record<string, { sql: string; view: (text: string) => string }> = {
  mysql: {
    sql: 'CREATE TABLE `order` (id int PRIMARY KEY, `select` varchar(20), qty int); CREATE VIEW order_view AS SELECT o.id, o.`select` FROM `order` o; CREATE VIEW v2 AS SELECT * FROM order_view; CREATE VIEW v3 AS SELECT o.qty FROM `order` o',
    view: (text) => text.replace('`o`.`select` AS', '`o`.`choice` AS'),
  },
  postgres: {
    sql: 'CREATE TABLE "order" (id int PRIMARY KEY, "select" text, qty int); CREATE VIEW order_view AS SELECT o.id, o."select" FROM "order" o; CREATE VIEW v2 AS SELECT * FROM order_view; CREATE VIEW v3 AS SELECT o.qty FROM "order" o',
    view: (text) => text.replace('o."select"', 'o.choice AS "select"'),
  },
};

describe.each([mysqlEngine, postgresEngine] as TestEngine[])('a renamed column that views read ($engine)', (engine) => {
  let db: ScratchDb;
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  const rows = (sql: string) => (engine.engine === 'mysql' ? mysqlRows(db, sql) : pgQuery(db.url, sql));
  const columns = async () =>
    (
      await rows(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'order' AND table_schema = ${engine.engine === 'mysql' ? 'DATABASE()' : "'public'"} ORDER BY ordinal_position`,
      )
    ).map((r) => (r as { c: string }).c);

  beforeAll(async () => {
    db = await engine.create();
    await db.exec((SETUP[engine.engine] as { sql: string }).sql);
    const url = new URL(db.url);
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'views'], env);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
    dir.cleanup();
  });

  it('refuses while the view files name the old column, touching nothing; migrates once they follow, and the views still read', async () => {
    redbOk(dir.path, ['mv', 'column', 'order.select', 'order.choice'], env);
    redbOk(dir.path, ['commit', '-m', 'rename'], env);
    const refused = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'all'], env);
    expect(refused.code).toBe(1);
    expect(errorCode(refused)).toBe('REDB_SHADOW_FAILED');
    expect(refused.stderr).toContain("'app' itself was not touched");
    expect(refused.stderr).not.toContain('stay applied');
    expect(await columns()).toEqual(['id', 'select', 'qty']);
    expect(await rows('SELECT * FROM v2')).toEqual([]);

    // The view file follows the rename, as the warning of mv asked.
    const file = join(dir.path, 'schema', 'views', engine.engine === 'mysql' ? 'order_view.yaml' : 'public.order_view.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, (SETUP[engine.engine] as { view: (t: string) => string }).view(before));
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    redbOk(dir.path, ['commit', '-m', 'the view reads choice'], env);
    const r = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'all'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
    expect(await columns()).toEqual(['id', 'choice', 'qty']);
    await db.exec(engine.engine === 'mysql' ? "INSERT INTO `order` VALUES (1, 'a', 2)" : `INSERT INTO "order" VALUES (1, 'a', 2)`);
    expect(await rows('SELECT * FROM v2')).toEqual([{ id: 1, select: 'a' }]);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync' })]);
  }, 180_000);

  it('with --no-shadow, re-creates the views reading the renamed column, so they still read (and status shows the files lag)', async () => {
    redbOk(dir.path, ['mv', 'column', 'order.qty', 'order.amount'], env);
    redbOk(dir.path, ['commit', '-m', 'rename qty'], env);
    const r = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'all', '--no-shadow'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(await rows('SELECT * FROM v3')).toEqual([{ qty: 2 }]);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string; changes: { id: string }[] }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'drift', changes: [expect.objectContaining({ id: expect.stringContaining('v3') })] })]);
  }, 180_000);
});
