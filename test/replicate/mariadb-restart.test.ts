import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { startPrivateMariadb, type PrivateMariadb } from '../support/private-mariadb.js';
import { pgExec, postgresEngine } from '../support/postgres.js';
import { startPrivatePostgres } from '../changes/private-postgres.js';
import { PASSWORD_ENV, envUrl } from '../clone/helpers.js';
import { killReplicators, Replicator, sleep, until } from './helpers.js';
import {
  countLedgerWrites,
  execUrl,
  ledgerMax,
  ledgerSchema,
  ledgerWrites,
  RestartWriter,
  restartFigures,
  uncountLedgerWrites,
  writerFigures,
} from './restart-writer.js';
import { tempDir } from '../support/scratch.js';

/**
 * `redb replicate` with a MariaDB server that goes away mid-stream: as the source (MariaDB →
 * PostgreSQL: a clean shutdown and start, then a SIGKILL of the server and start, its binlog
 * recovered), and as the target (PostgreSQL → MariaDB: a clean restart, then down for a while).
 * A writer keeps committing on the source and reconnects by itself. The job must not exit: it
 * reports each retry, waits with a capped backoff and goes on; once the writer stops it catches up,
 * the figures the writer knows are equal on both sides, and a trigger on the target that counts
 * every ledger row written into it shows no transaction applied twice. The MariaDB servers are the
 * test's own (a temp datadir on a free port), never the shared one.
 */

const PG_SETTINGS = { wal_level: 'logical', max_replication_slots: '8', max_wal_senders: '8', shared_buffers: '32MB', max_connections: '40' };
const OUTAGE_MS = Number(process.env.REDB_TEST_OUTAGE_MS ?? 15_000);

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

type Round = { what: string; go: (s: PrivateMariadb) => Promise<void> };

async function throughRestarts(mariadbIs: 'source' | 'target', rounds: readonly Round[]): Promise<void> {
  const server = await startPrivateMariadb();
  cleanups.push(() => server.stop());
  const database = `r_${randomBytes(4).toString('hex')}`;
  await server.exec(`CREATE DATABASE ${database}`);
  const mariadb = server.url.replace(/\/mysql$/, `/${database}`);
  // A PostgreSQL source is a private server too: on the shared one, decoding would wade through every other test's WAL.
  let pgUrl: string;
  if (mariadbIs === 'source') {
    const pgDb = await postgresEngine.create();
    cleanups.push(() => pgDb.drop());
    pgUrl = pgDb.url;
  } else {
    const pgServer = await startPrivatePostgres(PG_SETTINGS);
    cleanups.push(() => pgServer.stop());
    await pgExec(pgServer.url, 'CREATE DATABASE src');
    pgUrl = pgServer.url.replace(/\/postgres$/, '/src');
  }
  const [source, target] = mariadbIs === 'source' ? [mariadb, pgUrl] : [pgUrl, mariadb];
  // redb takes the shared servers' password from the environment; the private PostgreSQL trusts its login.
  const forRedb = (url: string) => (new URL(url).password === '' ? url : envUrl(url));
  const targetEngine = mariadbIs === 'source' ? 'postgres' : 'mysql';
  await execUrl(source, ledgerSchema(mariadbIs === 'source' ? 'mysql' : 'postgres'));
  const project = tempDir('redb-replicate-mariadb-restart-');
  cleanups.push(() => project.cleanup());
  expect(redb(project.path, ['init']).code).toBe(0);

  const job = `m_${randomBytes(4).toString('hex')}`;
  const replicator = new Replicator(project.path, [forRedb(source), forRedb(target), '--name', job, '--heartbeat-ms', '500']);
  await replicator.until('streaming', 120_000);
  await execUrl(target, countLedgerWrites(targetEngine));

  const writer = new RestartWriter(source);
  cleanups.push(() => writer.stop());
  await until(async () => (await ledgerMax(target)) > 50, 'the first streamed rows', 60_000);

  const alive = () => replicator.child.exitCode === null && replicator.child.signalCode === null;
  const retries = () => replicator.events.filter((e) => e.type === 'retry');
  for (const { what, go } of rounds) {
    const before = retries().length;
    await go(server);
    const written = writer.committed;
    // The writer commits again, and the target passes what the source had before the server came back.
    await until(async () => writer.committed > written + 20, `the writer to go on after the ${what}`, 60_000);
    const mark = Math.max(...writer.sure);
    await until(async () => !alive() || (await ledgerMax(target).catch(() => 0)) >= mark, `the job to go on after the ${what}`, 120_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; last events ${JSON.stringify(replicator.events.slice(-4))}; ${replicator.stderr}`);
    });
    expect(alive(), `redb replicate exited after the ${what}: ${replicator.stderr}`).toBe(true);
    expect(retries().length, `no retry reported after the ${what}`).toBeGreaterThan(before);
    // The job made progress since the last round: its count of attempts started over.
    expect(retries()[before]?.attempt).toBe(1);
  }

  await writer.stop();
  const expected = writer.expected();
  // The source holds exactly what the writer knows it committed.
  expect(await writerFigures(source)).toEqual(writer.sourceFigures());

  await until(async () => (await restartFigures(target)) === (await restartFigures(source)), 'the job to catch up', 120_000).catch(async (e: unknown) => {
    throw new Error(
      `${String(e)}: source ${await restartFigures(source)}, target ${await restartFigures(target)}; last events ${JSON.stringify(replicator.events.slice(-4))}`,
    );
  });
  expect(alive()).toBe(true);
  expect(await replicator.stop('SIGTERM')).toBe(143);
  // Each transaction's ledger row was written into the target once: none applied twice after a reconnect.
  const writes = await ledgerWrites(target);
  expect(writes.most).toBe(1);
  expect(writes.ids).toBeLessThanOrEqual(expected.inserts);
  // Retrying leaves nothing behind (a listener per wait would have Node warn of a leak).
  expect(replicator.stderr).not.toMatch(/MaxListenersExceeded/);
  // Every retry says its attempt, its wait (capped at 10 s) and why.
  for (const r of retries()) {
    expect(r).toMatchObject({ attempt: expect.any(Number), inMs: expect.any(Number), error: expect.any(String) });
    expect(r.inMs as number).toBeLessThanOrEqual(10_000);
  }

  await execUrl(target, uncountLedgerWrites(targetEngine));
  const verify = redb(project.path, ['verify', forRedb(source), forRedb(target)], PASSWORD_ENV);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
}

describe.concurrent('redb replicate through MariaDB server restarts (private servers)', () => {
  it(
    'MariaDB → PostgreSQL: the source restarted (clean, then killed), the job reconnects and ends equal',
    () =>
      throughRestarts('source', [
        { what: 'source restart (clean)', go: (s) => s.restart('fast') },
        { what: 'source restart (killed)', go: (s) => s.restart('immediate') },
      ]),
    360_000,
  );
  it(
    'PostgreSQL → MariaDB: the target restarted, then down for a while, the job reconnects and ends equal',
    () =>
      throughRestarts('target', [
        { what: 'target restart (clean)', go: (s) => s.restart('fast') },
        {
          what: 'target down for a while',
          go: async (s) => {
            await s.halt('immediate');
            await sleep(OUTAGE_MS);
            await s.start();
          },
        },
      ]),
    360_000,
  );
});
