import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redb, redbOk, type CliResult } from '../support/cli.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { dropPgCapture, exec, figures, side, sleep, type Side } from '../replicate/helpers.js';
import { kill, markedPids, type StatusView } from './support.js';

/**
 * Two real replication jobs in the daemon, PostgreSQL → PostgreSQL each, while rows are written to
 * both sources. One target stops accepting connections (its sessions ended): that job fails, and the
 * daemon starts it again and again with growing waits, the reason shown by `daemon status`,
 * `replicate status` and the metrics; meanwhile the other job's target keeps receiving rows. The
 * target comes back: the failed job catches up, and both targets equal their sources.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

interface LiveJob {
  name: string;
  state: string;
  restarts: number;
  lastExit: { at: string; reason: string } | null;
  nextStartAt: string | null;
}

async function seed(s: Side): Promise<void> {
  await exec(
    s,
    `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT);
    INSERT INTO items VALUES (1, 'a', 1, 1, NULL);
    CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
    INSERT INTO ledger VALUES (1, 1, 'seed');`,
  );
}

const maxId = async (s: Side): Promise<number> => Number((await pgQuery<{ m: string | null }>(s.db.url, 'SELECT max(id)::text AS m FROM ledger'))[0]?.m ?? 0);

describe('a daemon job whose target goes away', () => {
  it('restarts with growing waits and its reason while the other job keeps flowing; back, it catches up', async () => {
    const [srcA, dstA, srcB, dstB] = [
      side('postgres', await postgresEngine.create()),
      side('postgres', await postgresEngine.create()),
      side('postgres', await postgresEngine.create()),
      side('postgres', await postgresEngine.create()),
    ];
    const away = new URL(dstB.db.url).pathname.slice(1);
    const admin = serverUrl('REDB_TEST_PG_URL');
    const dir = tempDir('redb-daemon-away-');
    const root = dir.path;
    const gitdir = join(root, '.redb');
    const run = (args: readonly string[]): CliResult => redb(root, args, PASSWORD_ENV);
    const ok = (args: readonly string[]): CliResult => redbOk(root, args, PASSWORD_ENV);
    const daemonStatus = (): StatusView => JSON.parse(ok(['daemon', 'status', '--json']).stdout) as StatusView;
    const jobOf = (name: string): LiveJob | undefined => daemonStatus().jobs.find((j) => j.name === name) as LiveJob | undefined;
    const accepting = (yes: boolean) => pgQuery(admin, `ALTER DATABASE ${away} WITH ALLOW_CONNECTIONS ${yes}`);
    cleanups.push(async () => {
      await accepting(true).catch(() => undefined);
      run(['daemon', 'stop']);
      for (const pid of markedPids(gitdir)) kill(pid, 'SIGKILL');
      for (const s of [srcA, srcB]) await dropPgCapture(s.db);
      for (const s of [srcA, dstA, srcB, dstB]) await s.db.drop();
      dir.cleanup();
    });
    ok(['init']);
    for (const s of [srcA, srcB]) await seed(s);

    // A writer: a ledger row on each source every few milliseconds, until told to stop.
    const writers = await Promise.all(
      [srcA, srcB].map(async (s) => {
        const c = new pg.Client({ connectionString: s.db.url });
        await c.connect();
        return c;
      }),
    );
    let writing = true;
    let next = 1000;
    const writer = (async () => {
      while (writing) {
        next++;
        for (const c of writers) await c.query('INSERT INTO ledger VALUES ($1, $2, $3)', [next, next % 50, next % 3 === 0 ? null : 'row']);
        await sleep(20);
      }
    })();
    cleanups.push(async () => {
      writing = false;
      await writer.catch(() => undefined);
      for (const c of writers) await c.end().catch(() => undefined);
    });

    const tag = randomBytes(3).toString('hex');
    const [jobA, jobB] = [`flowing_${tag}`, `away_${tag}`];
    ok(['replicate', srcA.url, dstA.url, '--name', jobA, '--daemon', '--metrics', '127.0.0.1:0']);
    ok(['replicate', srcB.url, dstB.url, '--name', jobB, '--daemon']);
    await until('both targets to receive rows', async () => (await maxId(dstA)) > 1000 && (await maxId(dstB)) > 1000, 180_000);

    // The target of job B stops accepting connections, and its sessions are ended.
    await accepting(false);
    await pgQuery(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${away}' AND pid <> pg_backend_pid()`);
    const flowingAtCut = await maxId(srcA);

    // Job B ends, and the daemon starts it again after 1 s, 2 s, 4 s ...: its log says each time, with the wait and the reason.
    interface Ended {
      job: string;
      msg: string;
      reason: string;
      failures: number;
      delayMs: number;
    }
    const ends = (): Ended[] =>
      readFileSync(join(gitdir, 'state', 'daemon.log'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Ended)
        .filter((l) => l.msg === 'job ended; restarting after a backoff');
    const ended = await until(
      'three restarts of the job whose target is gone',
      () => (ends().filter((e) => e.job === jobB).length >= 3 ? ends() : undefined),
      300_000,
    );
    const [e1, e2, e3] = ended.filter((e) => e.job === jobB) as [Ended, Ended, Ended];
    expect([e1.failures, e2.failures, e3.failures]).toEqual([1, 2, 3]);
    expect(e1.delayMs).toBeGreaterThan(0);
    expect(e2.delayMs).toBeGreaterThan(e1.delayMs);
    expect(e3.delayMs).toBeGreaterThan(e2.delayMs);
    // The reason: redb's coded error from the job's stderr, naming the database that does not answer.
    for (const e of [e1, e2, e3]) expect(e.reason).toMatch(/error\[REDB_[A-Z_]+\]: .*not currently accepting connections/);
    expect(ended.filter((e) => e.job === jobA)).toEqual([]);
    // `daemon status` shows the restarts and the reason, and when it starts next while it waits.
    const b = jobOf(jobB);
    expect(b?.restarts).toBeGreaterThanOrEqual(3);
    expect(b?.lastExit?.reason).toContain('not currently accepting connections');
    // Meanwhile the other job went on: rows written on its source after the cut are on its target.
    expect(await maxId(dstA)).toBeGreaterThan(flowingAtCut);
    expect(jobOf(jobA)?.state).toBe('running');
    expect(jobOf(jobA)?.restarts).toBe(0);

    // `replicate status` and the metrics say so too.
    const replicateStatus = JSON.parse(ok(['replicate', 'status', '--json']).stdout) as {
      daemon: { jobs: { name: string; live: LiveJob | null }[] };
    };
    const seenB = replicateStatus.daemon.jobs.find((j) => j.name === jobB)?.live;
    expect(seenB?.restarts).toBeGreaterThanOrEqual(3);
    expect(seenB?.lastExit?.reason).toMatch(/REDB_[A-Z_]+/);
    const text = ok(['replicate', 'status']).stdout;
    expect(text).toContain(jobB);
    const metricsAt = daemonStatus().metrics;
    expect(typeof metricsAt).toBe('string');
    const metrics = await (await fetch(`http://${metricsAt}/metrics`)).text();
    const restartsOf = (job: string) => Number(new RegExp(`^redb_job_restarts_total\\{job="${job}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(restartsOf(jobB)).toBeGreaterThanOrEqual(3);
    expect(restartsOf(jobA)).toBe(0);

    // The target comes back: job B catches up; the writer stops; both targets equal their sources.
    await accepting(true);
    writing = false;
    await writer;
    const [lastA, lastB] = [await maxId(srcA), await maxId(srcB)];
    await until('both jobs to catch up', async () => (await maxId(dstA)) === lastA && (await maxId(dstB)) === lastB, 240_000);
    for (const [s, t] of [
      [srcA, dstA],
      [srcB, dstB],
    ] as const) {
      expect(await figures(t, 'ledger')).toBe(await figures(s, 'ledger'));
      const verify = run(['verify', s.url, t.url]);
      expect(verify.code, verify.stderr).toBe(0);
    }
    expect(jobOf(jobB)?.state).toBe('running');
  }, 600_000);
});

/** Poll `check` (which may await) until it gives a value, every 200 ms. */
async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await sleep(200);
  }
}
