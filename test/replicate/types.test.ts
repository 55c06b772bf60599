import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { CASES, edgesFor, type TypeCase } from '../clone/exact-values-cases.js';
import { ENGINES, insertCase, readCase } from '../clone/exact-values-engines.js';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { dropPgCapture, exec, killReplicators, Replicator, side, type Side } from './helpers.js';
import { PAIRS, pairName } from './pairs.js';
import { reachedHead } from './source-head.js';

/**
 * Every portable type through `redb replicate`, for every source × target pair: each type's edge
 * values (clone's exact-values cases, plus integers of every width, a bounded varchar and a
 * decimal with scale) are copied, then inserted again, updated to other values, set to NULL,
 * deleted and moved to another key while the job streams. The target must then hold, bit for bit
 * as read by its own driver, what the source holds, and `redb verify` must agree.
 */

const cleanups: (() => Promise<void>)[] = [];
// Dropping scratch databases waits for the shared server's checkpoints: they go side by side, with time to spare.
afterAll(async () => {
  killReplicators();
  await Promise.all(cleanups.map((c) => c().catch(() => undefined)));
}, 600_000);

/** Widths and bounded types the clone cases leave out. */
const MORE: readonly TypeCase[] = [
  {
    table: 'i8',
    compare: 'integer',
    native: { mysql: 'tinyint', sqlite: 'TINYINT', duckdb: 'TINYINT' },
    edges: [{ value: -128n }, { value: 127n }, { value: 0n }],
  },
  {
    table: 'i16',
    compare: 'integer',
    native: { postgres: 'smallint', mysql: 'smallint', sqlite: 'SMALLINT', duckdb: 'SMALLINT' },
    edges: [{ value: -32768n }, { value: 32767n }, { value: 0n }],
  },
  { table: 'i24', compare: 'integer', native: { mysql: 'mediumint' }, edges: [{ value: -8388608n }, { value: 8388607n }, { value: 1n }] },
  {
    table: 'i32',
    compare: 'integer',
    native: { postgres: 'integer', mysql: 'int', sqlite: 'INT', duckdb: 'INTEGER' },
    edges: [{ value: -2147483648n }, { value: 2147483647n }, { value: 0n }],
  },
  { table: 'u32', compare: 'integer', native: { mysql: 'int unsigned', duckdb: 'UINTEGER' }, edges: [{ value: 4294967295n }, { value: 0n }] },
  {
    table: 'money',
    compare: 'decimal',
    native: { postgres: 'numeric(12,2)', mysql: 'decimal(12,2)', sqlite: 'DECIMAL(12,2)', duckdb: 'DECIMAL(12,2)' },
    edges: [{ value: '-9999999999.99' }, { value: '9999999999.99' }, { value: '0.01' }, { value: '0.00' }],
  },
  {
    table: 'vc',
    compare: 'text',
    native: { postgres: 'varchar(200)', mysql: 'varchar(200)', sqlite: 'VARCHAR(200)', duckdb: 'VARCHAR(200)' },
    edges: [{ value: '' }, { value: 'Zoë ☃ 日本語 😀' }, { value: 'ü'.repeat(200) }, { value: ' ' }],
  },
];

const ALL = [...CASES, ...MORE];

/** Each value moves to the next row: every row changes, to a value of the same type. */
const rotate = <T>(values: readonly T[]): T[] => [...values.slice(1), ...values.slice(0, 1)];

async function typesPair(s: Exclude<Engine, 'mongodb'>, t: Exclude<Engine, 'mongodb'>): Promise<void> {
  const [sourceDb, targetDb] = await Promise.all([ENGINES[s].create(), ENGINES[t].create()]);
  const source: Side = side(s, sourceDb);
  const target: Side = side(t, targetDb);
  const project = tempDir('redb-replicate-types-');
  cleanups.push(async () => {
    if (s === 'postgres') await dropPgCapture(sourceDb);
    await Promise.all([sourceDb.drop(), targetDb.drop()]);
    project.cleanup();
  });
  const job = `ty_${randomBytes(4).toString('hex')}`;
  expect(redb(project.path, ['init']).code).toBe(0);

  const cases = ALL.filter((c) => c.native[s] !== undefined && edgesFor(c, s, t).length > 0);
  const valuesOf = (c: TypeCase) => edgesFor(c, s, t).map((e) => e.value);
  for (const c of cases) await insertCase(s, sourceDb, c, valuesOf(c));

  const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500', '--allow', 'lossy', '--yes']);
  // A PostgreSQL slot is made only once every transaction then running on the server has ended: side by side with other jobs' copies, that takes a while.
  await r.until('copied', 300_000);
  await r.until('streaming');

  const b = s === 'mysql' ? '`' : '"';
  for (const c of cases) {
    const values = valuesOf(c);
    // New rows of every value, then every copied row changed to another value of its type.
    await insertCase(s, sourceDb, c, values, { create: false, firstId: 1001 });
    if (values.length > 1) await insertCase(s, sourceDb, c, rotate(values), { create: false, update: true });
    const n = values.length;
    await exec(
      source,
      [
        `UPDATE ${b}${c.table}${b} SET v = NULL WHERE id = 1001`,
        `DELETE FROM ${b}${c.table}${b} WHERE id = ${1000 + n}`,
        ...(n > 2 ? [`UPDATE ${b}${c.table}${b} SET id = 5000 WHERE id = 1002`] : []),
      ].join(';\n'),
    );
  }
  await reachedHead(source, job, r, 120_000);
  expect(await r.stop('SIGTERM')).toBe(143);

  const changed: string[] = [];
  for (const c of cases) {
    const before = await readCase(s, sourceDb, c);
    const after = await readCase(t, targetDb, c).catch((e: unknown) => new Map([[0, `unreadable: ${String(e)}`]]));
    for (const [id, value] of before) {
      if (after.get(id) !== value) changed.push(`${c.table} #${id}: ${value.slice(0, 80)} became ${String(after.get(id)).slice(0, 80)}`);
    }
    for (const id of after.keys()) if (!before.has(id)) changed.push(`${c.table} #${id}: not on the source, but on the target`);
  }
  expect(changed, `values changed on the way ${s} → ${t}: ${r.stderr.trim().split('\n').pop() ?? ''}`).toEqual([]);

  const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
  expect(verify.code, verify.stderr + verify.stdout).toBe(0);
  expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
}

describe.concurrent('every portable type through redb replicate, every pair (real servers)', () => {
  for (const [s, t] of PAIRS) it(pairName(s, t), () => typesPair(s, t), 600_000);
});
