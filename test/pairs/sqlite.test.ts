import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileSqlite } from '../../src/adapters/sqlite/compile.js';
import { changesBetween } from '../../src/ops/changes.js';
import { reverseRenames, type Rename, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';
import { sqlitePairs } from './cases/sqlite.js';
import { migrateTo, pairSuite, type Pair } from './run-pairs.js';

pairSuite(sqliteEngine, sqlitePairs);

/** Run read-only SQL against a scratch database's file. */
function query<T>(db: ScratchDb, sql: string): T[] {
  const file = new Sqlite(db.url.slice('sqlite:'.length), { readonly: true });
  try {
    return file.prepare(sql).all() as T[];
  } finally {
    file.close();
  }
}

const rowCounts = (db: ScratchDb): Map<string, number> =>
  new Map(
    query<{ name: string }>(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").map((t) => [
      t.name,
      query<{ n: number }>(db, `SELECT count(*) AS n FROM "${t.name.replace(/"/g, '""')}"`)[0]?.n ?? 0,
    ]),
  );

const renamedTable = (name: string, renames: readonly Rename[]) =>
  renames.reduce((current, r) => (r.kind === 'table' && r.from === current ? r.to : current), name);

/** The model that `sql` builds. */
async function schemaOf(sql: string): Promise<Schema> {
  const reference = await sqliteEngine.create();
  try {
    await reference.exec(sql);
    return await introspectUrl(sqliteEngine, reference.url);
  } finally {
    await reference.drop();
  }
}

/** Plan from the database's own schema to the schema `sql` builds, and apply it. */
async function migrateToSql(db: ScratchDb, sql: string, renames: readonly Rename[] = []): Promise<void> {
  await migrateTo(sqliteEngine, db, await schemaOf(sql), renames);
}

async function seeded<T>(sql: string, seed: string, body: (db: ScratchDb) => Promise<T>): Promise<T> {
  const db = await sqliteEngine.create();
  try {
    await db.exec(sql);
    await db.exec(seed);
    return await body(db);
  } finally {
    await db.drop();
  }
}

describe('migration pairs: sqlite rows', () => {
  // The pair suite compares schemas; here every table that exists on both sides keeps all its rows.
  const withRows = sqlitePairs.filter((p): p is Pair & { seed: string } => p.seed !== undefined);
  it.each(withRows.map((p) => [p.name, p] as const))('rows survive: %s', async (_name, pair) => {
    await seeded(pair.from, pair.seed, async (db) => {
      const before = rowCounts(db);
      await migrateToSql(db, pair.to, pair.renames);
      const after = rowCounts(db);
      const kept = [...before].filter(([table]) => after.has(renamedTable(table, pair.renames ?? [])));
      for (const [table, rows] of kept) expect({ table, rows: after.get(renamedTable(table, pair.renames ?? [])) }).toEqual({ table, rows });
    });
  });

  it('a table rebuild keeps the AUTOINCREMENT counter, so deleted ids are not handed out again', async () => {
    const id = await seeded(
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)',
      "INSERT INTO t (v) VALUES ('a'), ('b'), ('c'); DELETE FROM t WHERE id = 3",
      async (db) => {
        await migrateToSql(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)');
        await db.exec("INSERT INTO t (v) VALUES ('d')");
        return query<{ id: number }>(db, "SELECT id FROM t WHERE v = 'd'")[0]?.id;
      },
    );
    expect(id).toBe(4);
  });

  it('a rebuild into a table with ON CONFLICT IGNORE fails on duplicates instead of dropping rows', async () => {
    await seeded('CREATE TABLE t (a INTEGER)', 'INSERT INTO t VALUES (1), (1)', async (db) => {
      await expect(migrateToSql(db, 'CREATE TABLE t (a INTEGER UNIQUE ON CONFLICT IGNORE)')).rejects.toThrow(/UNIQUE constraint failed/);
      expect(rowCounts(db).get('t')).toBe(2);
    });
  });
});

describe('migration pairs: sqlite data-loss warnings', () => {
  // Each pair's plan (forward, or back where the name says so) warns exactly when data is at risk.
  type Expected = readonly [name: string, back: boolean, hazards: readonly string[]];
  const expected: readonly Expected[] = [
    ['rename a table with rows', false, []],
    ['rename a column with rows', false, []],
    ['rename an index', false, []],
    ['rename a view', false, []],
    ['widen a varchar with rows', false, []],
    ['integer to text with rows', false, ['data-dependent']],
    ['add a NOT NULL column with a default to a table with rows', false, []],
    ['make a column NOT NULL with rows', false, ['data-dependent']],
    ['trigger survives a rebuild of its table', false, ['data-dependent']],
    ['drop a plain column from a table with rows', false, ['drops-data']],
    ['drop a table and the view over it at once', false, ['drops-data']],
    ['change the columns of an fts5 table', false, ['drops-data']],
  ];
  const pairs = new Map(sqlitePairs.map((p) => [p.name, p]));
  it.each(expected)('%s (back: %s) warns of %j', async (name, back, hazards) => {
    const pair = pairs.get(name);
    if (pair === undefined) throw new Error(`no pair named ${name}`);
    const [a, b] = await Promise.all([schemaOf(pair.from), schemaOf(pair.to)]);
    const [from, to] = back ? [b, a] : [a, b];
    const renames = back ? reverseRenames(pair.renames ?? []) : (pair.renames ?? []);
    const changes = changesBetween(from, to, renames);
    const plan = compileSqlite({ operations: changes.operations, from: changes.from, to });
    const found = new Set(plan.steps.flatMap((s) => s.hazards.map((h) => h.name)).filter((h) => h === 'drops-data' || h === 'data-dependent'));
    expect([...found].sort()).toEqual([...hazards].sort());
  });
});
