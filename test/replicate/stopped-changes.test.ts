import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, until, rowsText as text } from './helpers.js';

/**
 * Columns changed on a source while its job is stopped (one retyped to take larger values, one
 * added, one dropped), with rows after: the job started again follows them on the target. (A run
 * took each table's shape from the catalog, which already had the new type, so the stream's
 * description of the table looked unchanged and the first larger value stopped the job for good;
 * and a column no longer in the catalog was not paired at all, so its drop was never seen and the
 * target kept it, NOT NULL and without a default, refusing every new row.)
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('redb replicate: columns changed while the job is stopped (real servers)', () => {
  it('PostgreSQL → PostgreSQL: a column retyped and one added are followed when the job starts again', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-stopped-', cleanups);
    const job = `c_${randomBytes(4).toString('hex')}`;
    await exec(source, 'CREATE TABLE items (id integer PRIMARY KEY, qty integer NOT NULL); INSERT INTO items VALUES (1, 1);');
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    const first = new Replicator(project.path, args);
    await first.until('streaming');
    await exec(source, 'INSERT INTO items VALUES (2, 2)');
    await until(async () => (await rows(target, 'SELECT id FROM items')).length === 2, 'the first change');
    expect(await first.stop('SIGTERM')).toBe(143);

    await exec(
      source,
      "ALTER TABLE items ALTER COLUMN qty TYPE bigint; ALTER TABLE items ADD COLUMN note text; INSERT INTO items VALUES (3, 5000000000, 'big');",
    );
    const second = new Replicator(project.path, args);
    await second.until('streaming');
    const query = 'SELECT id, qty, note FROM items ORDER BY id';
    await until(
      async () => (await text(target, query)) === (await text(source, query)),
      () => `the rows after the changes:\n${second.stderr}`,
    );
    expect(await second.stop('SIGTERM')).toBe(143);
    expect(await rows(target, "SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'qty'")).toEqual([
      { t: 'bigint' },
    ]);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);

  it.each([
    ['PostgreSQL', postgresEngine],
    ['SQLite', sqliteEngine],
  ])(
    '%s → PostgreSQL: a column dropped while stopped, with rows before and after it, is dropped on the target',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(engine, postgresEngine, 'redb-replicate-stopped-', cleanups);
      const job = `d_${randomBytes(4).toString('hex')}`;
      await exec(source, "CREATE TABLE items (id integer PRIMARY KEY, qty integer NOT NULL, note text NOT NULL); INSERT INTO items VALUES (1, 1, 'a');");
      const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500', '--allow', 'drops-data'];
      const first = new Replicator(project.path, args);
      await first.until('streaming');
      await exec(source, "INSERT INTO items VALUES (2, 2, 'b')");
      await until(async () => (await rows(target, 'SELECT id FROM items')).length === 2, 'the first change');
      expect(await first.stop('SIGTERM')).toBe(143);

      // A row before the drop (replayed with the column's value), then rows after it (the target's NOT NULL column must go).
      await exec(
        source,
        "INSERT INTO items VALUES (3, 3, 'c'); ALTER TABLE items DROP COLUMN note; INSERT INTO items VALUES (4, 4); UPDATE items SET qty = 10 WHERE id = 1;",
      );
      const second = new Replicator(project.path, args);
      await second.until('streaming');
      const query = 'SELECT id, qty FROM items ORDER BY id';
      await until(
        async () => (await text(target, query)) === (await text(source, query)),
        () => `the rows after the drop:\n${second.stderr}`,
      );
      expect(await second.stop('SIGTERM')).toBe(143);
      expect(await rows(target, "SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position")).toEqual([
        { c: 'id' },
        { c: 'qty' },
      ]);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    180_000,
  );

  it('PostgreSQL → PostgreSQL: a column dropped while stopped pauses its table without --allow drops-data, and the command it names goes on', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-stopped-', cleanups);
    const job = `p_${randomBytes(4).toString('hex')}`;
    await exec(source, "CREATE TABLE items (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO items VALUES (1, 'a');");
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    const first = new Replicator(project.path, args);
    await first.until('streaming');
    expect(await first.stop('SIGTERM')).toBe(143);

    await exec(source, 'ALTER TABLE items DROP COLUMN note; INSERT INTO items VALUES (2);');
    const second = new Replicator(project.path, args);
    await second.until('streaming');
    await until(
      async () => {
        const s = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
        return s.code === 0 && /dropped on the source/.test(s.stdout) && /--allow drops-data/.test(s.stdout);
      },
      () => `the pause:\n${second.stderr}`,
    );
    expect(await second.stop('SIGTERM')).toBe(143);
    expect(await rows(target, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }]);

    const third = new Replicator(project.path, [...args, '--allow', 'drops-data']);
    await third.until('streaming');
    const query = 'SELECT id FROM items ORDER BY id';
    await until(
      async () => (await text(target, query)) === (await text(source, query)),
      () => `the rows after going on:\n${third.stderr}`,
    );
    expect(await third.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);
  it('SQLite → PostgreSQL: a NOT NULL column renamed with no recorded rename (a drop and an add) pauses its table, and the command it names copies it afresh', async () => {
    const { source, target, project } = await replicationSetup(sqliteEngine, postgresEngine, 'redb-replicate-stopped-', cleanups);
    const job = `r_${randomBytes(4).toString('hex')}`;
    await exec(source, "CREATE TABLE items (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO items VALUES (1, 'a'), (2, 'b');");
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    const first = new Replicator(project.path, args);
    await first.until('streaming');
    expect(await first.stop('SIGTERM')).toBe(143);

    await exec(source, "ALTER TABLE items RENAME COLUMN note TO label; INSERT INTO items VALUES (3, 'c');");
    const second = new Replicator(project.path, args);
    await second.until('streaming');
    await until(
      async () => {
        const s = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
        return s.code === 0 && /dropped on the source/.test(s.stdout);
      },
      () => `the pause:\n${second.stderr}`,
    );
    expect(await second.stop('SIGTERM')).toBe(143);

    // The added column is NOT NULL with no default: the target cannot add it to the rows it holds, and need not, as the table
    // is emptied and copied afresh. (The target refused it, and the table paused again with the same command, for ever.)
    const third = new Replicator(project.path, [...args, '--allow', 'drops-data']);
    await third.until('streaming');
    const query = 'SELECT id, label FROM items ORDER BY id';
    await until(
      async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
      () => `the rows after going on:\n${third.stderr}`,
    );
    expect(await third.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);

  it('PostgreSQL → PostgreSQL: a paused table whose copy afresh fails stays paused through retries and a kill, and is copied when a run can', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-stopped-', cleanups);
    const job = `r_${randomBytes(4).toString('hex')}`;
    await exec(source, "CREATE TABLE items (id integer PRIMARY KEY, note text); INSERT INTO items VALUES (1, 'a');");
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    const first = new Replicator(project.path, args);
    await first.until('streaming');
    await exec(source, 'ALTER TABLE items DROP COLUMN note; INSERT INTO items VALUES (2);');
    await first.until('paused');
    expect(await first.stop('SIGTERM')).toBe(143);

    // The target refuses the copy afresh (a check its rows break) until it is removed.
    await exec(source, 'INSERT INTO items VALUES (3);');
    await exec(target, 'ALTER TABLE items ADD CONSTRAINT few CHECK (id < 3) NOT VALID;');
    const second = new Replicator(project.path, [...args, '--allow', 'drops-data']);
    await second.until('retry');
    // The record says paused (it never says streaming for a table whose copy did not commit), through retries and a kill.
    const state = () => {
      const status = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
      const tables = (JSON.parse(status.stdout) as { jobs: { tables: Record<string, { state: string }> }[] }).jobs[0]?.tables;
      return tables?.['public.items']?.state ?? tables?.items?.state;
    };
    await until(async () => state() === 'paused', 'the table paused again after the failed copy');
    second.child.kill('SIGKILL');
    await second.exited;
    expect(state()).toBe('paused');
    await exec(target, 'ALTER TABLE items DROP CONSTRAINT few;');
    const third = new Replicator(project.path, [...args, '--allow', 'drops-data']);
    await third.until('streaming');
    const query = 'SELECT id FROM items ORDER BY id';
    await until(
      async () => (await text(target, query)) === (await text(source, query)),
      () => `the copy after the retry:\n${third.stderr}`,
      90_000,
    );
    expect(await third.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});
