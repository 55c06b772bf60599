import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { changesBetween } from '../../src/ops/changes.js';
import type { Rename, Schema } from '../../src/unified/index.js';
import { quoteIdent } from '../../src/adapters/mysql/sql-text.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';
import { mysqlPairs } from './cases/mysql.js';
import { pairSuite, type Pair } from './run-pairs.js';

pairSuite(mysqlEngine, mysqlPairs);

/** Where a table's column ends up after the recorded renames, each naming things as they were when recorded. */
function renamed(renames: readonly Rename[], table: string, column: string): { table: string; column: string } {
  let [t, c] = [table, column];
  for (const r of renames) {
    if (r.kind === 'table' && r.from === t) t = r.to;
    if (r.kind === 'column' && r.table === t && r.from === c) c = r.to;
  }
  return { table: t, column: c };
}

interface Kept {
  readonly before: { table: string; column: string };
  readonly after: { table: string; column: string };
}

/** Stored columns of seeded tables that both sides have with the same type: their values must come through unchanged. */
function keptColumns(live: Schema, target: Schema, renames: readonly Rename[]): Kept[] {
  return live.tables.flatMap((t) =>
    t.columns.flatMap((c): Kept[] => {
      const after = renamed(renames, t.name, c.name);
      const twin = target.tables.find((x) => x.name === after.table)?.columns.find((x) => x.name === after.column);
      const same = twin !== undefined && twin.type.native === c.type.native && twin.generated === undefined && c.generated === undefined;
      return same ? [{ before: { table: t.name, column: c.name }, after }] : [];
    }),
  );
}

/** The values as hex of utf8mb4 text: neither the driver's reading of column metadata (a JSON flag) nor a charset conversion counts as a change. */
const values = (db: ScratchDb, at: { table: string; column: string }) =>
  mysqlRows<{ v: string | null }>(db, `SELECT hex(convert(${quoteIdent(at.column)} USING utf8mb4)) AS v FROM ${quoteIdent(at.table)} ORDER BY 1`).then((rows) =>
    rows.map((r) => r.v),
  );

/**
 * Beyond the shared runner, which compares schemas only: where the forward plan warns of no data loss,
 * every seeded value must still be there afterwards; a pair with recorded renames must not warn at all.
 * A rename done as drop and add, or a silent loss the hazards miss, fails here.
 */
describe('migration pairs: mysql: seeded values survive a plan that drops no data', () => {
  const seeded = mysqlPairs.filter((p): p is Pair & { seed: string } => p.seed !== undefined);
  it.each(seeded.map((p) => [p.name, p] as const))('%s', async (_name, pair) => {
    const [db, reference] = await Promise.all([mysqlEngine.create(), mysqlEngine.create()]);
    const adapter = await loadAdapter('mysql');
    try {
      await db.exec(pair.from);
      await db.exec(pair.seed);
      await reference.exec(pair.to);
      const target = await introspectUrl(mysqlEngine, reference.url);
      const connection = await adapter.connect({ name: 'pair', url: db.url, cwd: process.cwd() });
      try {
        const live = await connection.introspect();
        const renames = pair.renames ?? [];
        const { operations, from } = changesBetween(live, target, renames);
        const plan = adapter.dialect.compile({ operations, from, to: target });
        const kept = keptColumns(live, target, renames);
        const before = await Promise.all(kept.map((k) => values(db, k.before)));
        await connection.apply(plan);
        const dropsData = plan.steps.some((s) => s.hazards.some((h) => h.name === 'drops-data'));
        // Every recorded rename here keeps all data: a plan that warns otherwise did drop and add.
        if (renames.length > 0) expect(dropsData).toBe(false);
        if (dropsData) return;
        // A case whose seeded columns all change type checks nothing here.
        expect(kept.length).toBeGreaterThan(0);
        expect(await Promise.all(kept.map((k) => values(db, k.after)))).toEqual(before);
      } finally {
        await connection.close();
      }
    } finally {
      await Promise.all([db.drop(), reference.drop()]);
    }
  });
});
