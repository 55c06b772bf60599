import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { tempDir } from '../support/scratch.js';
import { ENGINES, idsOf } from './exact-values-engines.js';
import { redbAsync, urlFor } from './helpers.js';

/**
 * A value the target would store as another value is refused at its row, with a code naming the
 * table, the column and the value, and nothing of its batch is written: never a NaN become NULL or
 * a -0 become 0 without a word. Real PostgreSQL and MariaDB servers, embedded SQLite and DuckDB.
 */

type Name = Exclude<Engine, 'mongodb'>;

interface Refusal {
  readonly from: Name;
  readonly to: Name;
  /** The source table `t (id, v)`, in the source's SQL. */
  readonly setup: string;
  readonly value: string;
}

const CASES: readonly Refusal[] = [
  { from: 'duckdb', to: 'sqlite', setup: "CREATE TABLE t (id INTEGER PRIMARY KEY, v DOUBLE); INSERT INTO t VALUES (1, 1.5), (2, 'NaN'::DOUBLE)", value: 'NaN' },
  {
    from: 'postgres',
    to: 'sqlite',
    setup: "CREATE TABLE t (id integer PRIMARY KEY, v double precision); INSERT INTO t VALUES (1, 1.5), (2, '-0')",
    value: '-0',
  },
  {
    from: 'postgres',
    to: 'mysql',
    setup: "CREATE TABLE t (id integer PRIMARY KEY, v double precision); INSERT INTO t VALUES (1, 1.5), (2, '-0')",
    value: '-0',
  },
  {
    from: 'duckdb',
    to: 'mysql',
    setup: "CREATE TABLE t (id INTEGER PRIMARY KEY, v DOUBLE); INSERT INTO t VALUES (1, 1.5), (2, 'Infinity'::DOUBLE)",
    value: 'Infinity',
  },
  {
    from: 'sqlite',
    to: 'postgres',
    setup: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'ok'), (2, 'a' || char(0) || 'b')",
    value: 'text with a NUL character',
  },
];

describe('a value the target cannot store is refused at its row (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir('redb-refusals-');
  });
  afterAll(() => dir?.cleanup());

  it.concurrent.each(CASES.map((c) => [`${c.from} → ${c.to}: ${c.value}`, c] as const))('%s', { timeout: 120_000 }, async (_name, c) => {
    const [source, target] = await Promise.all([ENGINES[c.from].create(), ENGINES[c.to].create()]);
    try {
      await source.exec(c.setup);
      // One batch per row: the first row is committed, the refused one is not.
      const r = await redbAsync(dir.path, ['clone', urlFor(source.url), urlFor(target.url), '--allow', 'lossy', '--yes', '--batch-rows', '1', '--json']);
      expect(r.code, r.stderr).toBe(1);
      const error = (JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{\n  "error"'))) as { error: { code: string; data: Record<string, unknown> } }).error;
      expect(error.code).toBe('REDB_CLONE_VALUE_UNFIT');
      expect(error.data).toMatchObject({ table: 't', column: 'v', value: c.value });
      expect(r.stderr).toMatch(/^error\[REDB_CLONE_VALUE_UNFIT\]: t\.v holds /m);
      expect(await idsOf(c.to, target, 't')).toEqual([1]);
    } finally {
      await Promise.all([source.drop(), target.drop()]);
    }
  });
});
