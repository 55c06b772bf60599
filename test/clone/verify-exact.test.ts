import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { tempDir } from '../support/scratch.js';
import { CASES, edgesFor } from './exact-values-cases.js';
import { ENGINES, insertCase, nextAfter, readCase, setFloat } from './exact-values-engines.js';
import { redbAsync, urlFor } from './helpers.js';

/**
 * verify compares floats by their bits: identical data across engines compares equal, and a
 * change of one double's (or float's) last bit in the target, or of a zero's sign, is a mismatch,
 * whichever engine the target is. Real PostgreSQL and MariaDB servers, embedded SQLite and DuckDB.
 */

type Name = Exclude<Engine, 'mongodb'>;
/** Every engine as a target, from another engine and from itself (SQLite has no -0 and no 32-bit float, so from itself it has nothing to tell apart). */
const PAIRS: readonly (readonly [Name, Name])[] = [
  ['mysql', 'postgres'],
  ['postgres', 'mysql'],
  ['duckdb', 'sqlite'],
  ['mysql', 'duckdb'],
  ['postgres', 'postgres'],
  ['mysql', 'mysql'],
  ['duckdb', 'duckdb'],
];

const FLOATS = CASES.filter((c) => c.table === 'float64' || c.table === 'float32');

describe('verify sees the last bit of a float (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir('redb-verify-bits-');
  });
  afterAll(() => dir?.cleanup());

  type Check = { table: string; match: boolean };
  const verify = async (from: string, to: string) => {
    const r = await redbAsync(dir.path, ['verify', from, to, '--json']);
    const out = JSON.parse(r.stdout) as { tables?: Check[]; error?: { code: string; data: { checks: Check[] } } };
    return { code: r.code, error: out.error?.code, mismatched: (out.tables ?? out.error?.data.checks ?? []).filter((c) => !c.match).map((c) => c.table) };
  };

  it.concurrent.each(PAIRS)('%s → %s', { timeout: 180_000 }, async (s, t) => {
    const [source, target] = await Promise.all([ENGINES[s].create(), ENGINES[t].create()]);
    try {
      const cases = FLOATS.filter((c) => c.native[s] !== undefined);
      for (const c of cases)
        await insertCase(
          s,
          source,
          c,
          edgesFor(c, s, t).map((e) => e.value),
        );
      const clone = await redbAsync(dir.path, ['clone', urlFor(source.url), urlFor(target.url), '--allow', 'lossy', '--yes', '--json']);
      expect(clone.code, clone.stderr).toBe(0);
      // The target holds the source's values bit for bit, and identical data is no mismatch.
      for (const c of cases) expect(await readCase(t, target, c), c.table).toEqual(await readCase(s, source, c));
      expect(await verify(urlFor(source.url), urlFor(target.url))).toMatchObject({ code: 0, mismatched: [] });

      // A zero that loses its sign, where both engines have signed zeros.
      const float64 = cases.find((c) => c.table === 'float64');
      const negativeZero = float64 === undefined ? -1 : edgesFor(float64, s, t).findIndex((e) => Object.is(e.value, -0));
      if (negativeZero >= 0) {
        await setFloat(t, target, 'float64', negativeZero + 1, 0);
        expect(await verify(urlFor(source.url), urlFor(target.url))).toMatchObject({ code: 1, error: 'REDB_VERIFY_MISMATCH' });
        await setFloat(t, target, 'float64', negativeZero + 1, -0);
        expect(await verify(urlFor(source.url), urlFor(target.url))).toMatchObject({ code: 0, mismatched: [] });
      }

      // The first row of each table moves by one bit of its own width in the target.
      for (const c of cases) {
        const first = edgesFor(c, s, t)[0]?.value as number;
        const bits = c.table === 'float32' && t !== 'sqlite' ? 32 : 64;
        await setFloat(t, target, c.table, 1, nextAfter(first, bits));
      }
      const after = await verify(urlFor(source.url), urlFor(target.url));
      expect(after.code).toBe(1);
      expect(after.error).toBe('REDB_VERIFY_MISMATCH');
      expect(after.mismatched.map((m) => m.replace(/^(public|main)\./, '')).sort()).toEqual(cases.map((c) => c.table).sort());
    } finally {
      await Promise.all([source.drop(), target.drop()]);
    }
  });
});
