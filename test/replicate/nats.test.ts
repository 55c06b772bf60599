import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { natsServer, plainClient, type NatsServer } from '../support/nats.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type TestEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { committedPosition, dropPgCapture, exec, figures, itemsDdl, killReplicators, Replicator, rows, side, until, type Side } from './helpers.js';

/**
 * One source published once to a JetStream stream on a real nats-server, applied from it into a
 * PostgreSQL and a DuckDB database by two durable consumers at once: an initial snapshot, then
 * inserts, updates, NULLs, deletes, moved keys and a multi-statement transaction while all three
 * run; then every target equals the source (counts and sums read from each engine, and
 * `redb verify`), the source was read by one capture only, and what sits in the stream is
 * Debezium's envelope as a plain NATS client reads it.
 */

let nats: NatsServer;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  nats = await natsServer();
}, 30_000);
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await nats?.stop();
});

const big = (): string => randomBytes(6000).toString('hex');
const begin = (s: Side) => (s.engine === 'sqlite' ? 'BEGIN;' : 'BEGIN;');

function changes(s: Side, round: number): string {
  const base = 1000 * round;
  const inserts = Array.from({ length: 40 }, (_x, i) => `(${base + i}, 'new ${i}', ${i}, ${i}.25, ${i % 3 === 0 ? 'NULL' : `'note ${i}'`})`).join(', ');
  return [
    `INSERT INTO items (id, name, qty, price, note) VALUES ${inserts};`,
    `UPDATE items SET qty = qty + 1 WHERE id % 7 = 0;`,
    `UPDATE items SET note = NULL WHERE id % 5 = 0;`,
    `UPDATE items SET qty = qty + 10 WHERE id % 9 = 2;`,
    `DELETE FROM items WHERE id % 11 = 0;`,
    `UPDATE items SET id = id + 100000 + ${round} WHERE id % 13 = 1 AND id < 100000;`,
    `${begin(s)} INSERT INTO items (id, name, qty, price, note) VALUES (${base + 500}, 'in a transaction', 5, NULL, '${big()}'); UPDATE items SET price = price * 2 WHERE id % 4 = 3; DELETE FROM items WHERE id = ${base + 1}; COMMIT;`,
  ].join('\n');
}

async function seed(s: Side): Promise<void> {
  const values = Array.from(
    { length: 200 },
    (_x, i) => `(${i + 1}, 'item ${i + 1}', ${i}, ${i + 0.5}, ${i % 10 === 0 ? 'NULL' : i % 10 === 1 ? `'${big()}'` : `'n${i}'`})`,
  ).join(', ');
  await exec(s, `${itemsDdl()};\nINSERT INTO items (id, name, qty, price, note) VALUES ${values};`);
}

/** figures() of the DuckDB target, whose table sits in the source's schema (`public` from PostgreSQL). */
async function duckFigures(duck: Side, source: Side): Promise<string> {
  const table = source.engine === 'postgres' ? 'public.items' : 'items';
  const [r] = await rows(duck, `SELECT count(*) AS n, sum(id) AS ids, sum(qty) AS qty, count(note) AS notes, sum(price) AS price FROM ${table}`);
  const v = (x: unknown) => (x === null || x === undefined ? '0' : Number(x).toFixed(2));
  return `n=${v(r?.n)} ids=${v(r?.ids)} qty=${v(r?.qty)} notes=${v(r?.notes)} price=${v(r?.price)}`;
}

/** Messages of a subject, read by a plain client with an ordered consumer. */
async function read(url: string, stream: string, subject: string): Promise<{ subject: string; id: string | undefined; body: Record<string, unknown> }[]> {
  const { nc, js, jsm } = await plainClient(url);
  try {
    const info = await jsm.streams.info(stream);
    const consumer = await js.consumers.get(stream, { filter_subjects: subject });
    const out: { subject: string; id: string | undefined; body: Record<string, unknown> }[] = [];
    if (info.state.messages === 0) return out;
    for (;;) {
      const m = await consumer.next({ expires: 2000 });
      if (m === null) break;
      out.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), body: m.json<Record<string, unknown>>() });
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

async function fanOut(from: TestEngine): Promise<void> {
  const source = side(from.engine, await from.create());
  const toPg = side('postgres', await postgresEngine.create());
  const toDuck = side('duckdb', await duckdbEngine.create());
  const project = tempDir('redb-nats-');
  cleanups.push(async () => {
    if (source.engine === 'postgres') await dropPgCapture(source.db);
    await source.db.drop();
    await toPg.db.drop();
    await toDuck.db.drop();
    project.cleanup();
  });
  expect(redb(project.path, ['init']).code).toBe(0);
  await seed(source);
  const tag = randomBytes(4).toString('hex');
  const stream = `s_${tag}`;
  const bus = `${nats.url}/${stream}`;

  const publisher = new Replicator(project.path, [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500']);
  expect((await publisher.until('copied', 180_000)).rows).toBe(200);
  await publisher.until('streaming', 180_000);
  const pg = new Replicator(project.path, [bus, toPg.url, '--name', `pg_${tag}`]);
  const duck = new Replicator(project.path, [bus, toDuck.url, '--name', `duck_${tag}`]);
  await pg.until('streaming', 180_000);
  await duck.until('streaming', 180_000);

  await exec(source, changes(source, 1));
  await exec(source, changes(source, 2));
  await exec(source, `INSERT INTO items (id, name, qty, price, note) VALUES (900001, 'sentinel', 0, 0, NULL)`);
  await until(
    async () => (await rows(toPg, 'SELECT id FROM items WHERE id = 900001')).length === 1 && (await figures(toPg)) === (await figures(source)),
    'the PostgreSQL consumer to catch up',
    120_000,
  );
  // The DuckDB file is held by its consumer: it has caught up once it stands where the other one does. That one's
  // position is read where it committed it with the rows (its progress lines come a second apart, and may be behind them).
  const reached = Number(await committedPosition(toPg, `pg_${tag}`));
  expect(reached).toBeGreaterThan(0);
  await until(async () => Number(duck.position ?? '0') >= reached, 'the DuckDB consumer to catch up', 120_000);
  expect(await publisher.stop('SIGTERM')).toBe(143);
  expect(await pg.stop('SIGTERM')).toBe(143);
  expect(await duck.stop('SIGINT')).toBe(130);
  expect(duck.events.at(-1)).toMatchObject({ type: 'stopped', signal: 'SIGINT' });

  expect(await figures(toPg)).toBe(await figures(source));
  expect(await duckFigures(toDuck, source)).toBe(await figures(source));
  for (const target of [toPg, toDuck]) {
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
    expect(verify.stderr + verify.stdout).toMatch(/matches/);
  }
  // Read once: one capture on the source feeds both targets.
  if (source.engine === 'postgres') {
    const name = new URL(source.db.url).pathname.slice(1);
    expect((await pgQuery(source.db.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).length).toBe(1);
  }

  // Both ends are jobs of the project: status shows them, drop removes what the publisher made on the source.
  const status = redb(project.path, ['replicate', 'status', '--json'], PASSWORD_ENV);
  expect(status.code, status.stderr).toBe(0);
  const jobs = (JSON.parse(status.stdout) as { jobs: { job: string; state: string; problems: string[]; position: string | null }[] }).jobs;
  for (const name of [`p_${tag}`, `pg_${tag}`, `duck_${tag}`]) expect(jobs.find((j) => j.job === name)).toMatchObject({ state: 'stopped', problems: [] });
  expect(jobs.find((j) => j.job === `pg_${tag}`)?.position).toBe(pg.position);
  const dropped = redb(project.path, ['replicate', 'drop', `p_${tag}`], PASSWORD_ENV);
  expect(dropped.code, dropped.stderr).toBe(0);
  if (source.engine === 'postgres') {
    const name = new URL(source.db.url).pathname.slice(1);
    expect(await pgQuery(source.db.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).toEqual([]);
  }

  // What a Debezium consumer reads: the envelope, one subject per table, ids JetStream deduplicates by.
  const table = source.engine === 'postgres' ? `${stream}.public.items` : `${stream}.main.items`;
  const events = await read(nats.url, stream, table);
  const ops = new Set(events.map((e) => e.body.op));
  expect([...ops].sort()).toEqual(['c', 'd', 'r', 'u']);
  for (const e of events) {
    expect(Object.keys(e.body)).toEqual(expect.arrayContaining(['before', 'after', 'source', 'op', 'ts_ms']));
    expect(e.id).toMatch(/.+:\d+$/);
  }
  const update = events.find((e) => e.body.op === 'u' && (e.body.after as { id: number }).id === 7);
  expect(update?.body).toMatchObject({ op: 'u', after: { id: 7, name: 'item 7' }, source: { connector: 'redb', table: 'items', snapshot: 'false' } });
  expect(typeof update?.body.ts_ms).toBe('number');
  const snap = events.find((e) => e.body.op === 'r');
  expect(snap?.body).toMatchObject({
    before: null,
    source: { connector: 'redb', snapshot: 'true', table: 'items', schema: source.engine === 'postgres' ? 'public' : null },
  });
  const del = events.find((e) => e.body.op === 'd');
  expect(del?.body.after).toBeNull();
  expect(Object.keys(del?.body.before as object)).toContain('id');
  // Whole transactions: each begin has its commit, at the same source position.
  const tx = (await read(nats.url, stream, `${stream}._meta.tx`)).map((m) => m.body as { kind: string; position: string; snapshot?: boolean });
  const begins = tx.filter((m) => m.kind === 'begin' && m.snapshot === false).map((m) => m.position);
  const commits = tx.filter((m) => m.kind === 'commit' && m.snapshot === false).map((m) => m.position);
  expect(begins.length).toBeGreaterThan(0);
  expect(commits).toEqual(begins);
  expect(new Set(commits).size).toBe(commits.length);
}

describe.concurrent('redb replicate through NATS JetStream (real nats-server, real databases)', () => {
  it('PostgreSQL → JetStream → PostgreSQL and DuckDB', () => fanOut(postgresEngine), 480_000);
  it('SQLite → JetStream → PostgreSQL and DuckDB', () => fanOut(sqliteEngine), 480_000);
});
