import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { natsServer, type NatsServer } from '../support/nats.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, type Side, until } from './helpers.js';

/**
 * A column added and filled on a PostgreSQL source while a new publisher's slot is being made
 * (after the publisher read the catalog, before the slot's snapshot): the snapshot holds the new
 * column's values, the catalog the publisher read does not have it. Its rows went out in the
 * catalog's shape, so a consumer's copy had the column empty (the change itself is behind the slot
 * and never streams). The publisher now compares the columns at the hand-off with the catalog's and
 * takes a new snapshot when they differ, before it publishes the schema or a row. A direct job,
 * which copies in the same snapshot, is held to the same.
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

/**
 * Start `job` and, once its slot is being made (it read the catalog before), add a column to items
 * and fill it, the slot held back by a transaction elsewhere on the server until then.
 */
async function alterWhileSlotIsMade(source: Side, start: () => Replicator): Promise<Replicator> {
  const db = new URL(source.db.url).pathname.slice(1);
  // A transaction that holds an id: a new slot waits for it to end (in any database of the server).
  const holder = new pg.Client({ connectionString: serverUrl('REDB_TEST_PG_URL') });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT txid_current()');
    const job = start();
    try {
      await until(
        async () =>
          (
            await pgQuery<{ n: number }>(
              source.db.url,
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${db}' AND query LIKE 'CREATE_REPLICATION_SLOT%'`,
            )
          )[0]?.n === 1,
        () => `the job to make its slot: ${job.stderr}`,
      );
      await exec(source, 'ALTER TABLE items ADD COLUMN qty integer; UPDATE items SET qty = id * 10');
    } finally {
      await holder.query('COMMIT');
    }
    return job;
  } finally {
    await holder.end();
  }
}

const ITEMS = "CREATE TABLE items (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 200) g";
const FILLED = 'SELECT count(*) AS n, count(qty) AS q, sum(qty) AS s FROM items';

describe('redb replicate: a schema change while the snapshot is set up (real servers)', () => {
  it('PostgreSQL → JetStream → SQLite: a column added and filled while the slot was made keeps its values', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, sqliteEngine, 'redb-nats-moved-', cleanups);
    const tag = randomBytes(4).toString('hex');
    const bus = `${nats.url}/m_${tag}`;
    await exec(source, ITEMS);
    const publisher = await alterWhileSlotIsMade(source, () => new Replicator(project.path, [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500']));
    await publisher.until('streaming', 120_000);
    const consumer = new Replicator(project.path, [bus, target.url, '--name', `c_${tag}`, '--heartbeat-ms', '500']);
    await consumer.until('streaming', 120_000);
    await until(
      async () => (await rows(target, 'SELECT count(*) AS n FROM items').catch(() => []))[0]?.n === 200,
      () => `the snapshot on the target: ${consumer.stderr}`,
    );
    // Every row carries the value the snapshot holds, not an empty column made later from a change.
    expect(await rows(target, FILLED)).toEqual([{ n: 200, q: 200, s: 201_000 }]);
    expect(consumer.events.filter((e) => e.type === 'schema')).toEqual([]);
    // The first snapshot, taken with the catalog behind it, was not published: the publisher took another.
    expect(publisher.events.filter((e) => e.type === 'retry').map((e) => e.error)).toEqual([expect.stringContaining('the columns of public.items')]);
    expect(await consumer.stop('SIGTERM')).toBe(143);
    expect(await publisher.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);

  it('PostgreSQL → SQLite, a direct job: the same change keeps its values', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, sqliteEngine, 'redb-handoff-moved-', cleanups);
    await exec(source, ITEMS);
    const job = await alterWhileSlotIsMade(
      source,
      () => new Replicator(project.path, [source.url, target.url, '--name', `d_${randomBytes(4).toString('hex')}`, '--heartbeat-ms', '500']),
    );
    await job.until('streaming', 120_000);
    expect(await job.stop('SIGTERM')).toBe(143);
    expect(await rows(target, FILLED)).toEqual([{ n: 200, q: 200, s: 201_000 }]);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});
