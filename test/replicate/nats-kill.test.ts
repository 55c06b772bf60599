import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { natsServer, plainClient, type NatsServer } from '../support/nats.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { dropPgCapture, exec, figures, killReplicators, Replicator, rows, side, sleep, until } from './helpers.js';

/**
 * PostgreSQL → JetStream → PostgreSQL with the publisher and the consumer killed with SIGKILL at
 * random moments (each alone, or both), again and again for a bounded time, each started again,
 * while a writer moves amounts between accounts and appends to a ledger. After the writer stops,
 * one last run of each catches up: the target's counts and sums are the source's (a change lost or
 * applied twice would show: transfers sum to zero, the ledger counts every transaction), `verify`
 * finds them equal, and the stream holds every source transaction once (JetStream dropped what a
 * restarted publisher sent again).
 */

const LOOP_MS = Number(process.env.REDB_TEST_LOOP_MS ?? 30_000);
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

async function writer(url: string, stop: { now: boolean }): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let n = 0;
  try {
    while (!stop.now) {
      const a = 1 + Math.floor(Math.random() * 200);
      const b = 1 + Math.floor(Math.random() * 200);
      const amount = 1 + Math.floor(Math.random() * 50);
      await c.query('BEGIN');
      await c.query('UPDATE items SET qty = qty - $1, price = price + 1 WHERE id = $2', [amount, a]);
      await c.query('UPDATE items SET qty = qty + $1 WHERE id = $2', [amount, b]);
      await c.query("INSERT INTO ledger (id, amount, note) VALUES ($1, $2, CASE WHEN $2 % 4 = 0 THEN NULL ELSE 'transfer' END)", [1_000_000 + n, amount]);
      if (n % 17 === 0) await c.query('DELETE FROM ledger WHERE id = (SELECT min(id) FROM ledger)');
      await c.query('COMMIT');
      n++;
      await sleep(2);
    }
  } finally {
    await c.end();
  }
  return n;
}

/** Source positions of the non-snapshot commits in the stream, as a plain client reads them. */
async function commits(url: string, stream: string): Promise<string[]> {
  const { nc, js } = await plainClient(url);
  try {
    const consumer = await js.consumers.get(stream, { filter_subjects: `${stream}._meta.tx` });
    const out: string[] = [];
    for (;;) {
      const m = await consumer.next({ expires: 2000 });
      if (m === null) break;
      const body = m.json<{ kind: string; position: string; snapshot?: boolean }>();
      if (body.kind === 'commit' && body.snapshot === false) out.push(body.position);
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

describe('redb replicate through JetStream under kill -9 (real servers)', () => {
  it('PostgreSQL → JetStream → PostgreSQL: publisher and consumer killed, nothing lost, nothing doubled', async () => {
    const source = side('postgres', await postgresEngine.create());
    const target = side('postgres', await postgresEngine.create());
    const project = tempDir('redb-nats-kill-');
    cleanups.push(async () => {
      await dropPgCapture(source.db);
      await source.db.drop();
      await target.db.drop();
      project.cleanup();
    });
    expect(redb(project.path, ['init']).code).toBe(0);
    const values = Array.from({ length: 200 }, (_x, i) => `(${i + 1}, 'a${i + 1}', 1000, 0, NULL)`).join(', ');
    await exec(
      source,
      `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT);
      INSERT INTO items VALUES ${values};
      CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
      INSERT INTO ledger SELECT g, 1, 'seed' FROM generate_series(1, 5000) g;`,
    );
    const tag = randomBytes(4).toString('hex');
    const stream = `k_${tag}`;
    const bus = `${nats.url}/${stream}`;
    const pubArgs = [source.url, bus, '--name', `kp_${tag}`, '--heartbeat-ms', '500'];
    const conArgs = [bus, target.url, '--name', `kc_${tag}`];

    const stop = { now: false };
    const writing = writer(source.db.url, stop);
    let publisherKills = 0;
    let consumerKills = 0;
    let publisher = new Replicator(project.path, pubArgs);
    await publisher.until('streaming', 120_000);
    // From here: a start slowed by a busy machine must not eat the loop.
    const deadline = Date.now() + LOOP_MS;
    let consumer = new Replicator(project.path, conArgs);
    while (Date.now() < deadline) {
      await sleep(500 + Math.random() * 2500);
      const which = Math.floor(Math.random() * 3);
      if (which !== 1) {
        publisher.child.kill('SIGKILL');
        await publisher.exited;
        publisherKills++;
        publisher = new Replicator(project.path, pubArgs);
      }
      if (which !== 0) {
        consumer.child.kill('SIGKILL');
        await consumer.exited;
        consumerKills++;
        consumer = new Replicator(project.path, conArgs);
      }
    }
    stop.now = true;
    const transactions = await writing;
    expect(transactions).toBeGreaterThan(50);
    expect(publisherKills).toBeGreaterThan(1);
    expect(consumerKills).toBeGreaterThan(1);

    await until(
      async () => (await figures(target)) === (await figures(source)) && (await figures(target, 'ledger')) === (await figures(source, 'ledger')),
      'the last runs to catch up',
      120_000,
    ).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)} / ${await figures(source, 'ledger')}, target ${await figures(target)} / ${await figures(target, 'ledger')}; publisher ${publisher.stderr}; consumer ${consumer.stderr}`,
      );
    });
    expect(await consumer.stop('SIGTERM')).toBe(143);
    expect(await publisher.stop('SIGTERM')).toBe(143);

    const [total] = await rows(target, 'SELECT sum(qty) AS s FROM items');
    expect(Number(total?.s)).toBe(200 * 1000);
    const [ledger] = await rows(target, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
    expect(Number(ledger?.n)).toBe(transactions);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stderr).toBe(0);
    // Every source transaction once in the stream (those before the snapshot are in it), though restarted publishers sent some again.
    const published = await commits(nats.url, stream);
    expect(published.length).toBeGreaterThan(50);
    expect(new Set(published).size).toBe(published.length);
  }, 300_000);
});
