// Part (e) of the replication benchmark: the same source through NATS JetStream (a publisher into a
// stream, a consumer from it into another PostgreSQL database) next to the direct path, same run:
// changes/s catching up a backlog of REDB_BENCH_NATS_CHANGES (default 100,000; the backlog of part
// (a)), and end-to-end lag p50/p99 at the paced rate of part (b). The NATS server is
// REDB_BENCH_NATS_URL, else the test servers' (scripts/test-servers.sh). Everything made here (job
// records, slot, consumer, stream, database) is removed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, envUrl, Job, pgBacklog, pgClient, waitFor, withDb } from './replicate-lib.js';

const CHANGES = Math.ceil(Number(process.env.REDB_BENCH_NATS_CHANGES ?? 100_000) / 100) * 100;
const DST = 'redb_bench_rep_nats';
const PUB = 'bench_nats_pub';
const SUB = 'bench_nats_sub';

function natsUrl() {
  const given = process.env.REDB_BENCH_NATS_URL ?? process.env.REDB_TEST_NATS_URL;
  if (given) return given;
  const out = execFileSync('bash', [join(import.meta.dirname, '..', 'scripts', 'test-servers.sh'), 'env'], { encoding: 'utf8' });
  const url = /REDB_TEST_NATS_URL=['"]?([^'"\s]+)/.exec(out)?.[1];
  if (url === undefined) throw new Error('no NATS server (REDB_BENCH_NATS_URL, or the test servers: bash scripts/test-servers.sh start)');
  return url;
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} changes/s`;
const has = (client, id) => async () => (await client.query(`SELECT 1 FROM ticks WHERE id = ${id}`)).rowCount === 1;

/**
 * `ctx`: replicate.js's PostgreSQL → PostgreSQL setting (its source, its direct job stopped);
 * `parts`: its backlog, sentinel, catch-up and paced-lag steps, so both paths are measured alike.
 */
export async function natsPart(ctx, parts) {
  const bus = `${natsUrl()}/redb_bench_${Date.now().toString(36)}`;
  const stream = bus.slice(bus.lastIndexOf('/') + 1);
  const a = await pgClient(ctx.admin);
  await a.query(`DROP DATABASE IF EXISTS ${DST} WITH (FORCE)`);
  await a.query(`CREATE DATABASE ${DST}`);
  await a.end();
  const dst = await pgClient(withDb(ctx.admin, DST));
  const pubArgs = [envUrl(ctx.srcUrl, 'REDB_BENCH_PG_PW'), bus, '--name', PUB, '--heartbeat-ms', '500'];
  const subArgs = [bus, envUrl(withDb(ctx.admin, DST), 'REDB_BENCH_PG_PW'), '--name', SUB];
  /** Publisher and consumer both running until `id` is on the target; the time it took. */
  const through = async (id, measure) => {
    const t = Date.now();
    const pub = new Job(ctx.project, pubArgs);
    // A consumer needs the stream: the first publisher run makes it.
    await waitFor(() => streamExists(bus, stream), 'the publisher to make its stream', undefined, pub).catch(async (e) => {
      await pub.stop();
      throw e;
    });
    const sub = new Job(ctx.project, subArgs);
    try {
      await waitFor(
        async () => (await dst.query(`SELECT to_regclass('public.ticks') IS NOT NULL AS t`)).rows[0].t,
        'the consumer to make its tables',
        undefined,
        sub,
      );
      await waitFor(has(dst, id), 'the JetStream consumer to catch up', undefined, pub);
      const ms = Date.now() - t;
      const extra = measure === undefined ? undefined : await measure();
      return { ms, extra, own: sub.lastProgress()?.lagMs };
    } finally {
      await sub.stop();
      await pub.stop();
    }
  };
  try {
    // The snapshot through the stream first: what follows is changes only.
    await through(await parts.sentinel(ctx));
    const b = await parts.backlog(ctx, pgBacklog(CHANGES, ctx.nextHistory), CHANGES / 2);
    console.log(`\n  backlog of ${CHANGES} changes written in ${secs(b.ms)}`);
    const direct = await parts.redbCatchUp(ctx, b.id);
    const nats = await through(b.id);
    const directLag = await parts.lag(ctx);
    const natsLag = (await through(await parts.sentinel(ctx), () => parts.pacedLag(ctx, dst))).extra;
    console.log(`\n(e) through NATS JetStream (publisher → stream → consumer) next to the direct path, PostgreSQL → PostgreSQL`);
    console.log(`  catch-up of ${CHANGES} changes (transactions of 100), from the replicators' start to the last change on the target:`);
    console.log(`    direct        ${secs(direct.ms).padStart(8)}  ${rate(CHANGES, direct.ms)}`);
    console.log(`    JetStream     ${secs(nats.ms).padStart(8)}  ${rate(CHANGES, nats.ms)}  ${(nats.ms / direct.ms).toFixed(2)}×`);
    const ms = (v) => `${Math.round(v)}`.padStart(5);
    console.log(`  end-to-end lag at the paced rate of (b), seen on the target every 25 ms:`);
    for (const [name, x] of [
      ['direct', directLag],
      ['JetStream', natsLag],
    ])
      console.log(`    ${name.padEnd(12)}  p50 ${ms(x.p50)} ms  p99 ${ms(x.p99)} ms  max ${ms(x.max)} ms  (${x.rows} rows, ${x.achieved} rows/s written)`);
    const sql = "SELECT (SELECT count(*) || ' ' || sum(abalance) FROM accounts) || ' ' || (SELECT count(*) || ' ' || sum(id) FROM history) AS f";
    const [s, d] = await Promise.all([ctx.src, dst].map(async (x) => (await x.query(sql)).rows[0].f));
    if (s !== d) throw new Error(`the JetStream target differs from the source: source ${s}, target ${d}`);
    console.log(`  the JetStream target equals the source (accounts count and balance sum, history count and id sum: ${s})`);
  } finally {
    await dst.end().catch(() => undefined);
    for (const job of [SUB, PUB])
      await Promise.resolve()
        .then(() => execFileSync(process.execPath, [cli, 'replicate', 'drop', job], { cwd: ctx.project, stdio: 'ignore' }))
        .catch(() => undefined);
    await deleteStream(bus, stream).catch(() => undefined);
    const c = await pgClient(ctx.admin);
    await c.query(`DROP DATABASE IF EXISTS ${DST} WITH (FORCE)`).catch(() => undefined);
    await c.end();
  }
}

/** Whether the stream is there yet. */
async function streamExists(bus, stream) {
  const [{ connect }, { jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  const nc = await connect({ servers: new URL(bus.replace(/^nats:/, 'http:')).host });
  try {
    return await (await jetstreamManager(nc)).streams.info(stream).then(
      () => true,
      () => false,
    );
  } finally {
    await nc.close();
  }
}

/** The bench's own stream, deleted (replicate drop keeps a stream: others may read it). */
async function deleteStream(bus, stream) {
  const [{ connect }, { jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  const nc = await connect({ servers: new URL(bus.replace(/^nats:/, 'http:')).host });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream);
  } finally {
    await nc.close();
  }
}
