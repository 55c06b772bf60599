import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, figures, killReplicators, Replicator, replicationSetup, rows, sleep, until, type Side } from './helpers.js';

/**
 * `redb replicate` PostgreSQL → PostgreSQL killed with SIGKILL during its initial copy, which reads
 * in physical-order chunks, while a writer changes the rows: moves between accounts, inserts,
 * deletes, key moves of rows whose large (TOASTed) value the update leaves unchanged. Each run
 * after a kill must go on from the chunks the target committed, not copy them again, and the job
 * must end equal to the source with every change once.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A value PostgreSQL stores out of line (TOAST): long and not compressible. */
const BIG = `(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200))`;

/** Transactions until stopped: a transfer, a ledger row (some with a large note), a delete now and then, a key move. */
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
      // The note (TOASTed) is left as it is: the update's row comes without it.
      await c.query('UPDATE items SET qty = qty - $1, price = price + 1 WHERE id = $2', [amount, a]);
      await c.query('UPDATE items SET qty = qty + $1 WHERE id = $2', [amount, b]);
      await c.query(`INSERT INTO ledger (id, amount, note) VALUES ($1, $2, CASE WHEN $2 % 3 = 0 THEN ${BIG} ELSE 'transfer' END)`, [10_000_000 + n, amount]);
      if (n % 7 === 0) await c.query('DELETE FROM ledger WHERE id = (SELECT min(id) FROM ledger)');
      // A key moved, its large note unchanged; then its old key taken by a new row.
      if (n % 5 === 0) {
        const k = 1 + Math.floor(Math.random() * 100_000);
        const moved = await c.query('UPDATE ledger SET id = $2, amount = amount + 1 WHERE id = $1', [k, 50_000_000 + n]);
        if (moved.rowCount === 1 && n % 2 === 0) await c.query(`INSERT INTO ledger (id, amount, note) VALUES ($1, 7, ${BIG})`, [k]);
      }
      await c.query('COMMIT');
      n++;
    }
  } finally {
    await c.end();
  }
  return n;
}

/** The chunks of the job's copy the target has committed. */
async function chunks(target: Side, job: string): Promise<number> {
  const [r] = await rows(target, `SELECT count(*) AS n FROM redb.clone_chunks WHERE job = 'replicate_${job}' AND source_table = 'public.ledger'`).catch(() => [
    { n: 0 },
  ]);
  return Number(r?.n ?? 0);
}

/** Notes compared by their hashes: the big ones would make the figures unreadable. */
const notes = async (s: Side) =>
  (
    await rows(
      s,
      `SELECT count(*) AS n, coalesce(sum(length(note)), 0) AS len, md5(string_agg(id::text || ':' || md5(coalesce(note, '-')), ',' ORDER BY id)) AS h FROM ledger`,
    )
  )[0];

describe('redb replicate: a copy killed part way goes on from its chunks (real server, kill -9)', () => {
  it('PostgreSQL → PostgreSQL: chunks kept, nothing lost, nothing doubled', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-resume-', cleanups);
    const values = Array.from({ length: 200 }, (_x, i) => `(${i + 1}, 'a${i + 1}', 1000, 0, ${i % 4 === 0 ? BIG : 'NULL'})`).join(', ');
    await exec(
      source,
      `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT);
      INSERT INTO items VALUES ${values};
      CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
      INSERT INTO ledger SELECT g, 1, CASE WHEN g % 50 = 0 THEN ${BIG} ELSE 'seed' END FROM generate_series(1, 100000) g;
      ANALYZE ledger;`,
    );
    const job = `r_${randomBytes(4).toString('hex')}`;
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    // Small batches: the ledger's copy is a couple of hundred chunks, each its own commit.
    const env = { REDB_REPLICATE_COPY_ROWS: '20' };

    const stop = { now: false };
    const writing = writer(source.db.url, stop);
    // A failed case stops the writer before its database goes.
    writing.catch(() => undefined);
    cleanups.push(async () => {
      stop.now = true;
    });
    await sleep(300);
    let before = 0;
    for (let kill = 0; kill < 2; kill++) {
      const r = new Replicator(project.path, args, env);
      // Killed once it committed some chunks more than the run before it kept.
      await until(async () => (await chunks(target, job)) >= before + 5, `chunks of run ${kill + 1}`, 60_000);
      r.child.kill('SIGKILL');
      await r.exited;
      expect(
        r.events.some((e) => e.type === 'copied'),
        'killed after its copy ended',
      ).toBe(false);
      if (kill > 0) {
        // It went on from what the run before it left: those chunks, not a new copy.
        const resumed = r.events.find((e) => e.type === 'copy-resumed' && e.table === 'public.ledger');
        expect(resumed, JSON.stringify(r.events.slice(0, 5))).toMatchObject({ how: 'continued', chunks: before });
      }
      before = await chunks(target, job);
    }

    const last = new Replicator(project.path, args, env);
    await last.until('streaming', 120_000);
    const resumed = last.events.find((e) => e.type === 'copy-resumed' && e.table === 'public.ledger');
    expect(resumed).toMatchObject({ how: 'continued', chunks: before });
    expect(last.events.some((e) => e.type === 'copy-resumed' && e.how === 'restarted')).toBe(false);
    await sleep(2000);
    stop.now = true;
    const transactions = await writing;
    expect(transactions).toBeGreaterThan(50);
    await until(
      async () => (await figures(target)) === (await figures(source)) && JSON.stringify(await notes(target)) === JSON.stringify(await notes(source)),
      'the last run to catch up',
      120_000,
    ).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)} / ${JSON.stringify(await notes(source))}, target ${await figures(target)} / ${JSON.stringify(await notes(target))}; ${last.stderr}`,
      );
    });
    expect(await last.stop('SIGTERM')).toBe(143);

    // Transfers sum to zero; each ledger row is there once, with its note.
    const [total] = await rows(target, 'SELECT sum(qty) AS s, count(*) AS n FROM items');
    expect(Number(total?.s)).toBe(200 * 1000);
    expect(Number(total?.n)).toBe(200);
    const [dups] = await rows(target, 'SELECT count(*) - count(DISTINCT id) AS d FROM ledger');
    expect(Number(dups?.d)).toBe(0);
    const [written] = await rows(source, 'SELECT count(*) AS n FROM ledger WHERE id >= 10000000 AND id < 50000000');
    const [copied] = await rows(target, 'SELECT count(*) AS n FROM ledger WHERE id >= 10000000 AND id < 50000000');
    expect(Number(copied?.n)).toBe(Number(written?.n));
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stderr).toBe(0);
    // The copy's records go once the job's position is in the target.
    expect(await chunks(target, job)).toBe(0);
  }, 300_000);
});
