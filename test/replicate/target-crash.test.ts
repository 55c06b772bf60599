import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { pgExec, pgQuery } from '../support/postgres.js';
import { startPrivatePostgres, type PrivatePostgres } from '../changes/private-postgres.js';
import { killReplicators, Replicator, sleep, until } from './helpers.js';
import { RestartWriter, restartFigures as figures } from './restart-writer.js';

/**
 * The target server crashes for real, again and again, while a writer commits on the source and
 * the job streams: SIGKILL to its postmaster and every backend at random moments, so that whatever
 * the server had not yet written out is lost. Each time the server recovers, the job reconnects and
 * reads its position from the target; the source must still hold everything after it (the source
 * is told of a batch only once the target committed it). At the end the target equals the source,
 * with the figures the writer knows (nothing lost), and a trigger on the target that counts each
 * ledger row written shows none written twice. The servers are this test's own, initdb'd into temp
 * dirs on free ports. (A target that committed lazily and told the source at once fails here.)
 */

const CRASH_FOR_MS = Number(process.env.REDB_TEST_CRASH_MS ?? 30_000);
const ACCOUNTS = 100;
const SETTINGS = { wal_level: 'logical', max_replication_slots: '8', max_wal_senders: '8', shared_buffers: '32MB', max_connections: '40' };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const ledgerMax = async (url: string): Promise<number> => Number((await pgQuery<{ m: string | null }>(url, 'SELECT max(id) AS m FROM ledger'))[0]?.m ?? 0);

describe('redb replicate into a PostgreSQL target that crashes (private servers)', () => {
  it('kill -9 of the target server at random moments under write load: nothing lost, nothing doubled', async () => {
    const [sourceServer, targetServer] = await Promise.all([startPrivatePostgres(SETTINGS), startPrivatePostgres({ ...SETTINGS, wal_writer_delay: '1000ms' })]);
    cleanups.push(
      () => sourceServer.stop(),
      () => targetServer.stop(),
    );
    const withDb = (server: PrivatePostgres, db: string) => server.url.replace(/\/postgres$/, `/${db}`);
    await pgExec(sourceServer.url, 'CREATE DATABASE src');
    await pgExec(targetServer.url, 'CREATE DATABASE dst');
    const source = withDb(sourceServer, 'src');
    const target = withDb(targetServer, 'dst');
    await pgExec(
      source,
      `CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL, moves INTEGER NOT NULL);
       INSERT INTO accounts SELECT g, 1000, 0 FROM generate_series(1, ${ACCOUNTS}) g;
       CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);`,
    );
    const project = tempDir('redb-replicate-target-crash-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);

    const job = `c_${randomBytes(4).toString('hex')}`;
    const replicator = new Replicator(project.path, [source, target, '--name', job, '--heartbeat-ms', '500']);
    await replicator.until('streaming', 120_000);
    // Every ledger row written into the target counts here by its id, in the same transaction as the row:
    // a commit the crash lost takes its count with it, and a change applied twice shows as a count of 2.
    await pgExec(
      target,
      `CREATE TABLE ledger_writes (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
       CREATE FUNCTION count_ledger_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ledger_writes VALUES (NEW.id, 1) ON CONFLICT (id) DO UPDATE SET n = ledger_writes.n + 1; RETURN NEW; END $$;
       CREATE TRIGGER ledger_writes BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION count_ledger_write();
       ALTER TABLE ledger ENABLE ALWAYS TRIGGER ledger_writes;`,
    );

    const writer = new RestartWriter(source);
    cleanups.push(() => writer.stop());
    await until(async () => (await ledgerMax(target)) > 50, 'the first streamed rows', 60_000);

    const alive = () => replicator.child.exitCode === null && replicator.child.signalCode === null;
    const retries = () => replicator.events.filter((e) => e.type === 'retry').length;
    let crashes = 0;
    const end = Date.now() + CRASH_FOR_MS;
    while (Date.now() < end) {
      // Streaming for a while (commits pile up, some not yet flushed), then the crash; down for a moment.
      await sleep(500 + Math.random() * 2_500);
      await targetServer.crash();
      crashes++;
      await sleep(Math.random() * 1_500);
      await targetServer.start();
      expect(alive(), `redb replicate exited after crash ${crashes}: ${replicator.stderr}`).toBe(true);
    }
    expect(crashes).toBeGreaterThanOrEqual(5);
    expect(retries(), 'the job never saw the target go').toBeGreaterThan(0);

    await writer.stop();
    const expected = writer.expected();
    const [counted] = await pgQuery<{ n: string; amount: string; moves: string; balance: string }>(
      source,
      'SELECT (SELECT count(*) FROM ledger) AS n, (SELECT coalesce(sum(amount), 0) FROM ledger) AS amount, (SELECT sum(moves) FROM accounts) AS moves, (SELECT sum(balance) FROM accounts) AS balance',
    );
    // The source holds exactly what the writer knows it committed.
    expect({ rows: Number(counted?.n), amount: Number(counted?.amount), moves: Number(counted?.moves), balance: Number(counted?.balance) }).toEqual({
      rows: expected.rows,
      amount: expected.amount,
      moves: expected.moves,
      balance: ACCOUNTS * 1000,
    });

    await until(async () => (await figures(target).catch(() => '')) === (await figures(source)), 'the job to catch up', 180_000).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)}, target ${await figures(target)}; last events ${JSON.stringify(replicator.events.slice(-4))}; ${replicator.stderr}`,
      );
    });
    expect(alive()).toBe(true);
    expect(await replicator.stop('SIGTERM')).toBe(143);
    // Each ledger row the target holds was written into it once.
    const [writes] = await pgQuery<{ most: string; ids: string }>(target, 'SELECT coalesce(max(n), 0) AS most, count(*) AS ids FROM ledger_writes');
    expect(Number(writes?.most)).toBe(1);
    expect(Number(writes?.ids)).toBeLessThanOrEqual(expected.inserts);

    await pgExec(target, 'DROP TRIGGER ledger_writes ON ledger; DROP FUNCTION count_ledger_write(); DROP TABLE ledger_writes');
    const verify = redb(project.path, ['verify', source, target]);
    expect(verify.code, verify.stderr).toBe(0);
  }, 480_000);
});
