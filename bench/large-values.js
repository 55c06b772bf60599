// `redb clone` of large values and of huge batches, into each target engine: two REDB_BENCH_LARGE_MB
// (default 50) MB bytea values (REDB_BENCH_LARGE_COUNT of them, default 2) from PostgreSQL, and REDB_BENCH_LARGE_ROWS rows (default 1 million) with
// --batch-rows 1000000 (and, to compare, the default). For each: wall time, peak memory (maximum resident set, from /usr/bin/time -v)
// and the outcome (ok, or the error code). REDB_BENCH_CLI runs another build of redb's CLI, to compare
// a change with the tree before it. REDB_BENCH_LARGE_TARGETS picks targets (sqlite,duckdb,mysql,postgres).
// Needs the test servers (scripts/test-servers.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.REDB_BENCH_CLI ?? join(root, 'dist', 'cli.js');
const MB = Number(process.env.REDB_BENCH_LARGE_MB ?? 50);
const COUNT = Number(process.env.REDB_BENCH_LARGE_COUNT ?? 2);
// A run past this is stopped (the figure is then its time so far): a stalled clone holds a server backend.
const TIMEOUT_S = Number(process.env.REDB_BENCH_TIMEOUT ?? 900);
const ROWS = Number(process.env.REDB_BENCH_LARGE_ROWS ?? 1_000_000);
const TARGETS = (process.env.REDB_BENCH_LARGE_TARGETS ?? 'sqlite,duckdb,mysql,postgres').split(',');

function servers() {
  if (process.env.REDB_TEST_PG_URL && process.env.REDB_TEST_MYSQL_URL) return { pg: process.env.REDB_TEST_PG_URL, mysql: process.env.REDB_TEST_MYSQL_URL };
  const out = execFileSync('bash', [join(root, 'scripts', 'test-servers.sh'), 'env'], { encoding: 'utf8' });
  const pick = (name) => /=(\S+)/.exec(out.split('\n').find((l) => l.includes(name)) ?? '')?.[1]?.replace(/^["']|["']$/g, '');
  return { pg: pick('REDB_TEST_PG_URL'), mysql: pick('REDB_TEST_MYSQL_URL') };
}

function pgBin(name) {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  return name;
}

const withDb = (url, db) => url.replace(/\/[^/]*$/, `/${db}`);
/** The URL as redb takes it: the password as ${REDB_BENCH_PW}, set in the environment. */
const envUrl = (url) => {
  const { password } = new URL(url);
  process.env.REDB_BENCH_PW = decodeURIComponent(password);
  return password === '' ? url : url.replace(`:${password}@`, ':${REDB_BENCH_PW}@');
};
const psql = (url, sql) => execFileSync(pgBin('psql'), [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();
const mysql = (url, sql) => {
  const u = new URL(url);
  execFileSync('mysql', ['-h', u.hostname, '-P', u.port, '-u', decodeURIComponent(u.username), `-p${decodeURIComponent(u.password)}`, '-e', sql]);
};

/** Wall time, peak resident memory and outcome of one clone (it may fail: the outcome is the figure). */
function measure(args, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', 'timeout', '-k', '10', String(TIMEOUT_S), process.execPath, cli, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 28,
  });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const outcome =
    r.status === 124 || r.status === 137
      ? `stopped after ${TIMEOUT_S} s`
      : r.status === 0
        ? 'ok'
        : (/error\[([A-Z_]+)\]/.exec(r.stderr)?.[1] ?? `exit ${r.status}: ${r.stderr.split('\n').find((l) => l.trim() !== '') ?? ''}`);
  return { s, mb: kb / 1024, outcome };
}

const line = (name, m) => console.log(`  ${name.padEnd(28)} ${m.s.toFixed(1).padStart(7)} s  peak ${m.mb.toFixed(0).padStart(5)} MB  ${m.outcome}`);

export function run() {
  const { pg, mysql: my } = servers();
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-large-'));
  const src = withDb(pg, 'redb_bench_large_src');
  const pgDst = withDb(pg, 'redb_bench_large_dst');
  const myDst = withDb(my, 'redb_bench_large_dst');
  const recreatePg = (db) => {
    psql(pg, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    psql(pg, `CREATE DATABASE ${db}`);
  };
  const targets = {
    sqlite: { url: `sqlite:${join(dir, 't.db')}`, reset: () => rmSync(join(dir, 't.db'), { force: true }) },
    duckdb: { url: `duckdb:${join(dir, 't.duckdb')}`, reset: () => ['t.duckdb', 't.duckdb.wal'].forEach((f) => rmSync(join(dir, f), { force: true })) },
    mysql: { url: envUrl(myDst), reset: () => mysql(my, 'DROP DATABASE IF EXISTS redb_bench_large_dst; CREATE DATABASE redb_bench_large_dst') },
    postgres: { url: envUrl(pgDst), reset: () => recreatePg('redb_bench_large_dst') },
  };
  try {
    console.log(`machine: ${machine()}; redb at ${cli}`);
    recreatePg('redb_bench_large_src');
    const t = Date.now();
    // Random bytes (md5 of random numbers) do not compress, so TOAST keeps every byte.
    psql(
      src,
      `CREATE TABLE blobs (id integer PRIMARY KEY, b bytea); ALTER TABLE blobs ALTER b SET STORAGE EXTERNAL;
      INSERT INTO blobs SELECT i, (SELECT decode(string_agg(md5(random()::text || g), ''), 'hex') FROM generate_series(1, ${MB} * 65536) g) FROM generate_series(1, ${COUNT}) i`,
    );
    psql(
      src,
      `CREATE TABLE events (id bigint PRIMARY KEY, account integer NOT NULL, kind varchar(16) NOT NULL, amount numeric(12,2), at timestamp NOT NULL, note text);
      INSERT INTO events SELECT i, i % 10007, (ARRAY['view','click','buy','refund'])[1 + i % 4], (i % 100000) / 100.0, timestamp '2024-01-01' + i * interval '1 second', 'note ' || i FROM generate_series(1, ${ROWS}) i`,
    );
    psql(src, 'VACUUM ANALYZE events');
    console.log(`PostgreSQL source loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);

    console.log(`\nPostgreSQL → each target: ${COUNT} × ${MB} MB bytea`);
    for (const name of TARGETS) {
      targets[name].reset();
      line(name, measure(['clone', envUrl(src), targets[name].url, '--tables', 'blobs', '--yes', '--allow', 'lossy', '--json'], dir));
    }
    for (const batch of ['1000000', undefined]) {
      console.log(`\nPostgreSQL → each target: ${ROWS} rows, ${batch === undefined ? 'default --batch-rows' : `--batch-rows ${batch}`}`);
      for (const name of TARGETS) {
        targets[name].reset();
        line(
          name,
          measure(
            [
              'clone',
              envUrl(src),
              targets[name].url,
              '--tables',
              'events',
              ...(batch === undefined ? [] : ['--batch-rows', batch]),
              '--yes',
              '--allow',
              'lossy',
              '--json',
            ],
            dir,
          ),
        );
      }
    }
  } finally {
    spawnSync(pgBin('psql'), [pg, '-qc', 'DROP DATABASE IF EXISTS redb_bench_large_src WITH (FORCE)']);
    spawnSync(pgBin('psql'), [pg, '-qc', 'DROP DATABASE IF EXISTS redb_bench_large_dst WITH (FORCE)']);
    try {
      mysql(my, 'DROP DATABASE IF EXISTS redb_bench_large_dst');
    } catch {
      // Best effort: the next run drops it first anyway.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
