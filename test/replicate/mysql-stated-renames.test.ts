import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { statedColumnRenames } from '../../src/adapters/mysql/stated-renames.js';
import { exec, killReplicators, Replicator, replicationSetup, until, rowsText as text } from './helpers.js';

/**
 * A column renamed by hand on a MariaDB source (`ALTER TABLE … RENAME COLUMN`, `CHANGE`) while its
 * job runs, with no rename recorded by `redb migrate`: the binary log carries the statement, so the
 * job renames the target's column and keeps its values. (It was followed as a drop and an add: the
 * table paused without --allow drops-data, and with it the old values were gone from the target
 * until a copy afresh.)
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('the column renames a MariaDB ALTER TABLE states', () => {
  it.each([
    ['ALTER TABLE items RENAME COLUMN note TO memo', [{ table: 'items', from: 'note', to: 'memo' }]],
    [
      'alter table `shop`.`items` change column `qty` `amount` decimal(10,2) not null default 0, add column x int',
      [{ table: 'items', from: 'qty', to: 'amount' }],
    ],
    [
      "ALTER ONLINE TABLE `it``s` CHANGE a b varchar(5) DEFAULT 'x, y', RENAME COLUMN IF EXISTS c TO d",
      [
        { table: 'it`s', from: 'a', to: 'b' },
        { table: 'it`s', from: 'c', to: 'd' },
      ],
    ],
    ['ALTER TABLE items CHANGE qty qty bigint NOT NULL', []],
    ['ALTER TABLE items MODIFY qty bigint, DROP COLUMN note', []],
    ['RENAME TABLE a TO b', []],
    ['ALTER TABLE items RENAME TO things', []],
  ])('%s', (statement, expected) => {
    expect(statedColumnRenames(statement)).toEqual(expected);
  });
});

describe.concurrent('redb replicate from MariaDB: a column renamed by hand keeps its values (real servers)', () => {
  it.each([
    ['PostgreSQL', postgresEngine],
    ['SQLite', sqliteEngine],
  ])(
    'MariaDB → %s',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(mysqlEngine, engine, 'redb-replicate-stated-', cleanups);
      const job = `s_${randomBytes(4).toString('hex')}`;
      await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL, qty INTEGER NOT NULL)');
      await exec(source, "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
      const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
      await r.until('streaming');
      await exec(source, "INSERT INTO items VALUES (3, 'three', 3)");
      await exec(source, 'ALTER TABLE items RENAME COLUMN note TO memo');
      await exec(source, "INSERT INTO items VALUES (4, 'four', 4); UPDATE items SET memo = 'uno' WHERE id = 1;");
      await exec(source, 'ALTER TABLE items CHANGE COLUMN qty amount BIGINT NOT NULL');
      await exec(source, "INSERT INTO items VALUES (5, 'five', 5000000000)");
      const query = 'SELECT id, memo, amount FROM items ORDER BY id';
      await until(
        async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
        () => `the renamed columns: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
        90_000,
      );
      expect(r.events.filter((e) => e.type === 'paused')).toEqual([]);
      expect(r.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual([
        expect.stringContaining('renamed note → memo'),
        expect.stringContaining('renamed qty → amount'),
      ]);
      expect(await r.stop('SIGTERM')).toBe(143);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    180_000,
  );
});
