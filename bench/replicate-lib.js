// Pieces of the replication benchmark (bench/replicate.js): a running `redb replicate --json`, polling,
// the databases' clients and the load generators, per engine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** REDB_BENCH_CLI: another build's cli.js, to time it against this one in turn. */
export const cli = process.env.REDB_BENCH_CLI ?? join(root, 'dist', 'cli.js');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The URL as a redb binding takes it: the password as ${<variable>}, set in this process's environment. */
export function envUrl(url, variable) {
  const u = new URL(url);
  if (u.password === '') return url;
  process.env[variable] = decodeURIComponent(u.password);
  return url.replace(`:${u.password}@`, `:\${${variable}}@`);
}

export const withDb = (url, db) => url.replace(/\/[^/?]*(\?|$)/, `/${db}$1`);

/** A running `redb replicate --json`: its events, its peak resident memory, how it ended. `build`: another build's cli.js. */
export class Job {
  constructor(cwd, args, build = cli) {
    this.events = [];
    this.stderr = '';
    this.ended = false;
    this.started = Date.now();
    // REDB_BENCH_PROFILE=<dir>: each replicator writes a CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.REDB_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.REDB_BENCH_PROFILE] : [];
    this.child = spawn(process.execPath, [...profile, build, 'replicate', ...args, '--yes', '--json'], {
      cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.events.push({ ...JSON.parse(line), seenAt: Date.now() });
        } catch {
          this.stderr += `${line}\n`;
        }
      }
    });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk.toString()));
    this.exited = new Promise((r) =>
      this.child.on('exit', (code) => {
        this.ended = true;
        r(code);
      }),
    );
  }

  /** Fails when the job ended by itself: a benchmark must not wait for a dead process. */
  check() {
    if (this.ended) throw new Error(`redb replicate ended: ${this.stderr.slice(-2000)}`);
  }

  async until(type, timeoutMs = 600_000) {
    await waitFor(async () => this.events.some((e) => e.type === type), `redb replicate '${type}'`, timeoutMs, this);
  }

  /** Peak resident set of the replicator so far (the kernel's high-water mark), MiB. */
  peakMiB() {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  }

  /**
   * CPU seconds the replicator used so far (user and system, from /proc): the time it takes from
   * the servers on a machine with few cores, steadier than its wall time when the machine is shared.
   */
  cpuSeconds() {
    const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // utime and stime, fields 14 and 15 of stat(5), 12 and 13 after the command name; in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** Milliseconds from the start to the 'streaming' event (start-up, reading the position, connecting). */
  startupMs() {
    const e = this.events.find((x) => x.type === 'streaming');
    return e === undefined ? Number.NaN : e.seenAt - this.started;
  }

  lastProgress() {
    return [...this.events].reverse().find((e) => e.type === 'progress');
  }

  async stop() {
    if (!this.ended) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Poll until `ready()` is true (every 25 ms: the figures' resolution), failing if a job it waits for died. */
export async function waitFor(ready, what, timeoutMs = 1_800_000, job = undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    job?.check();
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The load average, sampled while the benchmark runs. */
export class Load {
  constructor() {
    this.samples = [];
    this.timer = setInterval(() => this.samples.push(loadavg()[0]), 5_000);
    this.timer.unref();
  }
  summary() {
    clearInterval(this.timer);
    const xs = this.samples.length > 0 ? this.samples : [loadavg()[0]];
    return `1-min load average during the run: min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
  }
}

export async function pgClient(url) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  // A database dropped WITH (FORCE) at the end ends its connections: not a failure of the benchmark.
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export async function mysqlClient(url) {
  const { default: mysql } = await import('mysql2/promise');
  const u = new URL(url);
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1) || undefined,
    multipleStatements: true,
  });
}

/** A PostgreSQL URL as a libpq connection string (CREATE SUBSCRIPTION ... CONNECTION takes one). */
export function conninfo(url) {
  const u = new URL(url);
  const q = (v) => `'${decodeURIComponent(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [`host=${q(u.hostname)}`, `port=${u.port || 5432}`, `user=${q(u.username)}`, `password=${q(u.password)}`, `dbname=${q(u.pathname.slice(1))}`].join(
    ' ',
  );
}

/**
 * The pgbench-like tables of the PostgreSQL → PostgreSQL comparison: accounts updated, history
 * appended, ticks written by the paced writer (and the sentinels, with negative ids).
 */
export const ACCOUNTS = 100_000;
export const PG_TABLES = `CREATE TABLE accounts (aid bigint PRIMARY KEY, bid integer NOT NULL, abalance integer NOT NULL, filler char(84));
CREATE TABLE history (id bigint PRIMARY KEY, aid bigint NOT NULL, delta integer NOT NULL, mtime timestamptz NOT NULL, filler char(22));
CREATE TABLE ticks (id bigint PRIMARY KEY, at timestamptz NOT NULL);`;
export const PG_SEED = `INSERT INTO accounts SELECT g, 1 + g / 10000, 0, '' FROM generate_series(1, ${ACCOUNTS}) g;`;

/** `changes` row changes in transactions of 100 (50 updates of accounts, 50 inserts into history), ids from `first`. */
export const pgBacklog = (changes, first) => `DO $$ BEGIN FOR i IN 0..${Math.ceil(changes / 100) - 1} LOOP
  UPDATE accounts SET abalance = abalance + 1 WHERE aid > (i * 50) % ${ACCOUNTS} AND aid <= (i * 50) % ${ACCOUNTS} + 50;
  INSERT INTO history SELECT ${first} + i * 50 + g, 1 + (i * 50 + g) % ${ACCOUNTS}, 1, clock_timestamp(), '' FROM generate_series(1, 50) g;
  COMMIT;
END LOOP; END $$`;

/** `changes` inserts into history in one transaction. */
export const pgBigTransaction = (changes, first) =>
  `INSERT INTO history SELECT ${first} + g, 1 + g % ${ACCOUNTS}, 1, clock_timestamp(), '' FROM generate_series(1, ${changes}) g`;

/** The one table of the cross-engine cases: seeded with 10,000 rows, then updated and appended to. */
export const ITEMS = 'CREATE TABLE items (id BIGINT PRIMARY KEY, n INTEGER NOT NULL, v VARCHAR(40))';

/** One transaction of the cross-engine backlog (50 updates, 50 inserts from id `first`), in each engine's SQL. */
export function itemsTransaction(engine, i, first) {
  const lo = (i * 50) % 10_000;
  const update = `UPDATE items SET n = n + 1 WHERE id > ${lo} AND id <= ${lo + 50}`;
  const series =
    engine === 'mysql' ? 'SELECT seq AS g FROM seq_1_to_50' : 'WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 50) SELECT g FROM s';
  const insert = `INSERT INTO items SELECT ${first} + g, g, 'new row' FROM (${series}) x`;
  return `${engine === 'mysql' ? 'START TRANSACTION' : 'BEGIN'}; ${update}; ${insert}; COMMIT;`;
}

export const itemsSeed = (engine) =>
  engine === 'mysql'
    ? `INSERT INTO items SELECT seq, 0, 'seed' FROM seq_1_to_10000`
    : `INSERT INTO items WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 10000) SELECT g, 0, 'seed' FROM s`;

export function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
