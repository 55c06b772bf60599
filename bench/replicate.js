// `redb replicate` next to PostgreSQL's own logical replication (a publication on the source database,
// a subscription on a target database of the same server), side by side, medians of REDB_BENCH_RUNS:
// (a) catch-up of a backlog of REDB_BENCH_CHANGES row changes (default 1M; pgbench-like: transactions of
//     50 updates and 50 inserts) made while the replicator was stopped / the subscription disabled,
//     timed from start / ENABLE until the backlog's last transaction (a sentinel row) is on the target.
//     Every run does the same work: before it, the source's tables are emptied and seeded again (both
//     sides apply that, untimed) and every target's tables rewritten compact (VACUUM FULL), so a run is
//     not slower for the rows and dead tuples the runs before it left. REDB_BENCH_CLI_B=<another
//     build's dist/cli.js>: that build is timed too, in the same runs, interleaved, into a target of its own;
// (b) end-to-end lag at a steady REDB_BENCH_LAG_RATE changes/s (default 2,000) for REDB_BENCH_LAG_SECONDS:
//     a paced writer stamps rows with clock_timestamp(), a poller on the target (every 25 ms) takes the
//     lag as the time it sees a row minus its stamp; redb's own figures (progress lines) beside;
// (c) changes/s of a fixed backlog (REDB_BENCH_PAIR_CHANGES, default 100,000) PostgreSQL → MariaDB,
//     MariaDB → PostgreSQL, SQLite → DuckDB;
// (d) the replicator's peak resident memory (VmHWM) catching up small transactions and one transaction
//     of REDB_BENCH_BIG_TX changes (default REDB_BENCH_CHANGES);
// (e) the same through NATS JetStream (publisher → stream → consumer) next to the direct path, same run:
//     catch-up changes/s and paced lag p50/p99 (replicate-nats.js);
// (f) `redb daemon` with four jobs under write load: peak resident memory of the daemon and of each
//     job process, and their total (bench/replicate-daemon.js). Parts: REDB_BENCH_REPLICATE_CASES
//     (catchup,lag,pairs,memory,nats,daemon). Every database, slot and subscription made here is removed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, median, pgServerUrl } from './lib.js';
import {
  ACCOUNTS,
  cli,
  conninfo,
  envUrl,
  Job,
  Load,
  PG_SEED,
  PG_TABLES,
  percentile,
  pgBacklog,
  pgBigTransaction,
  pgClient,
  waitFor,
  withDb,
} from './replicate-lib.js';
import { daemonMemory } from './replicate-daemon.js';
import { natsPart } from './replicate-nats.js';
import { pairs } from './replicate-pairs.js';

const CHANGES = Math.ceil(Number(process.env.REDB_BENCH_CHANGES ?? 1_000_000) / 100) * 100;
const RUNS = Number(process.env.REDB_BENCH_RUNS ?? 3);
const LAG_RATE = Number(process.env.REDB_BENCH_LAG_RATE ?? 2_000);
const LAG_SECONDS = Number(process.env.REDB_BENCH_LAG_SECONDS ?? 30);
const BIG_TX = Number(process.env.REDB_BENCH_BIG_TX ?? CHANGES);
const PARTS = new Set((process.env.REDB_BENCH_REPLICATE_CASES ?? 'catchup,lag,pairs,memory,nats,daemon').split(','));
const SRC = 'redb_bench_rep_src';
const DST_REDB = 'redb_bench_rep_redb';
const DST_PG = 'redb_bench_rep_sub';
const DST_B = 'redb_bench_rep_redb_b';
const JOB_B = 'bench_pg_pg_b';
const CLI_B = process.env.REDB_BENCH_CLI_B;
const DBS = [SRC, DST_REDB, DST_PG, DST_B];
const SUB = 'redb_bench_rep_sub';
const JOB = 'bench_pg_pg';

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} changes/s`;

/** The PostgreSQL → PostgreSQL setting: the source, redb's target and job, the subscription's target. */
async function setUp(ctx) {
  const { admin, project } = ctx;
  const a = await pgClient(admin);
  for (const db of CLI_B === undefined ? [SRC, DST_REDB, DST_PG] : DBS) await a.query(`CREATE DATABASE ${db}`);
  await a.end();
  ctx.srcUrl = withDb(admin, SRC);
  ctx.src = await pgClient(ctx.srcUrl);
  ctx.redbDst = await pgClient(withDb(admin, DST_REDB));
  ctx.subDst = await pgClient(withDb(admin, DST_PG));
  await ctx.src.query(`${PG_TABLES}\n${PG_SEED}`);
  await ctx.src.query('VACUUM ANALYZE accounts');
  await ctx.src.query('CREATE PUBLICATION redb_bench_rep_pub FOR TABLE accounts, history, ticks');
  // A subscription between databases of one server cannot make its slot itself (CREATE SUBSCRIPTION would wait for its own transaction).
  await ctx.src.query(`SELECT pg_create_logical_replication_slot('${SUB}', 'pgoutput')`);
  await ctx.subDst.query(PG_TABLES);
  await ctx.subDst.query(
    `CREATE SUBSCRIPTION ${SUB} CONNECTION '${conninfo(ctx.srcUrl).replace(/'/g, "''")}' PUBLICATION redb_bench_rep_pub WITH (create_slot = false, slot_name = '${SUB}')`,
  );
  ctx.args = [envUrl(ctx.srcUrl, 'REDB_BENCH_PG_PW'), envUrl(withDb(admin, DST_REDB), 'REDB_BENCH_PG_PW'), '--name', JOB];
  const first = new Job(project, ctx.args);
  await first.until('streaming');
  await first.stop();
  if (CLI_B !== undefined) {
    ctx.bDst = await pgClient(withDb(admin, DST_B));
    ctx.argsB = [envUrl(ctx.srcUrl, 'REDB_BENCH_PG_PW'), envUrl(withDb(admin, DST_B), 'REDB_BENCH_PG_PW'), '--name', JOB_B];
    const b = new Job(project, ctx.argsB, CLI_B);
    await b.until('streaming');
    await b.stop();
  }
  await waitFor(
    async () => (await ctx.subDst.query(`SELECT count(*)::int AS n FROM pg_subscription_rel WHERE srsubstate <> 'r'`)).rows[0].n === 0,
    'the subscription to copy the tables',
  );
  await subscription(ctx, false);
}

/** Enable or disable the subscription; disabled, wait until its worker has gone (the slot is free). */
async function subscription(ctx, enabled) {
  await ctx.subDst.query(`ALTER SUBSCRIPTION ${SUB} ${enabled ? 'ENABLE' : 'DISABLE'}`);
  if (!enabled)
    await waitFor(
      async () => (await ctx.src.query(`SELECT active FROM pg_replication_slots WHERE slot_name = '${SUB}'`)).rows[0].active === false,
      'the subscription to stop',
    );
}

/** A last transaction after a backlog: its row on a target means the whole backlog is there. */
async function sentinel(ctx) {
  const id = -++ctx.nextSentinel;
  await ctx.src.query(`INSERT INTO ticks VALUES (${id}, clock_timestamp())`);
  return id;
}
const has = (client, id) => async () => (await client.query(`SELECT 1 FROM ticks WHERE id = ${id}`)).rowCount === 1;

async function backlog(ctx, sql, changes) {
  const before = (await ctx.src.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l;
  const t = Date.now();
  await ctx.src.query(sql);
  ctx.nextHistory += changes;
  const id = await sentinel(ctx);
  const wal = (await ctx.src.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${before}')::bigint AS b`)).rows[0].b;
  return { id, ms: Date.now() - t, walMiB: Number(wal) / 2 ** 20 };
}

/** redb: start the stopped job, time it to the sentinel, read its peak memory, stop it. `b`: the other build's job. */
async function redbCatchUp(ctx, id, b = false) {
  const t = Date.now();
  const job = b ? new Job(ctx.project, ctx.argsB, CLI_B) : new Job(ctx.project, ctx.args);
  try {
    await waitFor(has(b ? ctx.bDst : ctx.redbDst, id), 'redb to catch up', undefined, job);
    return { ms: Date.now() - t, peakMiB: job.peakMiB(), startupMs: job.startupMs(), cpuS: job.cpuSeconds() };
  } finally {
    await job.stop();
  }
}

async function subCatchUp(ctx, id) {
  const t = Date.now();
  await subscription(ctx, true);
  await waitFor(has(ctx.subDst, id), 'the subscription to catch up');
  const ms = Date.now() - t;
  await subscription(ctx, false);
  return { ms };
}

/**
 * The same starting point for every run: the source's tables emptied and seeded afresh (each side
 * applies that, untimed), then every table rewritten compact, so no run pays for the ones before.
 */
async function freshTables(ctx) {
  await ctx.src.query(`BEGIN; TRUNCATE accounts, history, ticks; ${PG_SEED} COMMIT`);
  await ctx.src.query('VACUUM ANALYZE accounts, history, ticks');
  ctx.nextHistory = 0;
  const id = await sentinel(ctx);
  await redbCatchUp(ctx, id);
  if (CLI_B !== undefined) await redbCatchUp(ctx, id, true);
  await subCatchUp(ctx, id);
  for (const c of [ctx.src, ctx.redbDst, ctx.subDst, ...(ctx.bDst === undefined ? [] : [ctx.bDst])])
    await c.query('VACUUM FULL ANALYZE accounts, history, ticks');
  await ctx.src.query('CHECKPOINT').catch(() => undefined);
}

async function catchUp(ctx) {
  const redb = [];
  const sub = [];
  const startup = [];
  const cpu = [];
  const other = { ms: [], cpu: [] };
  let peak = 0;
  for (let r = 0; r < RUNS; r++) {
    await freshTables(ctx);
    const b = await backlog(ctx, pgBacklog(CHANGES, ctx.nextHistory), CHANGES / 2);
    console.log(`  run ${r + 1}: fresh tables, then a backlog of ${CHANGES} changes written in ${secs(b.ms)} (${b.walMiB.toFixed(0)} MiB of WAL)`);
    // Alternate who goes first: the second reads WAL the first brought into the page cache.
    const order = CLI_B === undefined ? ['redb', 'sub'] : ['redb', 'b', 'sub'];
    for (const who of order.map((_w, i) => order[(i + r) % order.length])) {
      if (who === 'redb') {
        const x = await redbCatchUp(ctx, b.id);
        redb.push(x.ms);
        peak = Math.max(peak, x.peakMiB);
        startup.push(x.startupMs);
        cpu.push(x.cpuS);
        console.log(
          `    redb replicate        ${secs(x.ms)} (start-up to streaming ${secs(x.startupMs)})  peak RSS ${x.peakMiB.toFixed(0)} MiB  CPU ${x.cpuS.toFixed(1)} s`,
        );
      } else if (who === 'b') {
        const x = await redbCatchUp(ctx, b.id, true);
        other.ms.push(x.ms);
        other.cpu.push(x.cpuS);
        console.log(`    redb (REDB_BENCH_CLI_B) ${secs(x.ms)} (start-up to streaming ${secs(x.startupMs)})  CPU ${x.cpuS.toFixed(1)} s`);
      } else {
        const x = await subCatchUp(ctx, b.id);
        sub.push(x.ms);
        console.log(`    CREATE SUBSCRIPTION   ${secs(x.ms)}`);
      }
    }
  }
  const m = { redb: median(redb), sub: median(sub), startup: median(startup), cpu: median(cpu) };
  console.log(`\n(a) catch-up of ${CHANGES} row changes (transactions of 100), PostgreSQL → PostgreSQL, median of ${RUNS}`);
  console.log(`  redb replicate                    ${secs(m.redb).padStart(9)}  ${rate(CHANGES, m.redb)}  ${(m.redb / m.sub).toFixed(2)}×`);
  if (CLI_B !== undefined) {
    const mb = median(other.ms);
    console.log(
      `  redb, REDB_BENCH_CLI_B            ${secs(mb).padStart(9)}  ${rate(CHANGES, mb)}  ${(mb / m.sub).toFixed(2)}×  (CPU median ${median(other.cpu).toFixed(1)} s)`,
    );
  }
  console.log(`  PostgreSQL logical replication    ${secs(m.sub).padStart(9)}  ${rate(CHANGES, m.sub)}`);
  console.log(`  (redb's time includes its start-up to the first change read, median ${secs(m.startup)}; streamed: ${rate(CHANGES, m.redb - m.startup)})`);
  console.log(`  (the replicator's own CPU time, start-up included, median ${m.cpu.toFixed(1)} s: on 2 cores it is taken from the servers)`);
  return peak;
}

/** Write ticks at a steady rate while a poller on the target sees them arrive; the lags, ms. */
async function pacedLag(ctx, target) {
  const writer = await pgClient(ctx.srcUrl);
  let written = 0;
  let seen = ctx.lastTick ?? 0;
  const base = seen;
  const lags = [];
  const warmMs = 3_000;
  const start = Date.now();
  const total = LAG_RATE * (LAG_SECONDS + warmMs / 1000);
  const write = (async () => {
    while (written < total) {
      const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * LAG_RATE));
      if (due > written) {
        await writer.query(`INSERT INTO ticks SELECT g, clock_timestamp() FROM generate_series(${base + written + 1}, ${base + due}) g`);
        written = due;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const warm = base + LAG_RATE * (warmMs / 1000);
  await waitFor(async () => {
    const r = await target.query(`SELECT id, extract(epoch FROM at) * 1000 AS at FROM ticks WHERE id > ${seen} ORDER BY id`);
    const now = Date.now();
    for (const row of r.rows) if (Number(row.id) > warm) lags.push(now - Number(row.at));
    if (r.rows.length > 0) seen = Number(r.rows[r.rows.length - 1].id);
    return seen >= base + total;
  }, 'the paced rows on the target');
  await write;
  await writer.end();
  ctx.lastTick = seen;
  return {
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
    max: Math.max(...lags),
    rows: lags.length,
    achieved: Math.round(total / ((Date.now() - start) / 1000)),
  };
}

async function lag(ctx) {
  const job = new Job(ctx.project, ctx.args);
  let r;
  let own;
  try {
    await job.until('streaming');
    await waitFor(has(ctx.redbDst, await sentinel(ctx)), 'redb to catch up', undefined, job);
    r = await pacedLag(ctx, ctx.redbDst);
    own = job.lastProgress()?.lagMs;
  } finally {
    await job.stop();
  }
  await subscription(ctx, true);
  await waitFor(has(ctx.subDst, await sentinel(ctx)), 'the subscription to catch up');
  const s = await pacedLag(ctx, ctx.subDst);
  await subscription(ctx, false);
  console.log(
    `\n(b) end-to-end lag at ${LAG_RATE} changes/s (a transaction every 20 ms of ~${LAG_RATE / 50} rows) for ${LAG_SECONDS} s, PostgreSQL → PostgreSQL (seen on the target every 25 ms)`,
  );
  const ms = (v) => `${Math.round(v)}`.padStart(5);
  const line = (name, x) =>
    `  ${name.padEnd(34)} p50 ${ms(x.p50)} ms  p99 ${ms(x.p99)} ms  max ${ms(x.max)} ms  (${x.rows} rows, ${x.achieved} rows/s written)`;
  console.log(line('redb replicate', r));
  console.log(line('PostgreSQL logical replication', s));
  if (own) console.log(`  redb's own figures (progress line): p50 ${own.p50} ms, p99 ${own.p99} ms`);
}

/** The direct job alone at the paced rate (part (e) measures the JetStream path beside it). */
async function directLag(ctx) {
  const job = new Job(ctx.project, ctx.args);
  try {
    await job.until('streaming');
    await waitFor(has(ctx.redbDst, await sentinel(ctx)), 'redb to catch up', undefined, job);
    return await pacedLag(ctx, ctx.redbDst);
  } finally {
    await job.stop();
  }
}

async function memory(ctx, smallPeak) {
  const b = await backlog(ctx, pgBigTransaction(BIG_TX, ctx.nextHistory), BIG_TX);
  console.log(`\n  one transaction of ${BIG_TX} inserts written in ${secs(b.ms)} (${b.walMiB.toFixed(0)} MiB of WAL)`);
  const x = await redbCatchUp(ctx, b.id);
  const s = await subCatchUp(ctx, b.id);
  console.log(`\n(d) replicator's peak resident memory (VmHWM), PostgreSQL → PostgreSQL`);
  if (smallPeak > 0) console.log(`  transactions of 100 changes                   peak ${smallPeak.toFixed(0)} MiB`);
  console.log(`  one transaction of ${String(BIG_TX).padEnd(9)} changes          peak ${x.peakMiB.toFixed(0)} MiB`);
  console.log(
    `  (that transaction's catch-up: redb ${secs(x.ms)} of which start-up ${secs(x.startupMs)}, PostgreSQL logical replication ${secs(s.ms)}; ${(x.ms / s.ms).toFixed(2)}×)`,
  );
}

/** Both targets hold the source's rows at the end: the figures above are of work really done. */
async function same(ctx) {
  const id = await sentinel(ctx);
  const job = new Job(ctx.project, ctx.args);
  try {
    await waitFor(has(ctx.redbDst, id), 'redb to catch up', undefined, job);
  } finally {
    await job.stop();
  }
  if (CLI_B !== undefined) await redbCatchUp(ctx, id, true);
  await subCatchUp(ctx, id);
  const sql =
    "SELECT (SELECT count(*) || ' ' || sum(abalance) FROM accounts) || ' ' || (SELECT count(*) || ' ' || sum(id) FROM history) || ' ' || (SELECT count(*) FROM ticks) AS f";
  const [a, b, c, d = a] = await Promise.all(
    [ctx.src, ctx.redbDst, ctx.subDst, ...(ctx.bDst ? [ctx.bDst] : [])].map(async (x) => (await x.query(sql)).rows[0].f),
  );
  if (a !== b || a !== c || a !== d) throw new Error(`the targets differ from the source: source ${a}, redb ${b}, subscription ${c}, REDB_BENCH_CLI_B ${d}`);
  console.log(`\n  both targets equal the source (accounts count and balance sum, history count and id sum, ticks count: ${a})`);
}

async function tearDown(ctx, admin, project) {
  const quiet = (p) => p.catch(() => undefined);
  // Detached from its slot first: DROP SUBSCRIPTION would otherwise drop the slot over a connection to this same server.
  const d = await pgClient(withDb(admin, DST_PG)).catch(() => undefined);
  if (d !== undefined) {
    await quiet(d.query(`ALTER SUBSCRIPTION ${SUB} DISABLE`));
    await quiet(d.query(`ALTER SUBSCRIPTION ${SUB} SET (slot_name = NONE)`));
    await quiet(d.query(`DROP SUBSCRIPTION ${SUB}`));
    await quiet(d.end());
  }
  // What the job made on the source (slot, publication) and its position on the target.
  if (ctx?.args) await quiet(Promise.resolve().then(() => execFileSync(process.execPath, [cli, 'replicate', 'drop', JOB], { cwd: project, stdio: 'ignore' })));
  if (ctx?.argsB)
    await quiet(Promise.resolve().then(() => execFileSync(process.execPath, [cli, 'replicate', 'drop', JOB_B], { cwd: project, stdio: 'ignore' })));
  for (const c of [ctx?.src, ctx?.redbDst, ctx?.subDst, ctx?.bDst]) await quiet(c?.end() ?? Promise.resolve());
  const a = await pgClient(admin);
  for (let i = 0; i < 40; i++) {
    const slots = (await a.query(`SELECT slot_name, active FROM pg_replication_slots WHERE database = '${SRC}'`)).rows;
    if (slots.length === 0) break;
    for (const s of slots.filter((x) => !x.active)) await quiet(a.query(`SELECT pg_drop_replication_slot('${s.slot_name}')`));
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const db of DBS) await quiet(a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  await a.end();
}

export async function run() {
  const admin = pgServerUrl();
  const load = new Load();
  const project = mkdtempSync(join(tmpdir(), 'redb-bench-replicate-'));
  console.log(`\nreplication (${machine()}); ${CHANGES} changes (REDB_BENCH_CHANGES), ${RUNS} run(s) (REDB_BENCH_RUNS)`);
  const ctx = { admin, project, nextHistory: 0, nextSentinel: 0 };
  try {
    execFileSync(process.execPath, [cli, 'init'], { cwd: project, stdio: 'ignore' });
    if (['catchup', 'lag', 'memory', 'nats'].some((p) => PARTS.has(p))) {
      const a = await pgClient(admin);
      for (const db of DBS) await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await a.end();
      try {
        await setUp(ctx);
        console.log(`  source: accounts of ${ACCOUNTS} rows; both targets copied`);
        let peak = 0;
        if (PARTS.has('catchup')) peak = await catchUp(ctx);
        if (PARTS.has('lag')) await lag(ctx);
        if (PARTS.has('memory')) await memory(ctx, peak);
        if (PARTS.has('nats')) await natsPart(ctx, { backlog, sentinel, redbCatchUp, pacedLag, lag: directLag });
        await same(ctx);
      } finally {
        await tearDown(ctx, admin, project);
      }
    }
    if (PARTS.has('pairs')) await pairs(admin, project, Number(process.env.REDB_BENCH_PAIR_RUNS ?? RUNS));
    if (PARTS.has('daemon')) await daemonMemory(admin, project);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
  console.log(`\n  ${load.summary()}`);
}
