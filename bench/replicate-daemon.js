// Part `daemon` of the replication benchmark (bench/replicate.js): the peak resident memory (VmHWM)
// of `redb daemon` running four jobs under write load, the daemon process and each job process, and
// their total. The jobs: PostgreSQL → PostgreSQL (two targets of one source, each its own slot),
// SQLite → PostgreSQL and SQLite → DuckDB; a writer commits transactions of 100 row changes on both
// sources at REDB_BENCH_DAEMON_RATE changes/s (default 1,000 each) for REDB_BENCH_DAEMON_SECONDS
// (default 30). Then every target catches up (a sentinel row on the PostgreSQL targets; the SQLite
// change table drained for DuckDB, whose file the job holds), so the figures are of work done.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, envUrl, ITEMS, itemsSeed, itemsTransaction, pgClient, sleep, waitFor, withDb } from './replicate-lib.js';

const SECONDS = Number(process.env.REDB_BENCH_DAEMON_SECONDS ?? 30);
const RATE = Number(process.env.REDB_BENCH_DAEMON_RATE ?? 1_000);
const DBS = ['redb_bench_dmn_src', 'redb_bench_dmn_a', 'redb_bench_dmn_b', 'redb_bench_dmn_c'];
const JOBS = ['bench_dmn_pg_a', 'bench_dmn_pg_b', 'bench_dmn_lite_pg', 'bench_dmn_lite_duck'];

const redb = (project, args) => execFileSync(process.execPath, [cli, ...args], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Peak resident set (the kernel's high-water mark) of a live process, MiB; undefined once it is gone. */
function vmHwmMiB(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** The highest VmHWM seen per process: the daemon, and each job's process (a job restarted counts its largest). */
class Peaks {
  constructor() {
    this.daemon = 0;
    this.jobs = new Map();
    this.restarts = 0;
  }
  sample(project) {
    const s = JSON.parse(redb(project, ['daemon', 'status', '--json']));
    if (!s.running) throw new Error('the daemon is not running');
    this.daemon = Math.max(this.daemon, vmHwmMiB(s.pid) ?? 0);
    for (const j of s.jobs) {
      if (j.pid !== null) this.jobs.set(j.name, Math.max(this.jobs.get(j.name) ?? 0, vmHwmMiB(j.pid) ?? 0));
    }
    this.restarts = s.jobs.reduce((n, j) => n + j.restarts, 0);
    return s;
  }
}

export async function daemonMemory(admin, project) {
  const { default: Sqlite } = await import('better-sqlite3');
  const a = await pgClient(admin);
  for (const db of DBS) await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  for (const db of DBS) await a.query(`CREATE DATABASE ${db}`);
  await a.end();
  const liteFile = join(project, 'daemon-source.sqlite');
  const duckFile = join(project, 'daemon-target.duckdb');
  const lite = new Sqlite(liteFile);
  lite.pragma('journal_mode = WAL');
  lite.pragma('busy_timeout = 10000');
  const src = await pgClient(withDb(admin, DBS[0]));
  const targets = await Promise.all(DBS.slice(1).map((db) => pgClient(withDb(admin, db))));
  const url = (db) => envUrl(withDb(admin, db), 'REDB_BENCH_PG_PW');
  const peaks = new Peaks();
  try {
    await src.query(`${ITEMS}; ${itemsSeed('postgres')}`);
    lite.exec(`${ITEMS}; ${itemsSeed('sqlite')}`);
    const pairs = [
      [url(DBS[0]), url(DBS[1])],
      [url(DBS[0]), url(DBS[2])],
      [`sqlite:${liteFile}`, url(DBS[3])],
      [`sqlite:${liteFile}`, `duckdb:${duckFile}`],
    ];
    for (const [i, [from, to]] of pairs.entries()) redb(project, ['replicate', from, to, '--name', JOBS[i], '--daemon']);
    await waitFor(async () => {
      const s = peaks.sample(project);
      return JOBS.every((name) => s.jobs.find((j) => j.name === name)?.report?.type === 'progress');
    }, 'the four daemon jobs to stream');

    // The load: transactions of 100 changes (50 updates, 50 inserts) on both sources, paced.
    const start = Date.now();
    let txs = 0;
    let next = 1_000_000;
    while (Date.now() - start < SECONDS * 1000) {
      const due = Math.floor((((Date.now() - start) / 1000) * RATE) / 100);
      for (; txs < due; txs++, next += 50) {
        await src.query(itemsTransaction('postgres', txs, next));
        lite.exec(itemsTransaction('sqlite', txs, next));
      }
      if (txs % 20 === 0) peaks.sample(project);
      await sleep(20);
    }
    const written = Date.now() - start;
    await src.query(`INSERT INTO items VALUES (-1, 0, 'sentinel')`);
    lite.exec(`INSERT INTO items VALUES (-1, 0, 'sentinel')`);
    const t = Date.now();
    await waitFor(async () => {
      peaks.sample(project);
      const seen = await Promise.all(targets.map(async (c) => (await c.query('SELECT 1 FROM items WHERE id = -1')).rowCount === 1));
      const drained = lite.prepare(`SELECT count(*) AS n FROM redb_changes_${JOBS[3]}`).get().n === 0;
      return seen.every(Boolean) && drained;
    }, 'the four targets to catch up');
    peaks.sample(project);
    const total = peaks.daemon + [...peaks.jobs.values()].reduce((x, y) => x + y, 0);
    const changes = txs * 100;
    console.log(
      `\n(e) peak resident memory (VmHWM) of the daemon with four jobs, ${changes.toLocaleString('en')} changes on each source in ${(written / 1000).toFixed(0)} s (${Math.round(changes / (written / 1000)).toLocaleString('en')} changes/s each), caught up ${((Date.now() - t) / 1000).toFixed(1)} s after`,
    );
    console.log(`  daemon process                      ${peaks.daemon.toFixed(0).padStart(5)} MiB`);
    const names = {
      [JOBS[0]]: 'PostgreSQL → PostgreSQL',
      [JOBS[1]]: 'PostgreSQL → PostgreSQL (2nd)',
      [JOBS[2]]: 'SQLite → PostgreSQL',
      [JOBS[3]]: 'SQLite → DuckDB',
    };
    for (const name of JOBS) console.log(`  job ${names[name].padEnd(31)} ${(peaks.jobs.get(name) ?? Number.NaN).toFixed(0).padStart(5)} MiB`);
    console.log(`  total                               ${total.toFixed(0).padStart(5)} MiB  (job restarts meanwhile: ${peaks.restarts})`);
  } finally {
    const quiet = (f) => {
      try {
        f();
      } catch {
        // Dropping the databases below removes what is left.
      }
    };
    quiet(() => redb(project, ['daemon', 'stop']));
    for (const job of JOBS) quiet(() => redb(project, ['replicate', 'drop', job]));
    for (const c of [src, ...targets]) await c.end().catch(() => undefined);
    lite.close();
    const a2 = await pgClient(admin);
    for (let i = 0; i < 40; i++) {
      const slots = (await a2.query(`SELECT slot_name, active FROM pg_replication_slots WHERE database = '${DBS[0]}'`)).rows;
      if (slots.length === 0) break;
      for (const s of slots.filter((x) => !x.active)) await a2.query(`SELECT pg_drop_replication_slot('${s.slot_name}')`).catch(() => undefined);
      await sleep(250);
    }
    for (const db of DBS) await a2.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await a2.end();
    for (const f of [liteFile, `${liteFile}-wal`, `${liteFile}-shm`, duckFile, `${duckFile}.wal`]) rmSync(f, { force: true });
  }
}
