import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, rows, until, replicationSetup } from './helpers.js';

/**
 * How changes are batched on the target: a table whose key is its only constraint takes a
 * transaction's changes in a few large statements (through a staging table on PostgreSQL), values
 * arriving intact whatever characters they hold; a table with another unique constraint keeps the
 * source's order, even when one source transaction frees a value, gives it to another row and
 * touches the first row again. Rows the source inserted or updated take faster paths on PostgreSQL
 * (copied straight in; updated by key); rows the target has, or lacks, against what the source's log
 * says (a replay) still end as the source has them.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const fingerprint = "SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS f, count(*)::int AS n FROM ";

describe('redb replicate batching on the target (real servers)', () => {
  it('PostgreSQL → PostgreSQL: large batches arrive intact, a unique value moved between rows keeps its order', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-batch-', cleanups);
    await exec(
      source,
      `CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL UNIQUE, qty integer NOT NULL);
       CREATE TABLE notes (id integer PRIMARY KEY, body text, data bytea, tags text[], doc jsonb, at timestamptz);
       INSERT INTO people VALUES (1, 'x@example.com', 0), (3, 'z@example.com', 0);`,
    );
    const job = `b_${randomBytes(4).toString('hex')}`;
    const replicator = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
    await replicator.until('streaming', 120_000);

    // In one source transaction: row 1 gives up its email, row 2 takes it, row 1 changes again.
    // Written in any other order than the source's, row 2 would meet row 1's old email.
    await exec(
      source,
      `BEGIN;
       UPDATE people SET email = 'y@example.com' WHERE id = 1;
       INSERT INTO people VALUES (2, 'x@example.com', 0);
       UPDATE people SET qty = qty + 1 WHERE id = 1;
       COMMIT;`,
    );
    // Hundreds of rows per transaction, with every character COPY's text format must escape.
    await exec(
      source,
      `INSERT INTO notes SELECT i,
         CASE WHEN i % 7 = 0 THEN NULL ELSE E'tab\\there\\nnew line\\r\\\\back''quote" ünï \\\\N ' || i END,
         CASE WHEN i % 5 = 0 THEN NULL ELSE decode(md5(i::text) || '00', 'hex') END,
         ARRAY['a,b', 'c"d', NULL, E'e\\tf', '{g}'],
         jsonb_build_object('k', E'v\\n' || i, 'n', i, 'nested', jsonb_build_array(1, 'x\\y', NULL)),
         timestamptz '2026-01-02 03:04:05.678901+00' + i * interval '1 second'
       FROM generate_series(1, 600) i`,
    );
    await exec(source, `UPDATE notes SET body = coalesce(body, 'was null') || ' changed', tags = tags || ARRAY[id::text] WHERE id % 2 = 0`);
    await exec(source, `DELETE FROM notes WHERE id % 3 = 0`);
    await exec(source, `INSERT INTO notes (id, body) VALUES (100000, 'sentinel')`);

    const same = async () => {
      for (const table of ['people', 'notes']) {
        const [a] = await rows(source, `${fingerprint}${table} t`);
        const [b] = await rows(target, `${fingerprint}${table} t`);
        if (a?.f !== b?.f || a?.n !== b?.n) return false;
      }
      return true;
    };
    await until(same, `${job} to apply the changes`, 120_000);
    expect(await rows(target, 'SELECT id, email, qty FROM people ORDER BY id')).toEqual([
      { id: 1, email: 'y@example.com', qty: 1 },
      { id: 2, email: 'x@example.com', qty: 0 },
      { id: 3, email: 'z@example.com', qty: 0 },
    ]);
    expect((await rows(target, 'SELECT count(*)::int AS n FROM notes'))[0]?.n).toBe(401);
    expect(replicator.events.some((e) => e.type === 'retry')).toBe(false);
    expect(await replicator.stop('SIGTERM')).toBe(143);

    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.stderr + verify.stdout).toMatch(/matches/);
    expect(verify.code).toBe(0);
  }, 300_000);

  it('PostgreSQL → PostgreSQL: inserted rows already on the target and updated rows missing from it end as the source has them', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-replay-', cleanups);
    await exec(
      source,
      `CREATE TABLE items (id integer PRIMARY KEY, n integer NOT NULL, note text);
       INSERT INTO items SELECT i, 0, 'seed' FROM generate_series(1, 400) i;`,
    );
    const job = `r_${randomBytes(4).toString('hex')}`;
    const replicator = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
    await replicator.until('streaming', 120_000);
    await until(async () => (await rows(target, 'SELECT count(*)::int AS n FROM items'))[0]?.n === 400, `${job} to copy the rows`, 60_000);

    // What a replay or a copy made after the stream's position leaves: rows the source will insert
    // already there (with other values), rows it will update gone.
    await exec(
      target,
      `DELETE FROM items WHERE id BETWEEN 1 AND 150;
       INSERT INTO items SELECT i, -1, 'stale' FROM generate_series(1001, 1150) i;`,
    );
    // One source transaction: hundreds of updates of rows it has, inserts of rows it had not, keys moved.
    await exec(
      source,
      `BEGIN;
       UPDATE items SET n = n + 1, note = 'updated' WHERE id <= 300;
       INSERT INTO items SELECT i, i, 'inserted' FROM generate_series(1001, 1300) i;
       UPDATE items SET id = id + 10000 WHERE id BETWEEN 301 AND 400;
       COMMIT;`,
    );
    await exec(source, `INSERT INTO items VALUES (100000, 0, 'sentinel')`);

    const same = async () => {
      const [a] = await rows(source, `${fingerprint}items t`);
      const [b] = await rows(target, `${fingerprint}items t`);
      return a?.f === b?.f && a?.n === b?.n;
    };
    await until(same, `${job} to apply the changes`, 120_000);
    expect(await rows(target, `SELECT count(*)::int AS n, sum(n)::int AS s FROM items WHERE note = 'stale' OR id BETWEEN 1 AND 400`)).toEqual([
      { n: 300, s: 300 },
    ]);
    expect(replicator.events.some((e) => e.type === 'retry')).toBe(false);
    expect(await replicator.stop('SIGTERM')).toBe(143);
  }, 300_000);
});
