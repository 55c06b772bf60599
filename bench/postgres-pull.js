// A 10,000-table PostgreSQL schema (10 columns, a primary key, two indexes and a foreign key each):
// `redb pull` next to `pg_dump --schema-only` on the same database in one run, and `redb diff` of
// two such models. Targets: pull no slower than pg_dump; the diff under 1 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTables as generate, machine, median, pgBin, pgServerUrl as serverUrl, printTable, timeOnce } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const TABLES = Number(process.env.REDB_BENCH_TABLES ?? 10_000);
const RUNS = Number(process.env.REDB_BENCH_RUNS ?? 3);

export function run() {
  const admin = serverUrl();
  const dbUrl = admin.replace(/\/[^/]*$/, '/redb_bench_10k');
  const psql = pgBin('psql');
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-pg-'));
  try {
    console.log(`machine: ${machine()}; PostgreSQL ${execFileSync(psql, [admin, '-tAc', 'show server_version'], { encoding: 'utf8' }).trim()}`);
    execFileSync(psql, [admin, '-qc', 'DROP DATABASE IF EXISTS redb_bench_10k WITH (FORCE)']);
    execFileSync(psql, [admin, '-qc', 'CREATE DATABASE redb_bench_10k']);
    writeFileSync(join(dir, 'schema.sql'), generate(TABLES));
    const loadMs = timeOnce(psql, [dbUrl, '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'schema.sql')]);
    console.log(`generated ${TABLES} tables (10 columns, primary key, 2 indexes, foreign key each) in ${(loadMs / 1000).toFixed(1)} s`);
    execFileSync(psql, [dbUrl, '-qc', 'ANALYZE']);

    const repo = join(dir, 'repo');
    execFileSync(process.execPath, [cli, 'init', repo], { stdio: 'ignore' });
    // The password stays out of .redb: the binding references the environment.
    const { password } = new URL(dbUrl);
    process.env.REDB_BENCH_PGPASSWORD = decodeURIComponent(password);
    const binding = password === '' ? dbUrl : dbUrl.replace(`:${password}@`, ':${REDB_BENCH_PGPASSWORD}@');
    execFileSync(process.execPath, [cli, 'db', 'add', 'big', binding], { cwd: repo, stdio: 'ignore' });
    const pgDump = pgBin('pg_dump');
    const pulls = [];
    const dumps = [];
    for (let i = 0; i < RUNS; i++) {
      dumps.push(timeOnce(pgDump, ['--schema-only', '-f', join(dir, 'dump.sql'), dbUrl]));
      pulls.push(
        timeOnce(process.execPath, [cli, 'pull', 'big', '--discard-changes', '--json'], { cwd: repo, maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] }),
      );
    }
    printTable(
      `pull of ${TABLES} tables, ${RUNS} interleaved runs`,
      [
        { name: 'pg_dump --schema-only', median: median(dumps), min: Math.min(...dumps) },
        { name: 'redb pull (introspect + write files)', median: median(pulls), min: Math.min(...pulls) },
      ],
      'pg_dump --schema-only',
    );

    // Two models that differ in 1% of the tables: commit one, change 100 files, commit the other.
    execFileSync(process.execPath, [cli, 'commit', '-m', 'base'], { cwd: repo, stdio: 'ignore' });
    const tablesDir = join(repo, 'schema', 'tables');
    const files = readdirSync(tablesDir)
      .sort()
      .slice(0, Math.max(1, Math.floor(TABLES / 100)));
    for (const f of files) {
      const path = join(tablesDir, f);
      writeFileSync(path, readFileSync(path, 'utf8').replace('character varying(120)', 'character varying(200)').replace('length: 120', 'length: 200'));
    }
    execFileSync(process.execPath, [cli, 'commit', '-m', 'wider names'], { cwd: repo, stdio: 'ignore' });
    const diffs = [];
    for (let i = 0; i < RUNS; i++) diffs.push(timeOnce(process.execPath, [cli, 'diff', 'HEAD~1', 'HEAD', '--json'], { cwd: repo, maxBuffer: 1 << 30 }));
    const engine = spawnSync(process.execPath, ['--input-type=module', '-e', diffEngineScript(repo)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (engine.status !== 0) throw new Error(engine.stderr);
    const inProcess = JSON.parse(engine.stdout);
    printTable(`diff of two ${TABLES}-table models differing in ${files.length} tables`, [
      { name: 'diff engine, two full models in memory', median: inProcess.median, min: inProcess.min },
      { name: 'redb diff HEAD~1 HEAD (CLI, end to end)', median: median(diffs), min: Math.min(...diffs) },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    spawnSync(psql, [admin, '-qc', 'DROP DATABASE IF EXISTS redb_bench_10k WITH (FORCE)']);
  }
}

/** Time diffSchemas alone on the two commits' full models, loaded once. */
function diffEngineScript(repo) {
  return `
    import { openStore, readSchemaAt, resolveCommit } from ${JSON.stringify(join(root, 'dist/repo/index.js'))};
    import { diffSchemas } from ${JSON.stringify(join(root, 'dist/unified/index.js'))};
    import * as fs from 'node:fs';
    const store = openStore(fs, ${JSON.stringify(repo)});
    const a = await readSchemaAt(store, await resolveCommit(store, 'HEAD~1'));
    const b = await readSchemaAt(store, await resolveCommit(store, 'HEAD'));
    const times = [];
    let ops = 0;
    for (let i = 0; i < 5; i++) { const t = performance.now(); ops = diffSchemas(a, b).length; times.push(performance.now() - t); }
    times.sort((x, y) => x - y);
    if (ops === 0) throw new Error('the two models did not differ');
    console.log(JSON.stringify({ median: times[2], min: times[0], ops }));
  `;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) run();
