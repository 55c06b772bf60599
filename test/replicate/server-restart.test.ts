import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import type { PrivatePostgres } from '../changes/private-postgres.js';
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
 * `redb replicate` PostgreSQL → PostgreSQL while the servers themselves go away: the source
 * restarted mid-stream (`pg_ctl restart -m fast`, then `-m immediate`), then the target (`-m fast`,
 * then stopped for a while, as long as a slow restart takes), each while a writer keeps committing
 * on the source and reconnects by itself. The replicator must not exit: it reports each retry on
 * its JSON lines, waits with a capped backoff and goes on. Once the writer stops it catches up, and
 * the figures the writer knows (rows, sums, per-account moves) are equal on both sides; a trigger on
 * the target counts every ledger row written into it, so a transaction applied twice would show.
 * The servers are this test's own (never the shared ones): initdb'd into temp dirs on free ports.
 */

/** How long the target stays down in the last round (a restart that takes its time). */
const OUTAGE_MS = Number(process.env.REDB_TEST_OUTAGE_MS ?? 30_000);
const SETTINGS = { wal_level: 'logical', max_replication_slots: '8', max_wal_senders: '8', shared_buffers: '32MB', max_connections: '40' };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('redb replicate through server restarts (private servers)', () => {
  it('PostgreSQL → PostgreSQL: source and target restarted mid-stream, the job reconnects and ends equal', async () => {
    const { sourceServer, targetServer, source, target, stop } = await privateLedgerPair(SETTINGS);
    cleanups.push(stop);
    const project = tempDir('redb-replicate-restart-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);

    const job = `r_${randomBytes(4).toString('hex')}`;
    const replicator = new Replicator(project.path, [source, target, '--name', job, '--heartbeat-ms', '500']);
    await replicator.until('streaming', 120_000);
    // Every ledger row written into the target, by any path and even if overwritten by a replay, counts here by its id
    // (a row inserted and deleted within one applied batch is never written: the apply keeps each key's last change).
    await execUrl(target, countLedgerWrites('postgres'));

    const writer = new RestartWriter(source);
    cleanups.push(() => writer.stop());
    await until(async () => (await ledgerMax(target)) > 50, 'the first streamed rows', 60_000);

    const alive = () => replicator.child.exitCode === null && replicator.child.signalCode === null;
    const retries = () => replicator.events.filter((e) => e.type === 'retry');
    /** Take a server away, bring it back, and see the job retry, stay up and move on past what was written meanwhile. */
    const round = async (what: string, server: PrivatePostgres, go: (s: PrivatePostgres) => Promise<void>) => {
      const before = retries().length;
      await go(server);
      const written = writer.committed;
      // The writer commits again, and the target passes what the source had before the server came back.
      await until(async () => writer.committed > written + 20, `the writer to go on after the ${what}`, 60_000);
      const mark = Math.max(...writer.sure);
      await until(async () => !alive() || (await ledgerMax(target).catch(() => 0)) >= mark, `the job to go on after the ${what}`, 120_000).catch(
        (e: unknown) => {
          throw new Error(`${String(e)}; last events ${JSON.stringify(replicator.events.slice(-4))}; ${replicator.stderr}`);
        },
      );
      expect(alive(), `redb replicate exited after the ${what}: ${replicator.stderr}`).toBe(true);
      expect(retries().length, `no retry reported after the ${what}`).toBeGreaterThan(before);
      // The job made progress since the last round: its count of attempts started over.
      expect(retries()[before]?.attempt).toBe(1);
      return retries().slice(before);
    };

    await round('source restart (fast)', sourceServer, (s) => s.restart('fast'));
    await round('source restart (immediate)', sourceServer, (s) => s.restart('immediate'));
    await round('target restart (fast)', targetServer, (s) => s.restart('fast'));
    const outage = await round('target down for a while', targetServer, async (s) => {
      await s.halt('immediate');
      await sleep(OUTAGE_MS);
      await s.start();
    });

    // Through a long outage the waits double up to their cap, and the job does not give up.
    const waits = outage.map((r) => r.inMs as number);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    if (OUTAGE_MS >= 25_000) expect(Math.max(...waits)).toBe(10_000);

    await writer.stop();
    const expected = writer.expected();
    expect(writer.reconnects).toBeGreaterThan(0);
    expect(await writerFigures(source)).toEqual(writer.sourceFigures());

    await until(async () => (await figures(target)) === (await figures(source)), 'the job to catch up', 120_000).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: source ${await figures(source)}, target ${await figures(target)}; last events ${JSON.stringify(replicator.events.slice(-4))}`,
      );
    });
    expect(alive()).toBe(true);
    expect(await replicator.stop('SIGTERM')).toBe(143);
    // Each transaction's ledger row was written into the target once: none applied twice after a reconnect.
    const writes = await ledgerWrites(target);
    expect(writes.most).toBe(1);
    expect(writes.ids).toBeLessThanOrEqual(expected.inserts);

    // The JSON lines show each retry, its attempt and its wait, capped at 10 s.
    const seen = retries();
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const r of seen) {
      expect(r).toMatchObject({ attempt: expect.any(Number), inMs: expect.any(Number), error: expect.any(String) });
      expect(r.inMs as number).toBeLessThanOrEqual(10_000);
    }

    await execUrl(target, uncountLedgerWrites('postgres'));
    const verify = redb(project.path, ['verify', source, target]);
    expect(verify.code, verify.stderr).toBe(0);
  }, 420_000);
});
