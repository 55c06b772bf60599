import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type TestEngine } from '../support/scratch.js';
import { PASSWORD_ENV, redbAsync } from '../clone/helpers.js';
import { dropPgCapture, exec, killReplicators, Replicator, rows, side, until, type Side, rowsText as text } from './helpers.js';

/**
 * Schema changes on a PostgreSQL source while `redb replicate` streams, with writes before and
 * after each: a column added, a column retyped, a column renamed by `redb migrate` of a recorded
 * `redb mv` (its values kept, not dropped and added), a new table, and a column dropped, which
 * pauses that table alone until the job runs again with `--allow drops-data` (the other tables go
 * on meanwhile, and `replicate status` says why and what to run). Each case ends with `redb verify`
 * finding the two databases equal.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const inserts = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_x, i) => `INSERT INTO items (id, name, qty, price, note) VALUES (${from + i}, 'item ${from + i}', ${i}, ${i}.5, 'note ${from + i}');`,
  ).join('\n');

interface StatusTable {
  state: string;
  reason?: string;
  command?: string;
}
const tablesOf = (project: string, job: string): Record<string, StatusTable> => {
  const r = redb(project, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { jobs: { tables: Record<string, StatusTable> }[] }).jobs[0]?.tables ?? {};
};

/** The target's rows of a query equal the source's. */
const same = (source: Side, target: Side, sql: string) => async () => (await text(target, sql)) === (await text(source, sql));

async function followsSchemaChanges(to: TestEngine): Promise<void> {
  const source = side('postgres', await postgresEngine.create());
  const target = side(to.engine, await to.create());
  const project = tempDir('redb-replicate-schema-');
  cleanups.push(async () => {
    await dropPgCapture(source.db);
    await source.db.drop();
    await target.db.drop();
    project.cleanup();
  });
  const job = `s_${randomBytes(4).toString('hex')}`;
  expect(redb(project.path, ['init']).code).toBe(0);
  expect(redb(project.path, ['db', 'add', 'src', source.url], PASSWORD_ENV).code).toBe(0);
  await exec(
    source,
    `CREATE TABLE items (id integer PRIMARY KEY, name varchar(100) NOT NULL, qty integer NOT NULL, price numeric(10,2), note text);\n${inserts(1, 50)}`,
  );
  const args = ['src', target.url, '--name', job, '--heartbeat-ms', '500'];
  const items = (cols: string) => `SELECT ${cols} FROM items ORDER BY id`;

  const first = new Replicator(project.path, args);
  await first.until('streaming');
  await exec(source, inserts(100, 10));
  await until(same(source, target, items('id, name, qty, price, note')), 'rows before any change');

  // A column added: rows written after the ALTER land in it.
  await exec(
    source,
    `ALTER TABLE items ADD COLUMN color varchar(20);\n${inserts(200, 10)}\nUPDATE items SET color = 'c' || id WHERE id >= 200;\nUPDATE items SET color = 'old' WHERE id < 10;`,
  );
  await until(same(source, target, items('id, color')), 'the added column');

  // A column retyped: a value only the new type holds arrives whole.
  await exec(
    source,
    `ALTER TABLE items ALTER COLUMN qty TYPE bigint;\nINSERT INTO items (id, name, qty) VALUES (300, 'big', 5000000000);\nUPDATE items SET qty = qty + 4000000000 WHERE id < 5;`,
  );
  await until(same(source, target, items('id, qty')), 'the retyped column');

  // A rename by redb migrate of a recorded mv: the target renames its column, keeping its values.
  expect(redb(project.path, ['pull', 'src'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['commit', '-m', 'items as they are'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['mv', 'column', 'items.note', 'items.memo'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['commit', '-m', 'note is memo'], PASSWORD_ENV).code).toBe(0);
  const migrated = await redbAsync(project.path, ['migrate', 'src', '--yes', '--no-shadow', '--allow', 'breaks-compatibility'], PASSWORD_ENV);
  expect(migrated.code, migrated.stderr).toBe(0);
  const before = await rows(target, `SELECT count(*) AS n FROM items WHERE note IS NOT NULL`);
  await exec(
    source,
    `INSERT INTO items (id, name, qty, memo) VALUES (400, 'renamed', 1, 'memo 400');\nUPDATE items SET memo = memo || '!' WHERE id BETWEEN 100 AND 104;`,
  );
  await until(same(source, target, items('id, memo')), 'the renamed column');
  // Every value the old column held is in the renamed one: a drop and an add would have lost them.
  expect(await text(target, `SELECT count(*) AS n FROM items WHERE memo IS NOT NULL AND id < 400`)).toEqual(
    JSON.stringify(before.map((r) => Object.values(r).map(String))),
  );
  expect(first.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual(
    expect.arrayContaining([expect.stringContaining('added color'), expect.stringContaining('retyped qty'), expect.stringContaining('renamed note → memo')]),
  );

  // A new table: created on the target and copied, then its changes flow. (Named with its schema:
  // the test login is called redb, and "$user" in the search path would put it in redb's own schema.)
  await exec(source, `CREATE TABLE public.tags (id integer PRIMARY KEY, label text);\nINSERT INTO tags VALUES (1, 'one'), (2, 'two');`);
  await until(async () => (await rows(target, 'SELECT count(*) AS n FROM tags').catch(() => [])).length === 1, 'the new table');
  await exec(source, `INSERT INTO tags VALUES (3, 'three');\nUPDATE tags SET label = 'uno' WHERE id = 1;`);
  await until(same(source, target, 'SELECT id, label FROM tags ORDER BY id'), 'the new table to stream');

  // A dropped column without --allow drops-data: items pauses, tags goes on.
  await exec(
    source,
    `ALTER TABLE items DROP COLUMN price;\nINSERT INTO items (id, name, qty) VALUES (500, 'after the drop', 5);\nINSERT INTO tags VALUES (4, 'four');`,
  );
  await first.until('paused');
  await until(same(source, target, 'SELECT id, label FROM tags ORDER BY id'), 'tags to flow while items is paused');
  expect(await rows(target, 'SELECT id FROM items WHERE id = 500')).toEqual([]);
  const paused = tablesOf(project.path, job)['public.items'];
  expect(paused?.state).toBe('paused');
  expect(paused?.reason).toContain('price');
  expect(paused?.command).toContain('--allow drops-data');
  await exec(source, `UPDATE items SET qty = 7 WHERE id = 1;\nDELETE FROM items WHERE id = 2;`);
  expect(await first.stop('SIGTERM')).toBe(143);

  // The command status gave: the table is copied afresh, and its changes flow again.
  const second = new Replicator(project.path, [...args, '--allow', 'drops-data']);
  await second.until('resumed');
  await exec(source, `INSERT INTO items (id, name, qty) VALUES (600, 'resumed', 6);\nINSERT INTO tags VALUES (5, 'five');`);
  await until(same(source, target, items('id, name, qty, color, memo')), 'items to catch up');
  await until(same(source, target, 'SELECT id, label FROM tags ORDER BY id'), 'tags to catch up');
  expect(tablesOf(project.path, job)['public.items']?.state).toBe('streaming');
  expect(await second.stop('SIGTERM')).toBe(143);
  const verify = redb(project.path, ['verify', 'src', target.url], PASSWORD_ENV);
  expect(verify.stdout + verify.stderr).toMatch(/matches/);
  expect(verify.code).toBe(0);

  expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
  const name = new URL(source.db.url).pathname.slice(1);
  expect(await pgQuery(source.db.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).toEqual([]);
}

describe.concurrent('redb replicate follows schema changes (real servers)', () => {
  it('PostgreSQL → PostgreSQL', () => followsSchemaChanges(postgresEngine), 300_000);
  it('PostgreSQL → MariaDB', () => followsSchemaChanges(mysqlEngine), 300_000);
});
