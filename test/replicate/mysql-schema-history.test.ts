import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV, redbAsync } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, until, type Side, rowsText as text } from './helpers.js';

/**
 * A MariaDB source changed while its job is stopped: a column added, a column renamed by `redb
 * migrate` of a recorded `redb mv`, a column dropped, a column retyped and one added again, with
 * rows written between each change. Row events carry no column names (binlog_row_metadata is not
 * FULL), and the catalog the restarted job finds has moved on: the last shape has as many columns
 * as an earlier one, with other names, so naming rows by the catalog would put their values into
 * the wrong columns. The job names each row by the table's shape at its place in the log (its
 * schema history), so every value lands in its own column and `redb verify` finds the databases
 * equal. Stopped by SIGTERM, and by kill -9.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const same = (source: Side, target: Side, sql: string) => async () => (await text(target, sql)) === (await text(source, sql));
const insert = (ids: readonly number[], columns: string, values: (id: number) => string) =>
  ids.map((id) => `INSERT INTO items (${columns}) VALUES (${values(id)});`).join('\n');
const range = (from: number, n: number) => Array.from({ length: n }, (_x, i) => from + i);

async function changedWhileStopped(stop: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const { source, target, project } = await replicationSetup(mysqlEngine, postgresEngine, 'redb-replicate-history-', cleanups);
  const job = `h_${randomBytes(4).toString('hex')}`;
  expect(redb(project.path, ['db', 'add', 'src', source.url], PASSWORD_ENV).code).toBe(0);
  await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, note VARCHAR(100))');
  await exec(
    source,
    insert(range(1, 20), 'id, name, qty, note', (id) => `${id}, 'item ${id}', ${id}, 'note ${id}'`),
  );
  const args = ['src', target.url, '--name', job, '--heartbeat-ms', '500', '--allow', 'drops-data'];
  const items = 'SELECT id, name, qty, memo, size FROM items ORDER BY id';

  const first = new Replicator(project.path, args);
  await first.until('streaming');
  await exec(
    source,
    insert(range(21, 5), 'id, name, qty, note', (id) => `${id}, 'item ${id}', ${id}, 'note ${id}'`),
  );
  await until(same(source, target, 'SELECT id, name, qty, note FROM items ORDER BY id'), 'rows before any change');
  const code = await first.stop(stop);
  expect(code).toBe(stop === 'SIGTERM' ? 143 : null);

  // While the job is stopped, each change with rows after it.
  await exec(
    source,
    `ALTER TABLE items ADD COLUMN color VARCHAR(20);
     ${insert(range(100, 5), 'id, name, qty, note, color', (id) => `${id}, 'added ${id}', ${id}, 'note ${id}', 'red'`)}
     UPDATE items SET color = 'blue', note = CONCAT(note, '+') WHERE id <= 3;`,
  );
  expect(redb(project.path, ['pull', 'src'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['commit', '-m', 'items with color'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['mv', 'column', 'items.note', 'items.memo'], PASSWORD_ENV).code).toBe(0);
  expect(redb(project.path, ['commit', '-m', 'note is memo'], PASSWORD_ENV).code).toBe(0);
  const migrated = await redbAsync(project.path, ['migrate', 'src', '--yes', '--no-shadow', '--allow', 'breaks-compatibility'], PASSWORD_ENV);
  expect(migrated.code, migrated.stderr).toBe(0);
  await exec(
    source,
    `${insert(range(200, 5), 'id, name, qty, memo, color', (id) => `${id}, 'renamed ${id}', ${id}, 'memo ${id}', 'green'`)}
     UPDATE items SET memo = CONCAT(memo, '!') WHERE id BETWEEN 4 AND 6;`,
  );
  await exec(
    source,
    `ALTER TABLE items DROP COLUMN color;
     ${insert(range(300, 5), 'id, name, qty, memo', (id) => `${id}, 'dropped ${id}', ${id}, 'memo ${id}'`)}
     DELETE FROM items WHERE id = 7;`,
  );
  await exec(
    source,
    `ALTER TABLE items MODIFY qty BIGINT NOT NULL;
     ${insert(range(400, 5), 'id, name, qty, memo', (id) => `${id}, 'retyped ${id}', ${5_000_000_000 + id}, 'memo ${id}'`)}
     UPDATE items SET qty = qty + 4000000000 WHERE id BETWEEN 8 AND 10;`,
  );
  // Five columns again, as after the first change, but not the same five: by position, memo and color would be memo and size.
  await exec(
    source,
    `ALTER TABLE items ADD COLUMN size INTEGER;
     ${insert(range(500, 5), 'id, name, qty, memo, size', (id) => `${id}, 'sized ${id}', ${id}, 'memo ${id}', ${id * 10}`)}
     UPDATE items SET size = 1 WHERE id BETWEEN 11 AND 12;`,
  );

  const second = new Replicator(project.path, args);
  await second.until('streaming');
  await until(
    same(source, target, items),
    () => `the target to catch up: ${JSON.stringify(second.events.filter((e) => e.type !== 'progress'))} ${second.stderr}`,
    90_000,
  );
  expect(second.events.filter((e) => e.type === 'paused')).toEqual([]);
  expect(second.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/added (\w+, )*color/),
      expect.stringContaining('renamed note → memo'),
      expect.stringContaining('dropped color'),
      expect.stringContaining('retyped qty'),
      expect.stringContaining('added size'),
    ]),
  );
  // The values written while each shape held, in their own columns.
  expect(await text(target, 'SELECT memo, size FROM items WHERE id IN (1, 4, 100, 200, 300, 400, 500) ORDER BY id')).toBe(
    JSON.stringify([
      ['note 1+', null],
      ['note 4!', null],
      ['note 100', null],
      ['memo 200', null],
      ['memo 300', null],
      ['memo 400', null],
      ['memo 500', '5000'],
    ]),
  );
  expect(await text(target, 'SELECT qty FROM items WHERE id IN (8, 404) ORDER BY id')).toBe(JSON.stringify([['4000000008'], ['5000000404']]));
  expect(await second.stop('SIGTERM')).toBe(143);
  const verify = redb(project.path, ['verify', 'src', target.url], PASSWORD_ENV);
  expect(verify.stdout + verify.stderr).toMatch(/matches/);
  expect(verify.code).toBe(0);
}

/**
 * An ALTER the stream passed with no rows after it, then the job stopped: the position the job
 * stored is past the ALTER, so the target must have followed it in that same commit. (It used to
 * follow a change only at the table's next rows; restarted past the ALTER, the job took the table's
 * shape from the catalog, saw nothing new, and the next row met the old column type for good.)
 */
async function alteredThenStopped(): Promise<void> {
  const { source, target, project } = await replicationSetup(mysqlEngine, postgresEngine, 'redb-replicate-ddl-', cleanups);
  const job = `d_${randomBytes(4).toString('hex')}`;
  await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL); INSERT INTO items VALUES (1, 1);');
  const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
  const first = new Replicator(project.path, args);
  await first.until('streaming');
  await exec(source, 'ALTER TABLE items MODIFY qty BIGINT NOT NULL');
  // Followed at the ALTER itself, no row of the table after it.
  expect((await first.until('schema')).change).toContain('retyped qty');
  expect(await first.stop('SIGTERM')).toBe(143);
  expect(await rows(target, "SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'qty'")).toEqual([
    { t: 'bigint' },
  ]);
  await exec(source, 'INSERT INTO items VALUES (2, 5000000000)');
  const second = new Replicator(project.path, args);
  await second.until('streaming');
  await until(same(source, target, 'SELECT id, qty FROM items ORDER BY id'), () => `the row after the ALTER:\n${second.stderr}`);
  expect(await second.stop('SIGTERM')).toBe(143);
}

describe.concurrent('redb replicate from MariaDB restarted behind schema changes (real servers)', () => {
  it('stopped right after an ALTER with no rows: the target followed it before the position moved past', () => alteredThenStopped(), 120_000);
  it('stopped by SIGTERM: added, renamed, dropped, retyped, added again', () => changedWhileStopped('SIGTERM'), 240_000);
  it('stopped by kill -9: added, renamed, dropped, retyped, added again', () => changedWhileStopped('SIGKILL'), 240_000);
});
