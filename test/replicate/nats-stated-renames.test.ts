import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { natsServer, type NatsServer } from '../support/nats.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, until, rowsText as text } from './helpers.js';

/**
 * A column renamed by hand on a MariaDB or PostgreSQL source published to JetStream: the stream
 * carries no statements, so the publisher puts the renames the source's log tells (the binary log's
 * `ALTER`; PostgreSQL's column numbers) on the relation it publishes after it, and a consumer
 * renames the target's column as a direct job does. (A consumer followed it as a drop and an add:
 * the table paused for --allow drops-data, which would have dropped the column's values.)
 */

let nats: NatsServer;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  nats = await natsServer();
}, 30_000);
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await nats?.stop();
});

const RETYPE = {
  mysql: 'ALTER TABLE items CHANGE COLUMN qty amount BIGINT NOT NULL',
  postgres: 'BEGIN; ALTER TABLE items RENAME COLUMN qty TO amount; ALTER TABLE items ALTER COLUMN amount TYPE bigint; COMMIT;',
};

describe.concurrent('redb replicate through JetStream: a column renamed by hand keeps its values (real servers)', () => {
  it.each([
    ['MariaDB → JetStream → PostgreSQL', mysqlEngine, postgresEngine, RETYPE.mysql],
    ['PostgreSQL → JetStream → SQLite', postgresEngine, sqliteEngine, RETYPE.postgres],
  ])(
    '%s',
    async (_name, sourceEngine, targetEngine, retype) => {
      const { source, target, project } = await replicationSetup(sourceEngine, targetEngine, 'redb-nats-stated-', cleanups);
      const tag = randomBytes(4).toString('hex');
      const bus = `${nats.url}/r_${tag}`;
      await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL, qty INTEGER NOT NULL)');
      await exec(source, "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
      const publisher = new Replicator(project.path, [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500']);
      await publisher.until('streaming', 180_000);
      const consumer = new Replicator(project.path, [bus, target.url, '--name', `c_${tag}`, '--heartbeat-ms', '500']);
      await consumer.until('streaming', 180_000);
      await exec(source, "INSERT INTO items VALUES (3, 'three', 3)");
      await until(
        async () => (await rows(target, 'SELECT id FROM items').catch(() => [])).length === 3,
        () => `the first change: ${consumer.stderr}`,
      );
      await exec(source, 'ALTER TABLE items RENAME COLUMN note TO memo');
      await exec(source, "INSERT INTO items VALUES (4, 'four', 4); UPDATE items SET memo = 'uno' WHERE id = 1;");
      await exec(source, retype);
      await exec(source, "INSERT INTO items VALUES (5, 'five', 5000000000)");
      const query = 'SELECT id, memo, amount FROM items ORDER BY id';
      await until(
        async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
        () => `the renamed columns: ${JSON.stringify(consumer.events.filter((e) => e.type !== 'progress'))}\n${consumer.stderr}`,
        90_000,
      );
      expect(consumer.events.filter((e) => e.type === 'paused')).toEqual([]);
      expect(consumer.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual([
        expect.stringContaining('renamed note → memo'),
        expect.stringContaining('renamed qty → amount'),
      ]);
      expect(await consumer.stop('SIGTERM')).toBe(143);
      expect(await publisher.stop('SIGTERM')).toBe(143);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    240_000,
  );

  it('PostgreSQL → JetStream → SQLite: a column renamed while the publisher was stopped', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, sqliteEngine, 'redb-nats-stated-', cleanups);
    const tag = randomBytes(4).toString('hex');
    const bus = `${nats.url}/s_${tag}`;
    await exec(source, "CREATE TABLE items (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL); INSERT INTO items VALUES (1, 'one'), (2, 'two');");
    const publish = [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500'];
    const first = new Replicator(project.path, publish);
    await first.until('streaming', 180_000);
    const consumer = new Replicator(project.path, [bus, target.url, '--name', `c_${tag}`, '--heartbeat-ms', '500']);
    await consumer.until('streaming', 180_000);
    await exec(source, "INSERT INTO items VALUES (3, 'three')");
    await until(
      async () => (await rows(target, 'SELECT id FROM items').catch(() => [])).length === 3,
      () => `the first change: ${consumer.stderr}`,
    );
    expect(await first.stop('SIGTERM')).toBe(143);
    // The publisher resumes from the state it stored in the stream: the catalog it finds already names number 2 memo.
    await exec(source, "INSERT INTO items VALUES (4, 'four'); ALTER TABLE items RENAME COLUMN note TO memo;");
    await exec(source, "INSERT INTO items VALUES (5, 'five'); UPDATE items SET memo = 'uno' WHERE id = 1;");
    const second = new Replicator(project.path, publish);
    const query = 'SELECT id, memo FROM items ORDER BY id';
    await until(
      async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
      () => `the renamed column: ${JSON.stringify(consumer.events.filter((e) => e.type !== 'progress'))}\n${second.stderr}`,
      90_000,
    );
    expect(consumer.events.filter((e) => e.type === 'paused')).toEqual([]);
    expect(consumer.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual([expect.stringContaining('renamed note → memo')]);
    expect(await consumer.stop('SIGTERM')).toBe(143);
    expect(await second.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});
