import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, until, rowsText as text } from './helpers.js';

/**
 * A column renamed by hand on a PostgreSQL source (`ALTER TABLE … RENAME COLUMN`) while its job
 * runs, with no rename recorded by `redb migrate`. pgoutput describes a table by column names
 * only, but the catalog numbers its columns and keeps a column's number through a rename, so the
 * job renames the target's column and keeps its values: once for a table that had changes in the
 * stream before, once for one whose first change comes after its rename, and once with a retype
 * in the same transaction. (It was followed as a drop and an add: the table paused without
 * --allow drops-data, and with it the old values were gone from the target until a copy afresh.)
 * The same for renames made while the job was stopped: the job stores the columns' numbers as the
 * stream last described them with its position, since the catalog it finds when it runs again
 * already gives the old number the new name.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const TARGETS = [
  ['PostgreSQL', postgresEngine],
  ['SQLite', sqliteEngine],
] as const;
const TABLES = `CREATE TABLE items (id integer PRIMARY KEY, note varchar(50) NOT NULL, qty integer NOT NULL);
  CREATE TABLE tags (id integer PRIMARY KEY, label text);
  INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2);
  INSERT INTO tags VALUES (1, 'red'), (2, 'blue');`;

describe.concurrent('redb replicate from PostgreSQL: a column renamed by hand keeps its values (real servers)', () => {
  it.each(TARGETS)(
    'PostgreSQL → %s',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(postgresEngine, engine, 'redb-replicate-pg-renames-', cleanups);
      const job = `h_${randomBytes(4).toString('hex')}`;
      await exec(source, TABLES);
      const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
      await r.until('streaming');
      // The stream is under way (a row through it), and tags has had no change in it before its rename.
      await exec(source, "INSERT INTO items VALUES (3, 'three', 3)");
      await until(async () => (await text(target, 'SELECT id FROM items ORDER BY id').catch(() => '')).includes('3'), 'row 3', 60_000);
      await exec(source, "ALTER TABLE tags RENAME COLUMN label TO name; INSERT INTO tags VALUES (3, 'green');");
      await exec(source, 'ALTER TABLE items RENAME COLUMN note TO memo');
      await exec(source, "INSERT INTO items VALUES (4, 'four', 4); UPDATE items SET memo = 'uno' WHERE id = 1;");
      await exec(
        source,
        "BEGIN; ALTER TABLE items RENAME COLUMN qty TO amount; ALTER TABLE items ALTER COLUMN amount TYPE bigint; INSERT INTO items VALUES (5, 'five', 5000000000); COMMIT;",
      );
      const query = 'SELECT id, memo, amount FROM items ORDER BY id';
      const tags = 'SELECT id, name FROM tags ORDER BY id';
      await until(
        async () =>
          (await text(target, query).catch(() => '')) === (await text(source, query)) &&
          (await text(target, tags).catch(() => '')) === (await text(source, tags)),
        () => `the renamed columns: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
        90_000,
      );
      expect(r.events.filter((e) => e.type === 'paused')).toEqual([]);
      const changes = r.events.filter((e) => e.type === 'schema').map((e) => e.change);
      expect(changes).toEqual([
        expect.stringContaining('renamed label → name'),
        expect.stringContaining('renamed note → memo'),
        expect.stringMatching(/renamed qty → amount.*retyped amount|retyped amount.*renamed qty → amount/),
      ]);
      expect(await r.stop('SIGTERM')).toBe(143);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    180_000,
  );

  it.each(TARGETS)(
    'PostgreSQL → %s: columns renamed while the job was stopped, with rows before and after',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(postgresEngine, engine, 'redb-replicate-pg-renames-', cleanups);
      const job = `s_${randomBytes(4).toString('hex')}`;
      await exec(source, TABLES);
      const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
      // The first run copies and streams nothing: the columns' numbers it stores are those at the hand-off (and its heartbeats').
      const first = new Replicator(project.path, args);
      await first.until('streaming');
      await until(async () => first.events.filter((e) => e.type === 'progress').length >= 3, 'a few heartbeats', 30_000);
      expect(await first.stop('SIGTERM')).toBe(143);

      // items: rows before the rename are in the backlog too; tags: its first change comes after its rename.
      await exec(source, "INSERT INTO items VALUES (3, 'three', 3); ALTER TABLE items RENAME COLUMN note TO memo;");
      await exec(source, "INSERT INTO items VALUES (4, 'four', 4); UPDATE items SET memo = 'uno' WHERE id = 1;");
      await exec(source, "ALTER TABLE tags RENAME COLUMN label TO name; INSERT INTO tags VALUES (3, 'green');");
      const second = new Replicator(project.path, args);
      const query = 'SELECT id, memo, qty FROM items ORDER BY id';
      const tags = 'SELECT id, name FROM tags ORDER BY id';
      await until(
        async () =>
          (await text(target, query).catch(() => '')) === (await text(source, query)) &&
          (await text(target, tags).catch(() => '')) === (await text(source, tags)),
        () => `the columns renamed while stopped: ${JSON.stringify(second.events.filter((e) => e.type !== 'progress'))}\n${second.stderr}`,
        90_000,
      );
      expect(second.events.filter((e) => e.type === 'paused')).toEqual([]);
      expect(
        second.events
          .filter((e) => e.type === 'schema')
          .map((e) => e.change)
          .sort(),
      ).toEqual([expect.stringContaining('renamed label → name'), expect.stringContaining('renamed note → memo')]);
      expect(await second.stop('SIGTERM')).toBe(143);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    180_000,
  );
});
