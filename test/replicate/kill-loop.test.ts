import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { killReplicators, exec, figures, Replicator, rows, sleep, until, replicationSetup } from './helpers.js';

/**
 * `redb replicate` PostgreSQL → PostgreSQL killed with SIGKILL at random moments (during the copy
 * and during the stream), again and again for a bounded time, each time started again, while a
 * writer inserts, updates (a running total and a counter per row), deletes and moves keys. After
 * the writer stops, one last run catches up: the target's counts and sums are the source's, and
 * `redb verify` finds them equal. A change lost or applied twice would show in the figures: an
 * insert-only ledger counts every transaction, and each account's balance moves by transfers whose
 * sum is zero.
 */

const LOOP_MS = Number(process.env.REDB_TEST_LOOP_MS ?? 35_000);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** Transactions until stopped: a transfer between two accounts, a ledger row, now and then a delete or a moved key. */
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
      if (n % 23 === 0) await c.query('UPDATE ledger SET id = id + 5000000 WHERE id = (SELECT max(id) FROM ledger WHERE id < 5000000)');
      await c.query('COMMIT');
      n++;
    }
  } finally {
    await c.end();
  }
  return n;
}

describe('redb replicate under kill -9 (real server)', () => {
  it('PostgreSQL → PostgreSQL: nothing lost, nothing doubled', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-kill-', cleanups);
    const values = Array.from({ length: 200 }, (_x, i) => `(${i + 1}, 'a${i + 1}', 1000, 0, NULL)`).join(', ');
    await exec(
      source,
      `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT);
      INSERT INTO items VALUES ${values};
      CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
      INSERT INTO ledger SELECT g, 1, 'seed' FROM generate_series(1, 20000) g;`,
    );
    const job = `k_${randomBytes(4).toString('hex')}`;
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];

    const stop = { now: false };
    const writing = writer(source.db.url, stop);
    const deadline = Date.now() + LOOP_MS;
    let kills = 0;
    let streamedKills = 0;
    while (Date.now() < deadline) {
      const r = new Replicator(project.path, args);
      // Every other run is killed while it streams (a moment after it starts to), the others at any moment before.
      if (kills % 2 === 1) {
        await r.until('streaming', 60_000).catch(() => undefined);
        await sleep(Math.random() * 2500);
      } else await sleep(300 + Math.random() * 5000);
      if (r.events.some((e) => e.type === 'streaming')) streamedKills++;
      r.child.kill('SIGKILL');
      await r.exited;
      kills++;
    }
    stop.now = true;
    const transactions = await writing;
    expect(transactions).toBeGreaterThan(50);
    expect(kills).toBeGreaterThan(3);

    const last = new Replicator(project.path, args);
    await last.until('streaming', 120_000);
    await until(
      async () => (await figures(target)) === (await figures(source)) && (await figures(target, 'ledger')) === (await figures(source, 'ledger')),
      'the last run to catch up',
      120_000,
    ).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)} / ${await figures(source, 'ledger')}, target ${await figures(target)} / ${await figures(target, 'ledger')}; last events ${JSON.stringify(last.events.slice(-3))}; ${last.stderr}`,
      );
    });
    expect(await last.stop('SIGTERM')).toBe(143);

    // Transfers sum to zero: the total is what it started as, on both sides.
    const [total] = await rows(target, 'SELECT sum(qty) AS s, count(*) AS n FROM items');
    expect(Number(total?.s)).toBe(200 * 1000);
    const [ledger] = await rows(target, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
    const [sourceLedger] = await rows(source, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
    expect(Number(ledger?.n)).toBe(Number(sourceLedger?.n));
    expect(await figures(target, 'ledger')).toBe(await figures(source, 'ledger'));
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stderr).toBe(0);
    // Some kills must have landed while it streamed, or the loop proved only the copy.
    expect(streamedKills).toBeGreaterThan(0);
  }, 300_000);
});
