// Small helpers shared by the benchmarks: run commands side by side, report medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Wall time of one run of a command, in milliseconds. */
export function timeOnce(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Run every case `runs` times, interleaved (case A, B, C, A, B, C, ...) so that load on a shared
 * machine falls on all of them alike; report the median of each.
 */
export function sideBySide(cases, runs) {
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, k) => times[k].push(timeOnce(c.cmd, c.args, c.options)));
  return cases.map((c, k) => ({ name: c.name, median: median(times[k]), min: Math.min(...times[k]) }));
}

export function printTable(title, rows, baseline) {
  console.log(`\n${title}`);
  const base = baseline === undefined ? undefined : rows.find((r) => r.name === baseline)?.median;
  for (const r of rows) {
    const ratio = base === undefined ? '' : `  ${(r.median / base).toFixed(2)}×`;
    console.log(`  ${r.name.padEnd(38)} median ${r.median.toFixed(1).padStart(8)} ms   min ${r.min.toFixed(1).padStart(8)} ms${ratio}`);
  }
}

/** The test PostgreSQL server's admin URL: REDB_TEST_PG_URL, or the project's own throwaway server. */
export function pgServerUrl() {
  if (process.env.REDB_TEST_PG_URL) return process.env.REDB_TEST_PG_URL;
  const out = execFileSync('bash', [join(root, 'scripts', 'test-servers.sh'), 'start'], { encoding: 'utf8' });
  const url = /REDB_TEST_PG_URL=(\S+)/.exec(out)?.[1];
  if (url === undefined) throw new Error('scripts/test-servers.sh did not print REDB_TEST_PG_URL');
  return url;
}

/** A PostgreSQL client program of the newest installed version (psql, pg_dump), else from PATH. */
export function pgBin(name) {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  return name;
}

/**
 * SQL for `n` tables of 10 columns, a primary key, two indexes and a foreign key to the previous
 * one each; a few hundred per transaction (one for all would run out of lock slots).
 */
export function generateTables(n) {
  const lines = ['SET client_min_messages = warning;', 'BEGIN;'];
  for (let i = 1; i <= n; i++) {
    const parent = i === 1 ? '' : `,\n  parent_id bigint REFERENCES t${i - 1} (id)`;
    lines.push(`CREATE TABLE t${i} (
  id bigint PRIMARY KEY,
  name varchar(120) NOT NULL,
  code char(8),
  amount numeric(12,2) DEFAULT 0,
  ratio double precision,
  active boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now(),
  body jsonb,
  tags text[]${parent}${i === 1 ? ',\n  parent_id bigint' : ''}
);
CREATE INDEX t${i}_name ON t${i} (name);
CREATE INDEX t${i}_created ON t${i} (created DESC);`);
    if (i % 250 === 0) lines.push('COMMIT;', 'BEGIN;');
  }
  lines.push('COMMIT;');
  return lines.join('\n');
}
