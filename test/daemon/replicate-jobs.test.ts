import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redb, redbOk, type CliResult } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, sqliteEngine, tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { dropPgCapture, exec, figures, rows, side, sleep, type Side } from '../replicate/helpers.js';
import { alive, kill, markedPids, waitFor, type StatusView } from './support.js';

/**
 * The daemon running real `redb replicate` jobs (not the stand-in): PostgreSQL → PostgreSQL and
 * SQLite → DuckDB, while a writer process moves amounts between accounts and keeps a ledger. The
 * daemon is killed with SIGKILL at random moments for a bounded time and started again each time;
 * then the writer stops, both jobs catch up (as `redb replicate status` reports them), and the
 * targets' counts and sums are the sources', `redb verify` agrees, and one process runs per job.
 * The metrics, scraped over HTTP as Prometheus text, carry what the jobs report (state, changes,
 * lag, PostgreSQL's retained WAL); `redb replicate status` shows the daemon's view beside the
 * recorded one; `redb replicate drop` stops a job in the daemon and removes what it made on the source.
 */

const LOOP_MS = Number(process.env.REDB_TEST_LOOP_MS ?? 25_000);
const WRITER = join(import.meta.dirname, 'fixtures', 'ledger-writer.mjs');
const ACCOUNTS = 100;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Prometheus' text exposition format (0.0.4), strictly: every sample of a family declared by its TYPE, every line understood. */
function parseProm(text: string): Sample[] {
  const typed = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (type !== null) {
      typed.add(type[1] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not Prometheus text: ${line}`);
    const name = m[1] as string;
    if (!typed.has(name)) throw new Error(`sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let at = 0;
    while (at < body.length) {
      pair.lastIndex = at;
      const l = pair.exec(body);
      if (l === null) throw new Error(`bad labels: ${line}`);
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
      at = pair.lastIndex;
    }
    const value = m[3] === '+Inf' ? Number.POSITIVE_INFINITY : m[3] === '-Inf' ? Number.NEGATIVE_INFINITY : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value: ${line}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

const sample = (samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

interface RecordedJob {
  job: string;
  state: string;
  pid: number | null;
  position: string | null;
  capture: { head?: string; pendingChanges?: number; exists: boolean } | null;
}
interface ReplicateStatusJson {
  jobs: RecordedJob[];
  daemon: { running: boolean; jobs: { name: string; live: { state: string; pid: number | null } | null }[] };
}

async function seed(s: Side): Promise<void> {
  const items = Array.from({ length: ACCOUNTS }, (_x, i) => `(${i + 1}, 'a${i + 1}', 1000, 0, NULL)`).join(', ');
  const ledger = Array.from({ length: 2000 }, (_x, i) => `(${i + 1}, 1, 'seed')`).join(', ');
  await exec(
    s,
    `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT);
    INSERT INTO items VALUES ${items};
    CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
    INSERT INTO ledger VALUES ${ledger};`,
  );
}

describe('the daemon with real replication jobs', () => {
  it('kill -9 of the daemon under writes: both jobs catch up, equal and verified; metrics, status and drop', async () => {
    const [pgSource, pgTarget, liteSource, duckTarget] = [
      side('postgres', await postgresEngine.create()),
      side('postgres', await postgresEngine.create()),
      side('sqlite', await sqliteEngine.create()),
      side('duckdb', await duckdbEngine.create()),
    ];
    const dir = tempDir('redb-daemon-real-');
    const root = dir.path;
    const gitdir = join(root, '.redb');
    const run = (args: readonly string[]): CliResult => redb(root, args, PASSWORD_ENV);
    const ok = (args: readonly string[]): CliResult => redbOk(root, args, PASSWORD_ENV);
    const daemonStatus = (): StatusView => JSON.parse(ok(['daemon', 'status', '--json']).stdout) as StatusView;
    cleanups.push(async () => {
      run(['daemon', 'stop']);
      for (const pid of markedPids(gitdir)) kill(pid, 'SIGKILL');
      await dropPgCapture(pgSource.db);
      for (const s of [pgSource, pgTarget, liteSource, duckTarget]) await s.db.drop();
      dir.cleanup();
    });
    ok(['init']);
    await seed(pgSource);
    await seed(liteSource);

    const writer = spawn(process.execPath, [WRITER, pgSource.db.url, liteSource.db.url.replace(/^sqlite:/, '')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let written = '';
    let writerErr = '';
    writer.stdout.on('data', (c: Buffer) => (written += c.toString()));
    writer.stderr.on('data', (c: Buffer) => (writerErr += c.toString()));
    const writerExit = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    cleanups.push(async () => void writer.kill('SIGKILL'));

    const tag = randomBytes(3).toString('hex');
    const pgJob = `pg_${tag}`;
    const liteJob = `lite_${tag}`;
    const added = JSON.parse(ok(['replicate', pgSource.url, pgTarget.url, '--name', pgJob, '--daemon', '--metrics', '127.0.0.1:0', '--json']).stdout) as {
      created: boolean;
      daemon: { started: boolean };
    };
    expect(added).toMatchObject({ created: true, daemon: { started: true } });
    ok(['replicate', liteSource.url, duckTarget.url, '--name', liteJob, '--daemon']);

    // Both stream: the daemon has read a real progress line of each (not only seen the process start).
    const streaming = (s: StatusView, name: string) => {
      const j = s.jobs.find((x) => x.name === name);
      return j?.state === 'running' && (j.report as { type?: string } | null)?.type === 'progress' && (j.report?.changes ?? 0) > 0;
    };
    await waitFor(
      'both jobs to stream changes',
      () => {
        const s = daemonStatus();
        return streaming(s, pgJob) && streaming(s, liteJob);
      },
      180_000,
    );

    // Metrics over HTTP while the real jobs run: state, changes, lag, and PostgreSQL's retained WAL.
    const scrape = async (): Promise<Sample[]> => {
      const at = daemonStatus().metrics;
      if (typeof at !== 'string') throw new Error('the daemon serves no metrics');
      const res = await fetch(`http://${at}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      return parseProm(await res.text());
    };
    const first = await waitFor2('the retained WAL of the PostgreSQL job in the metrics', async () => {
      const m = await scrape();
      return sample(m, 'redb_job_retained_wal_bytes', { job: pgJob }) === undefined ? undefined : m;
    });
    for (const job of [pgJob, liteJob]) {
      expect(sample(first, 'redb_job_state', { job, state: 'running' })).toBe(1);
      expect(sample(first, 'redb_job_state', { job, state: 'backoff' })).toBe(0);
      expect(sample(first, 'redb_job_up', { job })).toBe(1);
      expect(sample(first, 'redb_job_changes_total', { job })).toBeGreaterThan(0);
      expect(sample(first, 'redb_job_changes_per_second', { job })).toBeGreaterThanOrEqual(0);
    }
    // Lag is source commit to target commit: PostgreSQL says when a transaction committed (SQLite's triggers cannot).
    expect(sample(first, 'redb_job_lag_seconds', { job: pgJob, quantile: '0.99' })).toBeGreaterThanOrEqual(0);
    expect(sample(first, 'redb_job_last_lag_seconds', { job: pgJob })).toBeGreaterThanOrEqual(0);
    expect(sample(first, 'redb_job_retained_wal_bytes', { job: pgJob })).toBeGreaterThan(0);
    // SQLite keeps no write-ahead log for a job: no sample rather than a made-up zero.
    expect(sample(first, 'redb_job_retained_wal_bytes', { job: liteJob })).toBeUndefined();
    // The counters move with the writes: they come from the jobs' progress lines, not from a start.
    const changesBefore = sample(first, 'redb_job_changes_total', { job: pgJob }) ?? 0;
    await waitFor2(
      'the PostgreSQL job to report more changes',
      async () => (sample(await scrape(), 'redb_job_changes_total', { job: pgJob }) ?? 0) > changesBefore,
    );

    // kill -9 of the daemon at random moments while the writer goes on; `daemon start` after each.
    const deadline = Date.now() + LOOP_MS;
    let kills = 0;
    while (Date.now() < deadline) {
      await sleep(500 + Math.random() * 4000);
      const pid = (JSON.parse(readFileSync(join(gitdir, 'state', 'daemon.json'), 'utf8')) as { pid: number }).pid;
      kill(pid, 'SIGKILL');
      await waitFor('the killed daemon to be gone', () => !alive(pid), 10_000);
      kills++;
      if (Math.random() < 0.5) await sleep(Math.random() * 1500);
      ok(['daemon', 'start', '--metrics', '127.0.0.1:0']);
    }
    // Several kills in the default run (each start waits for the jobs the killed daemon left to stop).
    expect(kills).toBeGreaterThanOrEqual(Math.max(1, Math.floor(LOOP_MS / 10_000)));

    writer.kill('SIGTERM');
    expect(await writerExit, writerErr).toBe(0);
    const counts = JSON.parse(written) as { postgres: number; sqlite: number };
    expect(counts.postgres).toBeGreaterThan(50);
    expect(counts.sqlite).toBeGreaterThan(50);
    // Caught up: a sentinel row written on the PostgreSQL source after the writer stopped has reached
    // the target (the server's WAL position moves with every other test on a shared server, so it is
    // no measure), and the SQLite job stands at the head of its change table with nothing pending.
    await pgQuery(pgSource.db.url, "INSERT INTO ledger (id, amount, note) VALUES (999999999, 0, 'sentinel')");
    let lastSeen = '';
    const caughtUp = await waitFor2(
      'both jobs to catch up',
      async () => {
        const s = JSON.parse(ok(['replicate', 'status', '--json']).stdout) as ReplicateStatusJson;
        const lite = s.jobs.find((j) => j.job === liteJob);
        const [seen] = await pgQuery<{ n: string }>(pgTarget.db.url, 'SELECT count(*)::text AS n FROM ledger WHERE id = 999999999');
        lastSeen = `sentinel on the PostgreSQL target: ${seen?.n}; SQLite job: ${JSON.stringify({ position: lite?.position, capture: lite?.capture })}`;
        if (lite?.position == null || lite.capture === null) return undefined;
        const done = seen?.n === '1' && lite.capture.pendingChanges === 0 && lite.position === lite.capture.head;
        return done ? s : undefined;
      },
      240_000,
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)} (${lastSeen})`);
    });
    expect(caughtUp.daemon.running).toBe(true);

    // Nothing lost, nothing doubled.
    expect(await figures(pgTarget)).toBe(await figures(pgSource));
    expect(await figures(pgTarget, 'ledger')).toBe(await figures(pgSource, 'ledger'));
    const [pgTotal] = await rows(pgTarget, 'SELECT sum(qty) AS s FROM items');
    expect(Number(pgTotal?.s)).toBe(ACCOUNTS * 1000);
    const [pgMoves] = await rows(pgTarget, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
    const [pgMovesSource] = await rows(pgSource, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
    expect(Number(pgMoves?.n)).toBe(Number(pgMovesSource?.n));
    const pgVerify = run(['verify', pgSource.url, pgTarget.url]);
    expect(pgVerify.code, pgVerify.stderr).toBe(0);

    // One process per job: the daemon's pid files, its status and the processes marked as this project's jobs agree.
    const live = daemonStatus();
    const pids = [pgJob, liteJob].map((name) => live.jobs.find((j) => j.name === name)?.pid ?? null);
    expect(pids.every((p) => p !== null && alive(p))).toBe(true);
    expect(markedPids(gitdir)).toEqual([...(pids as number[])].sort((a, b) => a - b));
    const pidDir = join(gitdir, 'state', 'daemon');
    const recorded = readdirSync(pidDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => (JSON.parse(readFileSync(join(pidDir, f), 'utf8')) as { pid: number }).pid)
      .sort((a, b) => a - b);
    expect(recorded).toEqual([...(pids as number[])].sort((a, b) => a - b));

    // After the kills the metrics still come from the running jobs.
    const after = await waitFor2('the metrics of the restarted jobs', async () => {
      const m = await scrape();
      return sample(m, 'redb_job_retained_wal_bytes', { job: pgJob }) === undefined || sample(m, 'redb_job_changes_total', { job: liteJob }) === undefined
        ? undefined
        : m;
    });
    for (const job of [pgJob, liteJob]) expect(sample(after, 'redb_job_state', { job, state: 'running' })).toBe(1);
    expect(sample(after, 'redb_job_retained_wal_bytes', { job: pgJob })).toBeGreaterThan(0);

    // `redb replicate status`: each job's recorded state, and the daemon's view beside it.
    for (const j of [pgJob, liteJob]) {
      expect(caughtUp.jobs.find((x) => x.job === j)?.state).toBe('running');
      expect(caughtUp.daemon.jobs.find((x) => x.name === j)?.live?.state).toBe('running');
    }
    const text = ok(['replicate', 'status']).stdout;
    expect(text).toMatch(new RegExp(`${pgJob}: running \\(process \\d+\\)`));
    expect(text).toMatch(/retained log\s+\d/);
    expect(text).toContain('in the daemon');
    expect(text).toMatch(new RegExp(`${liteJob}\\s+running`));

    // The DuckDB file is the running job's alone: paused, the job lets go of it, and it is checked.
    ok(['replicate', 'pause', liteJob]);
    expect(await figures(duckTarget)).toBe(await figures(liteSource));
    expect(await figures(duckTarget, 'ledger')).toBe(await figures(liteSource, 'ledger'));
    const [duckTotal] = await rows(duckTarget, 'SELECT sum(qty) AS s FROM items');
    expect(Number(duckTotal?.s)).toBe(ACCOUNTS * 1000);
    const liteVerify = run(['verify', liteSource.url, duckTarget.url]);
    expect(liteVerify.code, liteVerify.stderr).toBe(0);

    // `redb replicate drop` of a running daemon job: its process stops, its slot and publication go.
    const database = new URL(pgSource.db.url).pathname.slice(1);
    const slots = () =>
      pgQuery<{ slot_name: string }>(serverUrl('REDB_TEST_PG_URL'), `SELECT slot_name FROM pg_replication_slots WHERE database = '${database}'`);
    expect(await slots()).toHaveLength(1);
    const pgPid = pids[0] as number;
    const dropped = JSON.parse(ok(['replicate', 'drop', pgJob, '--json']).stdout) as { daemon: boolean; stopped: boolean; removed: string[] };
    expect(dropped).toMatchObject({ daemon: true, stopped: true });
    expect(dropped.removed.join('\n')).toContain(`slot redb_${pgJob} on`);
    expect(dropped.removed.join('\n')).toContain(`publication redb_${pgJob} on`);
    expect(alive(pgPid)).toBe(false);
    expect(await slots()).toEqual([]);
    expect(await pgQuery(pgSource.db.url, 'SELECT pubname FROM pg_publication')).toEqual([]);
    expect(daemonStatus().jobs.map((j) => j.name)).toEqual([liteJob]);
    expect(markedPids(gitdir)).toEqual([]);

    // And the paused SQLite job: its capture triggers and change table go from the source.
    ok(['replicate', 'drop', liteJob]);
    expect(await rows(liteSource, "SELECT name FROM sqlite_master WHERE name LIKE '%redb%'")).toEqual([]);
    expect(daemonStatus().jobs).toEqual([]);
  }, 420_000);

  it('a table paused in a daemon job goes on with the command status gives, handed back to the daemon', async () => {
    const [source, target] = [side('postgres', await postgresEngine.create()), side('postgres', await postgresEngine.create())];
    const dir = tempDir('redb-daemon-pause-');
    const root = dir.path;
    const gitdir = join(root, '.redb');
    const run = (args: readonly string[]): CliResult => redb(root, args, PASSWORD_ENV);
    const ok = (args: readonly string[]): CliResult => redbOk(root, args, PASSWORD_ENV);
    cleanups.push(async () => {
      run(['daemon', 'stop']);
      for (const pid of markedPids(gitdir)) kill(pid, 'SIGKILL');
      await dropPgCapture(source.db);
      await source.db.drop();
      await target.db.drop();
      dir.cleanup();
    });
    ok(['init']);
    await seed(source);
    const job = `pause_${randomBytes(3).toString('hex')}`;
    ok(['replicate', source.url, target.url, '--name', job, '--daemon']);
    const tableOf = () => {
      const s = JSON.parse(ok(['replicate', 'status', job, '--json']).stdout) as {
        jobs: { state: string; tables: Record<string, { state: string; reason?: string; command?: string }> }[];
      };
      return s.jobs[0]?.state === 'running' ? s.jobs[0].tables['public.items'] : undefined;
    };
    await waitFor('the job to stream items', () => tableOf()?.state === 'streaming', 120_000);

    // A column dropped on the source, without --allow drops-data: the table pauses, and the way on is handed to the daemon.
    await exec(source, `ALTER TABLE items DROP COLUMN price;\nINSERT INTO items (id, name, qty) VALUES (500, 'after the drop', 5);`);
    const paused = await waitFor('items to pause', () => (tableOf()?.state === 'paused' ? tableOf() : undefined), 120_000);
    expect(paused?.reason).toContain('price');
    expect(paused?.command).toContain(`--name ${job} --allow drops-data --daemon`);
    expect(await rows(target, 'SELECT id FROM items WHERE id = 500')).toEqual([]);

    // That command: the daemon's job takes the new option, restarts, copies the table afresh and streams it again.
    const handed = JSON.parse(ok(['replicate', source.url, target.url, '--name', job, '--allow', 'drops-data', '--daemon', '--json']).stdout) as {
      created: boolean;
    };
    expect(handed.created).toBe(false);
    expect((JSON.parse(readFileSync(join(gitdir, 'jobs.json'), 'utf8')) as { jobs: Record<string, { allowDrops?: boolean }> }).jobs[job]?.allowDrops).toBe(
      true,
    );
    await exec(source, `INSERT INTO items (id, name, qty) VALUES (600, 'resumed', 6);\nUPDATE items SET qty = 7 WHERE id = 1;`);
    await waitFor('items to stream again', () => tableOf()?.state === 'streaming', 120_000);
    // Counts and sums of what is left of the table (its price column is gone on both sides).
    const itemsOf = async (x: Side) => JSON.stringify(await rows(x, 'SELECT count(*)::int AS n, sum(id)::int AS ids, sum(qty)::int AS qty FROM items'));
    await waitFor2('items to catch up', async () => (await itemsOf(target)) === (await itemsOf(source)), 120_000);
    const verify = run(['verify', source.url, target.url]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(markedPids(gitdir)).toHaveLength(1);

    ok(['replicate', 'drop', job]);
    const database = new URL(source.db.url).pathname.slice(1);
    expect(await pgQuery(serverUrl('REDB_TEST_PG_URL'), `SELECT slot_name FROM pg_replication_slots WHERE database = '${database}'`)).toEqual([]);
  }, 300_000);
});

/** waitFor for checks that need to await (an HTTP scrape). */
async function waitFor2<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
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
    await sleep(300);
  }
}
