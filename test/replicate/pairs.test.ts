import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { pgQuery } from '../support/postgres.js';
import { tempDir, type TestEngine } from '../support/scratch.js';
import { ENGINES } from '../clone/exact-values-engines.js';
import { PAIRS, pairName } from './pairs.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { reachedHead } from './source-head.js';
import { dropPgCapture, killReplicators, exec, figures, itemsDdl, Replicator, rows, side, until, type Side } from './helpers.js';

/**
 * `redb replicate` between real servers, one source × target pair per case, the cases side by
 * side: an initial copy, then inserts, updates, NULLs, deletes, key updates and a multi-statement
 * transaction on the source while the job streams; a stop (SIGTERM, exit 143); changes made while
 * it is stopped; a restart that resumes from the target's position; then the target equals the
 * source (counts and sums read from each engine, and `redb verify`), and `drop` removes the job.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** Hex text long enough to be stored out of line by PostgreSQL (TOAST), so unchanged values are not sent on update. */
const big = (): string => randomBytes(6000).toString('hex');

const begin = (s: Side) => (s.engine === 'mysql' ? 'START TRANSACTION;' : 'BEGIN;');

function changes(s: Side, round: number): string {
  const base = 1000 * round;
  const inserts = Array.from({ length: 40 }, (_x, i) => `(${base + i}, 'new ${i}', ${i}, ${i}.25, ${i % 3 === 0 ? 'NULL' : `'note ${i}'`})`).join(', ');
  return [
    `INSERT INTO items (id, name, qty, price, note) VALUES ${inserts};`,
    `UPDATE items SET qty = qty + 1 WHERE id % 7 = 0;`,
    `UPDATE items SET note = NULL WHERE id % 5 = 0;`,
    // Only qty changes: a large note stays what it was (PostgreSQL sends no unchanged TOAST value).
    `UPDATE items SET qty = qty + 10 WHERE id % 9 = 2;`,
    `DELETE FROM items WHERE id % 11 = 0;`,
    `UPDATE items SET id = id + 100000 + ${round} WHERE id % 13 = 1 AND id < 100000;`,
    `${begin(s)} INSERT INTO items (id, name, qty, price, note) VALUES (${base + 500}, 'in a transaction', 5, NULL, '${big()}'); UPDATE items SET price = price * 2 WHERE id % 4 = 3; DELETE FROM items WHERE id = ${base + 1}; COMMIT;`,
  ].join('\n');
}

async function seed(s: Side): Promise<void> {
  const values = Array.from(
    { length: 200 },
    (_x, i) => `(${i + 1}, 'item ${i + 1}', ${i}, ${i + 0.5}, ${i % 10 === 0 ? 'NULL' : i % 10 === 1 ? `'${big()}'` : `'n${i}'`})`,
  ).join(', ');
  await exec(s, `${itemsDdl()};\nINSERT INTO items (id, name, qty, price, note) VALUES ${values};`);
}

/** The target has the sentinel row and the source's figures. */
const caughtUp = (source: Side, target: Side, sentinel: number) => async () =>
  (await rows(target, `SELECT id FROM items WHERE id = ${sentinel}`)).length === 1 && (await figures(target)) === (await figures(source));

async function pair(from: TestEngine, to: TestEngine): Promise<void> {
  const source = side(from.engine, await from.create());
  const target = side(to.engine, await to.create());
  const project = tempDir('redb-replicate-');
  cleanups.push(async () => {
    if (source.engine === 'postgres') await dropPgCapture(source.db);
    await source.db.drop();
    await target.db.drop();
    project.cleanup();
  });
  const job = `t_${randomBytes(4).toString('hex')}`;
  expect(redb(project.path, ['init']).code).toBe(0);
  await seed(source);

  // The target file is held by the job while it runs: for DuckDB, progress is read from the job's own events.
  const wait = async (r: Replicator, sentinel: number) => {
    if (target.engine !== 'duckdb') return until(caughtUp(source, target, sentinel), `${job} to apply the changes`);
    return reachedHead(source, job, r);
  };

  // SQLite keeps a decimal that fits no integer as a double: a loss the copy lists and must be allowed.
  const allow = target.engine === 'sqlite' && source.engine !== 'sqlite' ? ['--allow', 'lossy'] : [];
  const first = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500', ...allow]);
  // Generous: the pairs run side by side on a shared machine.
  const copied = await first.until('copied', 180_000);
  expect(copied.rows).toBe(200);
  await first.until('streaming');
  await exec(source, changes(source, 1));
  await exec(source, `INSERT INTO items (id, name, qty, price, note) VALUES (900001, 'sentinel', 0, 0, NULL)`);
  await wait(first, 900001);
  expect(await first.stop('SIGTERM')).toBe(143);
  expect(first.events.at(-1), first.stderr).toMatchObject({ type: 'stopped', job, signal: 'SIGTERM' });

  // Changes while the job is stopped are applied when it runs again, from the target's position.
  await exec(source, changes(source, 2));
  await exec(source, `INSERT INTO items (id, name, qty, price, note) VALUES (900002, 'sentinel', 0, 0, NULL)`);
  const second = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500', ...allow]);
  expect(await second.until('streaming')).toMatchObject({ resumed: true });
  expect(second.events.some((e) => e.type === 'copied')).toBe(false);
  await wait(second, 900002);
  expect(await second.stop('SIGINT')).toBe(130);

  // A PostgreSQL schema stays a schema in DuckDB.
  const itemsOnTarget = source.engine === 'postgres' && target.engine === 'duckdb' ? 'public.items' : 'items';
  expect(await figures(target, 'items', itemsOnTarget)).toBe(await figures(source));
  const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
  expect(verify.stderr + verify.stdout).toMatch(/matches/);
  expect(verify.code).toBe(0);

  const status = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
  expect(status.code).toBe(0);
  const [state] = (JSON.parse(status.stdout) as { jobs: { state: string; position: string | null; changes: number }[] }).jobs;
  expect(state).toMatchObject({ state: 'stopped' });
  expect(state?.position).not.toBeNull();
  expect(state?.changes).toBeGreaterThan(0);

  const dropped = redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV);
  expect(dropped.code, dropped.stderr).toBe(0);
  if (source.engine === 'postgres') {
    const name = new URL(source.db.url).pathname.slice(1);
    expect(await pgQuery(source.db.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).toEqual([]);
  }
  if (source.engine === 'sqlite') expect(await rows(source, `SELECT name FROM sqlite_master WHERE name LIKE 'redb%'`)).toEqual([]);
  expect(redb(project.path, ['replicate', 'status', job], PASSWORD_ENV).code).toBe(1);
}

describe.concurrent('redb replicate between engines (real servers)', () => {
  for (const [s, t] of PAIRS) it(pairName(s, t), () => pair(ENGINES[s], ENGINES[t]), 300_000);
});
