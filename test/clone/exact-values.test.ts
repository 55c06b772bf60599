import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { tempDir } from '../support/scratch.js';
import { CASES, edgesFor } from './exact-values-cases.js';
import { ENGINES, insertCase, intended, readCase } from './exact-values-engines.js';
import { redbAsync, urlFor } from './helpers.js';

/**
 * Every edge value of every portable type (exact-values-cases.ts) cloned across each ordered pair
 * of the four engines, and read back from the target with that engine's own driver: the target
 * must hold, bit for bit, what the source holds, wherever both engines can hold the value. Real
 * PostgreSQL and MariaDB servers, embedded SQLite and DuckDB; the pairs run side by side.
 */

const NAMES = Object.keys(ENGINES) as Exclude<Engine, 'mongodb'>[];
const PAIRS = NAMES.flatMap((s) => NAMES.filter((t) => t !== s).map((t) => [s, t] as const));

describe('exact values across every pair of engines (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir('redb-exact-');
  });
  afterAll(() => dir?.cleanup());

  it.concurrent.each(PAIRS)('%s → %s carries every value both hold, bit for bit, and verify agrees', { timeout: 240_000 }, async (s, t) => {
    const [source, target] = await Promise.all([ENGINES[s].create(), ENGINES[t].create()]);
    try {
      const cases = CASES.filter((c) => c.native[s] !== undefined && edgesFor(c, s, t).length > 0);
      for (const c of cases)
        await insertCase(
          s,
          source,
          c,
          edgesFor(c, s, t).map((e) => e.value),
        );

      // The source holds what was meant (a test that wrote something else would prove nothing).
      const held = new Map<string, Map<number, string>>();
      for (const c of cases) {
        const values = await readCase(s, source, c);
        held.set(c.table, values);
        if ((c.normalisedBy ?? []).includes(s)) continue;
        expect([...values.values()], `${s} holds ${c.table} as written`).toEqual(edgesFor(c, s, t).map((e) => intended(c, e.value)));
      }

      const r = await redbAsync(dir.path, ['clone', urlFor(source.url), urlFor(target.url), '--allow', 'lossy', '--yes', '--json']);
      const changed: string[] = [];
      for (const c of cases) {
        const before = held.get(c.table) as Map<number, string>;
        const after = await readCase(t, target, c).catch((e: unknown) => new Map([[0, `unreadable: ${String(e)}`]]));
        for (const [id, value] of before) {
          if (after.get(id) !== value) changed.push(`${c.table} #${id}: ${value.slice(0, 80)} became ${String(after.get(id)).slice(0, 80)}`);
        }
      }
      expect(changed, `values changed on the way ${s} → ${t}; the clone said: ${r.code} ${r.stderr.trim().split('\n').pop() ?? ''}`).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await Promise.all([source.drop(), target.drop()]);
    }
  });
});
