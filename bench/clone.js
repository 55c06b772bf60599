// `redb clone` moving one large table (REDB_BENCH_ROWS rows, default 5 million) between engines, next to
// the usual tools: PostgreSQL → PostgreSQL against `pg_dump | psql` and pgcopydb, MariaDB → PostgreSQL
// against pgloader, and SQLite → DuckDB and PostgreSQL → DuckDB on their own (rows/s). Every command's
// wall time and peak memory (maximum resident set, from /usr/bin/time -v) are reported; the target is
// under 300 MB for redb whatever the row count. Needs the test servers (scripts/test-servers.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const ROWS = Number(process.env.REDB_BENCH_ROWS ?? 5_000_000);
const RUNS = Number(process.env.REDB_BENCH_RUNS ?? 1);
const MEMORY_LIMIT_MB = 300;
// Which comparisons to run (all by default): pg-pg, mysql-pg, sqlite-duckdb, pg-duckdb.
const CASES = new Set((process.env.REDB_BENCH_CLONE_CASES ?? 'pg-pg,mysql-pg,sqlite-duckdb,pg-duckdb').split(','));

function servers() {
  if (process.env.REDB_TEST_PG_URL && process.env.REDB_TEST_MYSQL_URL) return { pg: process.env.REDB_TEST_PG_URL, mysql: process.env.REDB_TEST_MYSQL_URL };
  const out = execFileSync('bash', [join(root, 'scripts', 'test-servers.sh'), 'start'], { encoding: 'utf8' });
  const pick = (name) => /=(\S+)/.exec(out.split('\n').find((l) => l.includes(name)) ?? '')?.[1];
  return { pg: pick('REDB_TEST_PG_URL'), mysql: pick('REDB_TEST_MYSQL_URL') };
}

/** The peers this benchmark compares with, from Debian's packages (as root), as the test servers are. */
function ensurePeers() {
  const missing = ['pgloader', 'pgcopydb', 'time'].filter(
    (tool) => spawnSync('bash', ['-c', `command -v ${tool === 'time' ? '/usr/bin/time' : tool}`]).status !== 0,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`the clone benchmark needs ${missing.join(', ')}: apt-get install ${missing.join(' ')}`);
  console.log(`installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

function pgBin(name) {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  return name;
}

const withDb = (url, db) => url.replace(/\/[^/]*$/, `/${db}`);
/** The URL as a redb binding takes it: the password as ${REDB_BENCH_PW}, set in the environment. */
const envUrl = (url) => {
  const { password } = new URL(url);
  process.env.REDB_BENCH_PW = decodeURIComponent(password);
  return password === '' ? url : url.replace(`:${password}@`, ':${REDB_BENCH_PW}@');
};

/** Wall time and peak resident memory of one command (GNU time's maximum resident set size). */
function measure(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, mb: kb / 1024 };
}

const psql = (url, sql) => execFileSync(pgBin('psql'), [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();
const mysql = (url, sql, db) => {
  const u = new URL(url);
  execFileSync('mysql', [
    '-h',
    u.hostname,
    '-P',
    u.port,
    '-u',
    decodeURIComponent(u.username),
    `-p${decodeURIComponent(u.password)}`,
    ...(db ? [db] : []),
    '-e',
    sql,
  ]);
};

const EVENTS_PG = `CREATE TABLE events (id bigint PRIMARY KEY, account integer NOT NULL, kind varchar(16) NOT NULL, amount numeric(12,2), at timestamp NOT NULL, note text);
INSERT INTO events SELECT i, i % 10007, (ARRAY['view','click','buy','refund'])[1 + i % 4], (i % 100000) / 100.0, timestamp '2024-01-01' + i * interval '1 second', 'note ' || i FROM generate_series(1, ${ROWS}) i;
CREATE INDEX events_account ON events (account);`;
const EVENTS_MYSQL = `CREATE TABLE events (id bigint PRIMARY KEY, account int NOT NULL, kind varchar(16) NOT NULL, amount decimal(12,2), at datetime NOT NULL, note text, KEY events_account (account));
INSERT INTO events SELECT seq, seq % 10007, ELT(1 + seq % 4, 'view','click','buy','refund'), (seq % 100000) / 100.0, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND, CONCAT('note ', seq) FROM seq_1_to_${ROWS};`;
const EVENTS_SQLITE = `CREATE TABLE events (id INTEGER PRIMARY KEY, account INTEGER NOT NULL, kind VARCHAR(16) NOT NULL, amount NUMERIC(12,2), at DATETIME NOT NULL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
INSERT INTO events SELECT i, i % 10007, CASE i % 4 WHEN 0 THEN 'view' WHEN 1 THEN 'click' WHEN 2 THEN 'buy' ELSE 'refund' END, (i % 100000) / 100.0, datetime('2024-01-01', '+' || i || ' seconds'), 'note ' || i FROM n;
CREATE INDEX events_account ON events (account);`;

function report(title, rows) {
  console.log(`\n${title}`);
  for (const r of rows) {
    const rate = Math.round(ROWS / (r.ms / 1000));
    const flag = r.redb && r.mb > MEMORY_LIMIT_MB ? `  OVER ${MEMORY_LIMIT_MB} MB` : '';
    console.log(
      `  ${r.name.padEnd(34)} median ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${String(rate).padStart(9)} rows/s  peak ${r.mb.toFixed(0).padStart(5)} MB${flag}`,
    );
  }
}

/** Run each case RUNS times, interleaved, resetting its target first; the median time and the largest peak. */
function compare(cases) {
  const seen = cases.map(() => ({ ms: [], mb: [] }));
  for (let i = 0; i < RUNS; i++) {
    cases.forEach((c, k) => {
      c.reset();
      const m = measure(c.cmd, c.args, c.options);
      seen[k].ms.push(m.ms);
      seen[k].mb.push(m.mb);
    });
  }
  return cases.map((c, k) => ({ name: c.name, redb: c.redb === true, ms: median(seen[k].ms), mb: Math.max(...seen[k].mb) }));
}

export function run() {
  ensurePeers();
  const { pg, mysql: my } = servers();
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-clone-'));
  const src = withDb(pg, 'redb_bench_clone_src');
  const dst = withDb(pg, 'redb_bench_clone_dst');
  const myDb = 'redb_bench_clone';
  const recreatePg = (db) => {
    psql(pg, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    psql(pg, `CREATE DATABASE ${db}`);
  };
  const redbClone = (from, to, ...extra) => ({
    cmd: process.execPath,
    args: [cli, 'clone', envUrl(from), to.includes('://') ? envUrl(to) : to, '--yes', '--allow', 'lossy', '--json', ...extra],
    options: { cwd: dir },
    redb: true,
  });
  try {
    console.log(`machine: ${machine()}; ${ROWS} rows (REDB_BENCH_ROWS), ${RUNS} run(s) each (REDB_BENCH_RUNS)`);
    recreatePg('redb_bench_clone_src');
    let t = Date.now();
    psql(src, EVENTS_PG);
    psql(src, 'VACUUM ANALYZE events');
    console.log(`PostgreSQL source loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);

    if (CASES.has('pg-pg')) {
      report(
        `PostgreSQL → PostgreSQL, ${ROWS} rows`,
        compare([
          { name: 'redb clone', ...redbClone(src, dst), reset: () => recreatePg('redb_bench_clone_dst') },
          { name: 'redb clone --no-verify', ...redbClone(src, dst, '--no-verify'), reset: () => recreatePg('redb_bench_clone_dst') },
          {
            name: 'pg_dump | psql',
            cmd: 'bash',
            args: ['-c', `set -o pipefail; ${pgBin('pg_dump')} --no-owner '${src}' | ${pgBin('psql')} -q -v ON_ERROR_STOP=1 '${dst}' >/dev/null`],
            reset: () => recreatePg('redb_bench_clone_dst'),
          },
          {
            name: 'pgcopydb clone',
            cmd: 'pgcopydb',
            args: [
              'clone',
              '--source',
              src,
              '--target',
              dst,
              '--dir',
              join(dir, 'pgcopydb'),
              '--no-owner',
              '--no-acl',
              '--table-jobs',
              '4',
              '--index-jobs',
              '4',
            ],
            reset: () => {
              recreatePg('redb_bench_clone_dst');
              rmSync(join(dir, 'pgcopydb'), { recursive: true, force: true });
            },
          },
        ]),
      );
    }

    if (CASES.has('mysql-pg')) {
      mysql(my, `DROP DATABASE IF EXISTS ${myDb}; CREATE DATABASE ${myDb}`);
      t = Date.now();
      mysql(my, EVENTS_MYSQL, myDb);
      console.log(`\nMariaDB source loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      const mySrc = withDb(my, myDb);
      report(
        `MariaDB → PostgreSQL, ${ROWS} rows`,
        compare([
          { name: 'redb clone', ...redbClone(mySrc, dst), reset: () => recreatePg('redb_bench_clone_dst') },
          { name: 'pgloader', cmd: 'pgloader', args: ['--quiet', mySrc, dst], reset: () => recreatePg('redb_bench_clone_dst') },
        ]),
      );
    }

    const sqliteFile = join(dir, 'events.sqlite');
    t = Date.now();
    execFileSync('node', [
      '-e',
      `const D = require(${JSON.stringify(join(root, 'node_modules', 'better-sqlite3'))}); const db = new D(${JSON.stringify(sqliteFile)}); db.exec(${JSON.stringify(EVENTS_SQLITE)}); db.close();`,
    ]);
    console.log(`\nSQLite source written in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const duck = join(dir, 'events.duckdb');
    const fresh = () => rmSync(duck, { force: true });
    if (CASES.has('sqlite-duckdb'))
      report(`SQLite → DuckDB, ${ROWS} rows`, compare([{ name: 'redb clone', ...redbClone(`sqlite:${sqliteFile}`, `duckdb:${duck}`), reset: fresh }]));
    if (CASES.has('pg-duckdb'))
      report(`PostgreSQL → DuckDB, ${ROWS} rows`, compare([{ name: 'redb clone', ...redbClone(src, `duckdb:${duck}`), reset: fresh }]));
  } finally {
    spawnSync(pgBin('psql'), [pg, '-qc', 'DROP DATABASE IF EXISTS redb_bench_clone_src WITH (FORCE)']);
    spawnSync(pgBin('psql'), [pg, '-qc', 'DROP DATABASE IF EXISTS redb_bench_clone_dst WITH (FORCE)']);
    try {
      mysql(my, `DROP DATABASE IF EXISTS ${myDb}`);
    } catch {
      // Best effort: the next run drops it first anyway.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
