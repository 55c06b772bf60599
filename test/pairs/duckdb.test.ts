import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { introspectDuckdb } from '../../src/adapters/duckdb/introspect.js';
import { quoteIdent } from '../../src/adapters/duckdb/sql-text.js';
import { loadAdapter } from '../../src/adapters/registry.js';
import { changesBetween } from '../../src/ops/changes.js';
import { rehearsal } from '../../src/ops/shadow.js';
import { reverseRenames, type Rename, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { duckdbEngine, duckdbRows } from '../support/duckdb.js';
import type { ScratchDb } from '../support/scratch.js';
import { duckdbPairs, duckdbUnsupported } from './cases/duckdb.js';
import { migrateTo, pairSuite, type Pair } from './run-pairs.js';

pairSuite(duckdbEngine, duckdbPairs);

/** A table; `schema` is absent for DuckDB's `main`, as in the model. */
interface TableAt {
  readonly schema: string | undefined;
  readonly table: string;
}
interface At extends TableAt {
  readonly column: string;
}

const fileOf = (db: ScratchDb) => db.url.slice('duckdb:'.length);
const tableText = (at: TableAt) => `${quoteIdent(at.schema ?? 'main')}.${quoteIdent(at.table)}`;

/** Where a column ends up after the recorded renames, each naming things as they were when recorded. */
function renamed(renames: readonly Rename[], at: At): At {
  let { table, column } = at;
  for (const r of renames) {
    if (r.schema !== at.schema) continue;
    if (r.kind === 'table' && r.from === table) table = r.to;
    if (r.kind === 'column' && r.table === table && r.from === column) column = r.to;
  }
  return { schema: at.schema, table, column };
}

/** Tables on both sides, as named before and after the recorded renames. */
const keptTables = (live: Schema, target: Schema, renames: readonly Rename[]): { before: TableAt; after: TableAt }[] =>
  live.tables.flatMap((t) => {
    const before = { schema: t.schema, table: t.name };
    const after = { schema: t.schema, table: renamed(renames, { ...before, column: '' }).table };
    return target.tables.some((x) => x.schema === after.schema && x.name === after.table) ? [{ before, after }] : [];
  });

/** Stored columns that both sides have with the same type: their values must come through unchanged. */
function keptColumns(live: Schema, target: Schema, renames: readonly Rename[]): { before: At; after: At }[] {
  return live.tables.flatMap((t) =>
    t.columns.flatMap((c) => {
      const before = { schema: t.schema, table: t.name, column: c.name };
      const after = renamed(renames, before);
      const twin = target.tables.find((x) => x.schema === after.schema && x.name === after.table)?.columns.find((x) => x.name === after.column);
      const same = twin !== undefined && twin.type.native === c.type.native && twin.generated === undefined && c.generated === undefined;
      return same ? [{ before, after }] : [];
    }),
  );
}

/** Every value of a column as text, sorted: the order a rebuild copies rows in does not count. */
const values = async (db: ScratchDb, at: At): Promise<unknown[]> =>
  (await duckdbRows(fileOf(db), `SELECT CAST(${quoteIdent(at.column)} AS VARCHAR) AS v FROM ${tableText(at)} ORDER BY 1 NULLS FIRST`)).map((r) => r.v);

async function rowCounts(db: ScratchDb, tables: readonly TableAt[]): Promise<number[]> {
  if (tables.length === 0) return [];
  const sql = tables.map((t) => `SELECT count(*) AS n FROM ${tableText(t)}`).join(' UNION ALL ');
  return (await duckdbRows(fileOf(db), `SELECT * FROM (${sql})`)).map((r) => Number(r.n));
}

/**
 * Beyond the shared runner, which compares schemas only: after the forward migration of a seeded pair,
 * every table that exists on both sides keeps all its rows, and every column kept with the same type
 * keeps its values. A rebuild that loses rows, or a rename done as drop and add, fails here.
 */
describe('migration pairs: duckdb rows', () => {
  const seeded = duckdbPairs.filter((p): p is Pair & { seed: string } => p.seed !== undefined);
  it.each(seeded.map((p) => [p.name, p] as const))('rows survive: %s', async (_name, pair) => {
    const [db, reference] = await Promise.all([duckdbEngine.create(), duckdbEngine.create()]);
    try {
      await db.exec(pair.from);
      await db.exec(pair.seed);
      await reference.exec(pair.to);
      const [live, target] = await Promise.all([introspectUrl(duckdbEngine, db.url), introspectUrl(duckdbEngine, reference.url)]);
      const renames = pair.renames ?? [];
      const kept = keptColumns(live, target, renames);
      const tables = keptTables(live, target, renames);
      const countsBefore = await rowCounts(
        db,
        tables.map((k) => k.before),
      );
      const valuesBefore = await Promise.all(kept.map((k) => values(db, k.before)));
      // A seed whose columns all change type or go away checks nothing here.
      expect(countsBefore.some((n) => n > 0)).toBe(true);

      await migrateTo(duckdbEngine, db, target, renames);

      expect(
        await rowCounts(
          db,
          tables.map((k) => k.after),
        ),
      ).toEqual(countsBefore);
      expect(await Promise.all(kept.map((k) => values(db, k.after)))).toEqual(valuesBefore);
    } finally {
      await Promise.all([db.drop(), reference.drop()]);
    }
  });
});

/**
 * DuckDB remembers which defaults and checks call a sequence or macro only while the database stays
 * open, and the runner above reopens the file for every step. `redb migrate` first rehearses a plan
 * on an in-memory shadow, built and migrated in one session: every plan, both ways, must pass there too.
 */
describe('migration pairs: duckdb rehearsed on a shadow', () => {
  /** The model `sql` builds, read from an in-memory database. */
  const modelOf = async (sql: string): Promise<Schema> => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      if (sql.trim() !== '') await connection.run(sql);
      return await introspectDuckdb(connection);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  };
  const target = { name: 'pair', url: 'duckdb::memory:', cwd: process.cwd() };

  it.each(duckdbPairs.map((p) => [p.name, p] as const))('%s', async (_name, pair) => {
    const [from, to] = await Promise.all([modelOf(pair.from), modelOf(pair.to)]);
    const adapter = await loadAdapter('duckdb');
    const legs = [
      [from, to, pair.renames ?? []],
      [to, from, reverseRenames(pair.renames ?? [])],
    ] as const;
    for (const [live, desired, renames] of legs) {
      const changes = changesBetween(live, desired, renames);
      const plan = adapter.dialect.compile({ operations: changes.operations, from: changes.from, to: desired });
      expect((await rehearsal(adapter, target, live, plan, desired)).outcome).toBe('verified');
    }
  });
});

describe('migration pairs: duckdb: what the planner refuses', () => {
  it.each(duckdbUnsupported.map((c) => [c.name, c] as const))('%s', async (_name, change) => {
    const [db, reference] = await Promise.all([duckdbEngine.create(), duckdbEngine.create()]);
    try {
      await db.exec(change.from);
      await reference.exec(change.to);
      const target = await introspectUrl(duckdbEngine, reference.url);
      const failure = await migrateTo(duckdbEngine, db, target, []).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'REDB_PLAN_UNSUPPORTED', message: expect.stringMatching(change.because) });
    } finally {
      await Promise.all([db.drop(), reference.drop()]);
    }
  });
});
