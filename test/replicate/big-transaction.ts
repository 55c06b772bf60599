import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { ENGINES } from '../clone/exact-values-engines.js';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { dropPgCapture, exec, figures, Replicator, side, until } from './helpers.js';
import { reachedHead } from './source-head.js';

type Named = Exclude<Engine, 'mongodb'>;

/** Rows in the one transaction. */
export const BIG = 1_000_000;

/** One statement that inserts BIG rows (ids from 1001), in the source engine's SQL; NULL notes every tenth row. */
function bigInsert(engine: Named): string {
  switch (engine) {
    case 'postgres':
      return `INSERT INTO ledger (id, amount, note) SELECT g, g % 1000, CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1001, ${1000 + BIG}) g`;
    case 'mysql':
      // MariaDB's sequence engine: seq_1_to_N is a table of the numbers 1..N.
      return `INSERT INTO ledger (id, amount, note) SELECT seq, seq % 1000, IF(seq % 10 = 0, NULL, CONCAT('n', seq)) FROM seq_1001_to_${1000 + BIG}`;
    case 'sqlite':
      return `WITH RECURSIVE g(x) AS (SELECT 1001 UNION ALL SELECT x + 1 FROM g WHERE x < ${1000 + BIG}) INSERT INTO ledger (id, amount, note) SELECT x, x % 1000, CASE WHEN x % 10 = 0 THEN NULL ELSE 'n' || x END FROM g`;
    default:
      throw new Error(`${engine} is no source`);
  }
}

/**
 * A job streams; the source commits one transaction of a million inserted rows; the target must
 * end with the source's count, sums and NULLs, and `redb verify` must find them equal. Returns
 * how long the transaction took to commit on the source and to reach the target, in seconds,
 * for the report (never asserted: speed targets live in bench/), and the replicator's peak
 * resident memory in MiB (VmHWM, read from /proc; undefined elsewhere).
 */
export async function bigTransaction(s: Named, t: Named): Promise<{ commitS: number; applyS: number; peakMiB: number | undefined }> {
  const [sourceDb, targetDb] = await Promise.all([ENGINES[s].create(), ENGINES[t].create()]);
  const source = side(s, sourceDb);
  const target = side(t, targetDb);
  const project = tempDir('redb-replicate-big-');
  const job = `big_${randomBytes(4).toString('hex')}`;
  let r: Replicator | undefined;
  try {
    expect(redb(project.path, ['init']).code).toBe(0);
    await exec(source, 'CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note VARCHAR(40))');
    await exec(source, `INSERT INTO ledger (id, amount, note) VALUES ${Array.from({ length: 1000 }, (_x, i) => `(${i + 1}, ${i}, 'seed')`).join(', ')}`);

    r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
    await r.until('copied', 180_000);
    await r.until('streaming');

    const started = Date.now();
    await exec(source, bigInsert(s));
    const committed = Date.now();
    const from = s === 'postgres' && t === 'duckdb' ? 'public.ledger' : 'ledger';
    if (t === 'duckdb') await reachedHead(source, job, r, 1_200_000);
    else {
      const want = await figures(source, 'ledger');
      await until(async () => (await figures(target, 'ledger', from)) === want, `${job} to apply the transaction`, 1_200_000);
    }
    const applied = Date.now();
    const peakMiB = peakOf(r.child.pid);
    expect(await r.stop('SIGTERM')).toBe(143);

    const want = await figures(source, 'ledger');
    const n = BIG + 1000;
    expect(want.startsWith(`n=${n.toFixed(2)} ids=${((n * (n + 1)) / 2).toFixed(2)} `), want).toBe(true);
    expect(await figures(target, 'ledger', from)).toBe(want);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
    expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
    return { commitS: (committed - started) / 1000, applyS: (applied - committed) / 1000, peakMiB };
  } finally {
    if (r !== undefined && r.child.exitCode === null) await r.stop('SIGKILL');
    if (s === 'postgres') await dropPgCapture(sourceDb).catch(() => undefined);
    await Promise.all([sourceDb.drop(), targetDb.drop()]);
    project.cleanup();
  }
}

/** A running process's peak resident memory in MiB, where /proc tells it. */
function peakOf(pid: number | undefined): number | undefined {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}
