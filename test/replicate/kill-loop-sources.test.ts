import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type TestEngine } from '../support/scratch.js';
import { killReplicators, side } from './helpers.js';
import { killLoop, seedLedger, transfers } from './load.js';

/**
 * The kill -9 loop of kill-loop.test.ts with the other sources: MariaDB's binlog (into PostgreSQL)
 * and SQLite's capture triggers (into MariaDB). `redb replicate` is killed at random moments,
 * during the copy and during the stream, again and again for a bounded time, while a writer
 * commits transfers on the source; one last run catches up, and the target's counts and sums are
 * the source's (a transfer moves a total that never changes; every transaction adds one ledger
 * row), then `redb verify` finds them equal.
 */

const LOOP_MS = Number(process.env.REDB_TEST_LOOP_MS ?? 30_000);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function sourceUnderKills(from: TestEngine, to: TestEngine): Promise<void> {
  const source = side(from.engine, await from.create());
  const target = side(to.engine, await to.create());
  const project = tempDir('redb-replicate-kill-');
  cleanups.push(async () => {
    await source.db.drop();
    await target.db.drop();
    project.cleanup();
  });
  expect(redb(project.path, ['init']).code).toBe(0);
  await seedLedger(source);
  await killLoop(LOOP_MS, project.path, source, target, (stop) => transfers(source, stop));
}

describe.concurrent('redb replicate under kill -9, other sources (real servers)', () => {
  it('MariaDB → PostgreSQL: nothing lost, nothing doubled', () => sourceUnderKills(mysqlEngine, postgresEngine), 300_000);
  it('SQLite → MariaDB: nothing lost, nothing doubled', () => sourceUnderKills(sqliteEngine, mysqlEngine), 300_000);
});
