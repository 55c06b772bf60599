// Change capture: how fast each source's log is read into change events once the changes are in
// it (a backlog), and the process's peak memory while it is. PostgreSQL: a million rows in one
// transaction (streamed by the server, spilled to disk and read back at its commit) and 100,000
// rows in 20,000 transactions; MariaDB: the same; SQLite: 100,000 changes. The consumer only counts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './lib.js';

const ROWS = Number(process.env.REDB_BENCH_ROWS ?? 1_000_000);

async function drain(capture, from, rows) {
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let seen = 0;
  let start;
  try {
    for await (const e of capture.stream(from)) {
      start ??= process.hrtime.bigint();
      if (e.kind === 'insert') seen++;
      if (e.kind === 'commit') {
        await capture.acknowledge(e.position);
        if (seen >= rows) break;
      }
    }
  } finally {
    clearInterval(sample);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { rows: seen, ms, rate: Math.round((seen / ms) * 1000), peakMiB: Math.round(peak / 2 ** 20) };
}

const line = (name, r) =>
  console.log(
    `  ${name.padEnd(44)} ${String(r.rows).padStart(9)} rows  ${r.ms.toFixed(0).padStart(7)} ms  ${String(r.rate).padStart(7)} rows/s  peak RSS ${r.peakMiB} MiB`,
  );

async function postgres(plane) {
  const { default: pg } = await import('pg');
  const admin = process.env.REDB_TEST_PG_URL;
  if (!admin) return console.log('  (PostgreSQL skipped: REDB_TEST_PG_URL is not set)');
  const name = `redb_bench_changes_${randomBytes(3).toString('hex')}`;
  const a = new pg.Client({ connectionString: admin });
  await a.connect();
  await a.query(`CREATE DATABASE ${name}`);
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const capture = await plane.open({ name: 'bench', url, cwd: process.cwd() }, name.slice(5));
  try {
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v text, n numeric, at timestamptz)');
    let handoff = await capture.prepare([{ name: 't' }]);
    await handoff.close();
    await c.query(`INSERT INTO t SELECT g, 'row ' || g, g * 1.5, now() FROM generate_series(1, ${ROWS}) g`);
    line(`PostgreSQL, one transaction of ${ROWS} rows`, await drain(capture, handoff.start, ROWS));
    await c.query('TRUNCATE t');
    handoff = await capture.prepare([{ name: 't' }]);
    await handoff.close();
    await c.query(
      `DO $$ BEGIN FOR i IN 0..19999 LOOP INSERT INTO t SELECT g, 'row ' || g, g * 1.5, now() FROM generate_series(i * 5 + 1, i * 5 + 5) g; COMMIT; END LOOP; END $$`,
    );
    line('PostgreSQL, 20,000 transactions of 5 rows', await drain(capture, handoff.start, 100_000));
  } finally {
    await capture.drop().catch(() => undefined);
    await capture.close();
    await c.end();
    await a.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await a.end();
  }
}

async function mariadb(plane) {
  const { default: mysql } = await import('mysql2/promise');
  const admin = process.env.REDB_TEST_MYSQL_URL;
  if (!admin) return console.log('  (MariaDB skipped: REDB_TEST_MYSQL_URL is not set)');
  const u = new URL(admin);
  const name = `redb_bench_changes_${randomBytes(3).toString('hex')}`;
  const c = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    multipleStatements: true,
  });
  await c.query(`CREATE DATABASE ${name}`);
  await c.query(`USE ${name}`);
  u.pathname = `/${name}`;
  const capture = await plane.open({ name: 'bench', url: u.toString(), cwd: process.cwd() }, 'bench');
  try {
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v varchar(40), n decimal(20,2), at datetime(6))');
    let handoff = await capture.prepare([{ name: 't' }]);
    await handoff.close();
    await c.query(`INSERT INTO t SELECT seq, CONCAT('row ', seq), seq * 1.5, NOW(6) FROM seq_1_to_${ROWS}`);
    line(`MariaDB, one transaction of ${ROWS} rows`, await drain(capture, handoff.start, ROWS));
    await c.query('TRUNCATE t');
    handoff = await capture.prepare([{ name: 't' }]);
    await handoff.close();
    for (let i = 0; i < 20_000; i += 500) {
      const batch = [];
      for (let k = i; k < i + 500; k++) batch.push(`INSERT INTO t SELECT seq, CONCAT('row ', seq), seq * 1.5, NOW(6) FROM seq_${k * 5 + 1}_to_${k * 5 + 5}`);
      await c.query(batch.join(';'));
    }
    line('MariaDB, 20,000 transactions of 5 rows', await drain(capture, handoff.start, 100_000));
  } finally {
    await capture.close();
    await c.query(`DROP DATABASE ${name}`);
    await c.end();
  }
}

async function sqlite(plane) {
  const { default: Sqlite } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-changes-'));
  const file = join(dir, 'bench.db');
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n REAL, at TEXT)');
  const capture = await plane.open({ name: 'bench', url: `sqlite:${file}`, cwd: process.cwd() }, 'bench');
  try {
    const handoff = await capture.prepare([{ name: 't' }]);
    await handoff.close();
    const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?, datetime('now'))");
    db.transaction(() => {
      for (let i = 1; i <= 100_000; i++) insert.run(i, `row ${i}`, i * 1.5);
    })();
    line('SQLite, 100,000 changes', await drain(capture, handoff.start, 100_000));
  } finally {
    await capture.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const { loadChanges } = await import('../dist/adapters/changes.js');
  console.log(`\nchange capture (${machine()})`);
  await postgres(await loadChanges('postgres'));
  await mariadb(await loadChanges('mysql'));
  await sqlite(await loadChanges('sqlite'));
}
