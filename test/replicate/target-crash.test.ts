import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { killReplicators, Replicator, sleep, until } from './helpers.js';
import {
  countLedgerWrites,
  execUrl,
  ledgerMax,
  ledgerWrites,
  privateLedgerPair,
  RestartWriter,
  restartFigures as figures,
  uncountLedgerWrites,
  writerFigures,
} from './restart-writer.js';

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
const SETTINGS = { wal_level: 'logical', max_replication_slots: '8', max_wal_senders: '8', shared_buffers: '32MB', max_connections: '40' };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('redb replicate into a PostgreSQL target that crashes (private servers)', () => {
  it('kill -9 of the target server at random moments under write load: nothing lost, nothing doubled', async () => {
    const { targetServer, source, target, stop } = await privateLedgerPair(SETTINGS, { wal_writer_delay: '1000ms' });
    cleanups.push(stop);
    const project = tempDir('redb-replicate-target-crash-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);

    const job = `c_${randomBytes(4).toString('hex')}`;
    const replicator = new Replicator(project.path, [source, target, '--name', job, '--heartbeat-ms', '500']);
    await replicator.until('streaming', 120_000);
    // Every ledger row written into the target counts here by its id, in the same transaction as the row:
    // a commit the crash lost takes its count with it, and a change applied twice shows as a count of 2.
    await execUrl(target, countLedgerWrites('postgres'));

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
    expect(await writerFigures(source)).toEqual(writer.sourceFigures());

    await until(async () => (await figures(target).catch(() => '')) === (await figures(source)), 'the job to catch up', 180_000).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)}, target ${await figures(target)}; last events ${JSON.stringify(replicator.events.slice(-4))}; ${replicator.stderr}`,
      );
    });
    expect(alive()).toBe(true);
    expect(await replicator.stop('SIGTERM')).toBe(143);
    // Each ledger row the target holds was written into it once.
    const writes = await ledgerWrites(target);
    expect(writes.most).toBe(1);
    expect(writes.ids).toBeLessThanOrEqual(expected.inserts);

    await execUrl(target, uncountLedgerWrites('postgres'));
    const verify = redb(project.path, ['verify', source, target]);
    expect(verify.code, verify.stderr).toBe(0);
  }, 480_000);
});
