import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { changesBetween } from '../../src/ops/changes.js';
import { canonicalText, reverseRenames, type Rename, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import type { ScratchDb, TestEngine } from '../support/scratch.js';

/**
 * A migration case: two schemas written in the engine's own SQL. The suite builds both for real,
 * migrates a database from `from` to `to` and back, and reads the live schema after each leg: it must
 * equal the side it was migrated to, byte for byte in canonical form.
 */
export interface Pair {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** Renames recorded between the two sides (as `redb mv` would), applied forward and undone back. */
  readonly renames?: readonly Rename[];
  /** Rows to put in the `from` database before migrating: they must survive where the plan keeps them. */
  readonly seed?: string;
}

/** Plan live → target with the adapter's own compiler, apply it, and read the live schema back. */
export async function migrateTo(
  engine: TestEngine,
  db: ScratchDb,
  target: Schema,
  renames: readonly Rename[],
): Promise<{ schema: Schema; statements: number }> {
  const adapter = await loadAdapter(engine.engine);
  const connection = await adapter.connect({ name: 'pair', url: db.url, cwd: process.cwd() });
  try {
    const live = await connection.introspect();
    const { operations, from } = changesBetween(live, target, renames);
    const plan = adapter.dialect.compile({ operations, from, to: target });
    await connection.apply(plan);
    return { schema: await connection.introspect(), statements: plan.steps.flatMap((s) => s.statements).length };
  } finally {
    await connection.close();
  }
}

export function pairSuite(engine: TestEngine, pairs: readonly Pair[]): void {
  describe(`migration pairs: ${engine.engine}`, () => {
    it('has distinct case names', () => {
      expect(new Set(pairs.map((p) => p.name)).size).toBe(pairs.length);
    });
    it.each(pairs.map((p) => [p.name, p] as const))('%s', async (_name, pair) => {
      const [db, reference] = await Promise.all([engine.create(), engine.create()]);
      try {
        if (pair.from.trim() !== '') await db.exec(pair.from);
        if (pair.seed !== undefined) await db.exec(pair.seed);
        if (pair.to.trim() !== '') await reference.exec(pair.to);
        const from = await introspectUrl(engine, db.url);
        const to = await introspectUrl(engine, reference.url);
        // A case whose two sides are the same model tests nothing.
        expect(canonicalText(from)).not.toBe(canonicalText(to));
        const forward = await migrateTo(engine, db, to, pair.renames ?? []);
        expect(forward.statements).toBeGreaterThan(0);
        expect(canonicalText(forward.schema)).toBe(canonicalText(to));
        const back = await migrateTo(engine, db, from, reverseRenames(pair.renames ?? []));
        expect(canonicalText(back.schema)).toBe(canonicalText(from));
      } finally {
        await Promise.all([db.drop(), reference.drop()]);
      }
    });
  });
}
