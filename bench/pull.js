// The everyday pull next to `pg_dump --schema-only`, in one run, at 100, 2,000 and 10,000 tables
// (10 columns, a primary key, two indexes and a foreign key each; one scratch database per size,
// generated once per run and dropped at the end):
// - first pull: a fresh project, empty working tree, every file written;
// - repeated pull: over the working tree the first pull left, committed, with nothing changed in
//   the database: the pull people repeat to see what changed;
// - repeated pull, not committed: the same before any commit (the tree differs from HEAD, and is
//   exactly what the last pull wrote).
// Runs are interleaved so that load on a shared machine falls on every case alike; medians.
// Target: the repeated pull level with pg_dump -s at 2,000 and 10,000 tables.
// REDB_BENCH_SIZES=100,2000,10000 and REDB_BENCH_RUNS=5 change the sizes and the runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTables, machine, median, pgBin, pgServerUrl, timeOnce } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const SIZES = (process.env.REDB_BENCH_SIZES ?? '100,2000,10000').split(',').map(Number);
const RUNS = Number(process.env.REDB_BENCH_RUNS ?? 5);
const quiet = { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function redb(cwd, args) {
  execFileSync(process.execPath, [cli, ...args], { cwd, ...quiet });
}

/** A new project bound to `url` (its password referenced from the environment, never stored). */
function project(dir, name, url) {
  const repo = join(dir, name);
  redb(dir, ['init', repo]);
  const { password } = new URL(url);
  process.env.REDB_BENCH_PGPASSWORD = decodeURIComponent(password);
  redb(repo, ['db', 'add', 'big', password === '' ? url : url.replace(`:${password}@`, ':${REDB_BENCH_PGPASSWORD}@')]);
  return repo;
}

const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

export function run() {
  const admin = pgServerUrl();
  const psql = pgBin('psql');
  const pgDump = pgBin('pg_dump');
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-pull-'));
  const tag = `${process.pid}`;
  const dbs = SIZES.map((n) => ({ n, name: `redb_bench_pull_${n}_${tag}` }));
  try {
    const version = execFileSync(psql, [admin, '-tAc', 'show server_version'], { encoding: 'utf8' }).trim();
    console.log(`machine: ${machine()}; PostgreSQL ${version}; ${pgDump}; ${RUNS} interleaved runs; load average at start ${load()}`);
    for (const db of dbs) {
      execFileSync(psql, [admin, '-qc', `CREATE DATABASE ${db.name}`]);
      db.url = admin.replace(/\/[^/]*$/, `/${db.name}`);
      writeFileSync(join(dir, 'schema.sql'), generateTables(db.n));
      const ms = timeOnce(psql, [db.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'schema.sql')]);
      execFileSync(psql, [db.url, '-qc', 'ANALYZE']);
      console.log(`generated ${db.n} tables in ${(ms / 1000).toFixed(1)} s`);
    }
    const rows = [];
    for (const db of dbs) {
      // The trees the repeated pulls run over: one committed, one not.
      const committed = project(dir, `committed-${db.n}`, db.url);
      redb(committed, ['pull', 'big']);
      redb(committed, ['commit', '-m', 'pulled']);
      const uncommitted = project(dir, `uncommitted-${db.n}`, db.url);
      redb(uncommitted, ['pull', 'big']);
      const t = { dump: [], first: [], again: [], againUncommitted: [] };
      for (let i = 0; i < RUNS; i++) {
        t.dump.push(timeOnce(pgDump, ['--schema-only', '-f', join(dir, 'dump.sql'), db.url]));
        const fresh = project(dir, `first-${db.n}-${i}`, db.url);
        t.first.push(timeOnce(process.execPath, [cli, 'pull', 'big'], { cwd: fresh, ...quiet }));
        rmSync(fresh, { recursive: true, force: true });
        t.again.push(timeOnce(process.execPath, [cli, 'pull', 'big'], { cwd: committed, ...quiet }));
        t.againUncommitted.push(timeOnce(process.execPath, [cli, 'pull', 'big'], { cwd: uncommitted, ...quiet }));
      }
      rows.push({ n: db.n, dump: stats(t.dump), first: stats(t.first), again: stats(t.again), againUncommitted: stats(t.againUncommitted) });
    }
    console.log(`\nmedians (min–max) of ${RUNS} interleaved runs; ratio = median / pg_dump's median; load average at end ${load()}`);
    console.log(
      `  ${'tables'.padStart(6)}  ${'pg_dump -s'.padEnd(22)}  ${'first pull'.padEnd(30)}  ${'repeated pull'.padEnd(30)}  repeated pull, not committed`,
    );
    for (const r of rows) {
      const cell = (s, ratio = true) =>
        `${seconds(s.median)} (${seconds(s.min)}–${seconds(s.max)})${ratio ? ` ${(s.median / r.dump.median).toFixed(2)}×` : ''}`;
      console.log(
        `  ${String(r.n).padStart(6)}  ${cell(r.dump, false).padEnd(22)}  ${cell(r.first).padEnd(30)}  ${cell(r.again).padEnd(30)}  ${cell(r.againUncommitted)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const db of dbs) spawnSync(psql, [admin, '-qc', `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) run();
