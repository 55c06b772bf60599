// Part (c) of the replication benchmark: changes/s of `redb replicate` catching up a fixed backlog
// between engines (PostgreSQL → MariaDB, MariaDB → PostgreSQL, SQLite → DuckDB), timed from the
// replicator's start until the backlog's last transaction is on the target (for DuckDB, whose file the
// job holds: until the SQLite change table is empty, rows being deleted only once the target committed).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './lib.js';
import { cli, envUrl, ITEMS, itemsSeed, itemsTransaction, Job, mysqlClient, pgClient, waitFor, withDb } from './replicate-lib.js';

const CHANGES = Math.ceil(Number(process.env.REDB_BENCH_PAIR_CHANGES ?? 100_000) / 100) * 100;
const PG_DB = 'redb_bench_rep_pair';
const MY_DB = 'redb_bench_rep_pair';

function mysqlAdmin() {
  if (process.env.REDB_TEST_MYSQL_URL) return process.env.REDB_TEST_MYSQL_URL;
  const out = execFileSync('bash', [join(import.meta.dirname, '..', 'scripts', 'test-servers.sh'), 'env'], { encoding: 'utf8' });
  const url = /REDB_TEST_MYSQL_URL=['"]?([^'"\s]+)/.exec(out)?.[1];
  if (url === undefined) throw new Error('no MariaDB test server (REDB_TEST_MYSQL_URL)');
  return url;
}

/** The backlog's transactions in batches, as one script per batch. */
async function script(engine, first, run) {
  const txs = CHANGES / 100;
  for (let i = 0; i < txs; i += 200) {
    const batch = [];
    for (let k = i; k < Math.min(txs, i + 200); k++) batch.push(itemsTransaction(engine, k, first + k * 50));
    await run(batch.join('\n'));
  }
}

async function pgSide(admin) {
  const a = await pgClient(admin);
  await a.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
  await a.query(`CREATE DATABASE ${PG_DB}`);
  await a.end();
  const url = withDb(admin, PG_DB);
  const c = await pgClient(url);
  return {
    url: envUrl(url, 'REDB_BENCH_PG_PW'),
    seed: () => c.query(`${ITEMS}; ${itemsSeed('postgres')}`),
    exec: (sql) => c.query(sql),
    seen: async (id) => (await c.query(`SELECT 1 FROM items WHERE id = ${id}`)).rowCount === 1,
    backlog: (first) => script('postgres', first, (sql) => c.query(sql)),
    async drop() {
      await c.end();
      const a = await pgClient(admin);
      for (let i = 0; i < 40; i++) {
        const slots = (await a.query(`SELECT slot_name, active FROM pg_replication_slots WHERE database = '${PG_DB}'`)).rows;
        if (slots.length === 0) break;
        for (const s of slots.filter((x) => !x.active)) await a.query(`SELECT pg_drop_replication_slot('${s.slot_name}')`).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 250));
      }
      await a.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function mysqlSide(admin) {
  const a = await mysqlClient(admin);
  await a.query(`DROP DATABASE IF EXISTS ${MY_DB}; CREATE DATABASE ${MY_DB}`);
  await a.end();
  const u = new URL(admin);
  u.pathname = `/${MY_DB}`;
  const c = await mysqlClient(u.toString());
  return {
    url: envUrl(u.toString(), 'REDB_BENCH_MY_PW'),
    seed: () => c.query(`${ITEMS}; ${itemsSeed('mysql')}`),
    exec: (sql) => c.query(sql),
    seen: async (id) => (await c.query(`SELECT 1 FROM items WHERE id = ${id}`))[0].length === 1,
    backlog: (first) => script('mysql', first, (sql) => c.query(sql)),
    async drop() {
      await c.query(`DROP DATABASE IF EXISTS ${MY_DB}`);
      await c.end();
    },
  };
}

async function sqliteSide(project) {
  const { default: Sqlite } = await import('better-sqlite3');
  const file = join(project, 'bench.sqlite');
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  return {
    url: `sqlite:${file}`,
    seed: async () => db.exec(`${ITEMS}; ${itemsSeed('sqlite')}`),
    exec: async (sql) => db.exec(sql),
    drained: async (job) => db.prepare(`SELECT count(*) AS n FROM redb_changes_${job}`).get().n === 0,
    backlog: (first) => script('sqlite', first, async (sql) => db.exec(sql)),
    async drop() {
      db.close();
      rmSync(file, { force: true });
    },
  };
}

function duckdbSide(project) {
  const file = join(project, 'bench.duckdb');
  return { url: `duckdb:${file}`, drop: async () => rmSync(file, { force: true }) };
}

async function pair(name, project, runs, source, target) {
  const job = `bench_${name.replace(/\W+/g, '_').toLowerCase()}`;
  const args = [source.url, target.url, '--name', job];
  const times = [];
  const startup = [];
  let peak = 0;
  try {
    await source.seed();
    const first = new Job(project, args);
    await first.until('streaming');
    await first.stop();
    for (let r = 0; r < runs; r++) {
      await source.backlog(1_000_000 + r * CHANGES);
      const id = -(r + 1);
      await source.exec(`INSERT INTO items VALUES (${id}, 0, 'sentinel')`);
      const t = Date.now();
      const j = new Job(project, args);
      try {
        await waitFor(target.seen === undefined ? () => source.drained(job) : () => target.seen(id), `${name} to catch up`, undefined, j);
        times.push(Date.now() - t);
        startup.push(j.startupMs());
        peak = Math.max(peak, j.peakMiB());
      } finally {
        await j.stop();
      }
    }
  } finally {
    try {
      execFileSync(process.execPath, [cli, 'replicate', 'drop', job], { cwd: project, stdio: 'ignore' });
    } catch {
      // Dropping the databases below removes what is left.
    }
    await source.drop().catch(() => undefined);
    await target.drop().catch(() => undefined);
  }
  const ms = median(times);
  console.log(
    `  ${name.padEnd(26)} ${`${(ms / 1000).toFixed(1)} s`.padStart(8)}  ${Math.round(CHANGES / (ms / 1000))
      .toLocaleString('en')
      .padStart(
        8,
      )} changes/s  (start-up ${(median(startup) / 1000).toFixed(1)} s; streamed ${Math.round(CHANGES / ((ms - median(startup)) / 1000)).toLocaleString('en')} changes/s)  peak RSS ${peak.toFixed(0)} MiB`,
  );
}

export async function pairs(pgAdmin, project, runs) {
  const my = mysqlAdmin();
  console.log(
    `\n(c) catch-up of ${CHANGES} row changes (REDB_BENCH_PAIR_CHANGES; transactions of 100) between engines, median of ${runs}, from the replicator's start`,
  );
  await pair('PostgreSQL → MariaDB', project, runs, await pgSide(pgAdmin), await mysqlSide(my));
  await pair('MariaDB → PostgreSQL', project, runs, await mysqlSide(my), await pgSide(pgAdmin));
  await pair('SQLite → DuckDB', project, runs, await sqliteSide(project), duckdbSide(project));
}
