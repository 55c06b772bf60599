import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import type { Connection } from '../../src/adapters/adapter.js';
import { RedbError } from '../../src/errors.js';
import {
  applyRenames,
  canonicalText,
  diffSchemas,
  planHazards,
  planStatements,
  type Column,
  type Plan,
  type Schema,
  type Table,
} from '../../src/unified/index.js';
import { duckdbEngine, duckdbRows } from '../support/duckdb.js';
import type { ScratchDb } from '../support/scratch.js';

const SETUP = `
  CREATE TABLE team (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
  CREATE TABLE person (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES team (id), boss_id INTEGER REFERENCES person (id), name VARCHAR, age VARCHAR, note VARCHAR);
  CREATE INDEX person_name ON person (name);
  CREATE TABLE plain (a INTEGER, b VARCHAR, c VARCHAR);
  CREATE VIEW adults AS SELECT name FROM person WHERE CAST(age AS INTEGER) >= 18;
  INSERT INTO team VALUES (1, 'red'), (2, 'blue');
  -- DuckDB checks a foreign key against the rows already there, so each generation is its own statement.
  INSERT INTO person VALUES (1, 1, NULL, 'ann', '40', 'x');
  INSERT INTO person VALUES (2, 1, 1, 'bob', '17', NULL);
  INSERT INTO person VALUES (3, 2, 2, 'cy', '30', 'z');
  INSERT INTO plain VALUES (1, 'one', 'uno'), (2, 'two', 'dos')`;

const column = (name: string, native: string, kind: 'text' | 'integer' = 'text'): Column =>
  kind === 'text' ? { name, type: { kind, native }, nullable: true } : { name, type: { kind, native, bits: 32 }, nullable: true };

describe('migrating a DuckDB database', () => {
  let db: ScratchDb;
  let file: string;
  let connection: Connection;
  const adapter = loadAdapter('duckdb');

  beforeEach(async () => {
    db = await duckdbEngine.create();
    file = db.url.slice('duckdb:'.length);
    await db.exec(SETUP);
    connection = await (await adapter).connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
  });
  afterEach(async () => {
    await connection.close();
    await db.drop();
  });

  const rows = async (sql: string) => {
    await connection.close();
    try {
      return await duckdbRows(file, sql);
    } finally {
      connection = await (await adapter).connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
    }
  };
  const table = (s: Schema, name: string) => s.tables.find((t) => t.name === name) as Table;
  const withTable = (s: Schema, name: string, change: (t: Table) => Table): Schema => ({
    ...s,
    tables: s.tables.map((t) => (t.name === name ? change(t) : t)),
  });
  /** Plan from the live schema to `edit(live)`, apply it, and return the plan and the schema read back. */
  const migrate = async (edit: (s: Schema) => Schema): Promise<{ plan: Plan; after: Schema; target: Schema }> => {
    const live = await connection.introspect();
    const target = edit(live);
    const plan = (await adapter).dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
    await connection.apply(plan);
    return { plan, after: await connection.introspect(), target };
  };
  const hazards = (plan: Plan) => planHazards(plan).map((h) => h.name);

  it('adds a nullable column in place', async () => {
    const { plan, after, target } = await migrate((s) => withTable(s, 'person', (t) => ({ ...t, columns: [...t.columns, column('email', 'VARCHAR')] })));
    expect(planStatements(plan)).toEqual(['ALTER TABLE "person" ADD COLUMN "email" VARCHAR']);
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT id, name, email FROM person ORDER BY id')).toEqual([
      { id: 1, name: 'ann', email: null },
      { id: 2, name: 'bob', email: null },
      { id: 3, name: 'cy', email: null },
    ]);
  });

  it('drops a column in place where nothing depends on the table, keeping the other values', async () => {
    const { plan, after, target } = await migrate((s) => withTable(s, 'plain', (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'b') })));
    expect(planStatements(plan)).toEqual(['ALTER TABLE "plain" DROP COLUMN "b"']);
    expect(hazards(plan)).toContain('drops-data');
    expect(hazards(plan)).not.toContain('rewrites-table');
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT * FROM plain ORDER BY a')).toEqual([
      { a: 1, c: 'uno' },
      { a: 2, c: 'dos' },
    ]);
  });

  it('rebuilds an indexed, referenced table to drop a column, keeping every row of it and of the tables that reference it', async () => {
    const { plan, after, target } = await migrate((s) => withTable(s, 'person', (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'note') })));
    expect(hazards(plan)).toEqual(expect.arrayContaining(['drops-data', 'rewrites-table']));
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT * FROM person ORDER BY id')).toEqual([
      { id: 1, team_id: 1, boss_id: null, name: 'ann', age: '40' },
      { id: 2, team_id: 1, boss_id: 1, name: 'bob', age: '17' },
      { id: 3, team_id: 2, boss_id: 2, name: 'cy', age: '30' },
    ]);
  });

  it('rebuilds a parent table with the children that reference it', async () => {
    const { plan, after, target } = await migrate((s) =>
      withTable(s, 'team', (t) => ({
        ...t,
        columns: t.columns.map((c) => (c.name === 'name' ? { ...c, type: { kind: 'text', native: 'VARCHAR' }, nullable: true } : c)),
      })),
    );
    expect(plan.steps.map((s) => s.summary)).toContain('~ table person (rebuilt with a table it references)');
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT count(*) AS n FROM person')).toEqual([{ n: '3' }]);
    expect(await rows('SELECT * FROM team ORDER BY id')).toEqual([
      { id: 1, name: 'red' },
      { id: 2, name: 'blue' },
    ]);
  });

  it('changes a type by rebuilding the table and casting every value', async () => {
    const { plan, after, target } = await migrate((s) =>
      withTable(s, 'person', (t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'age' ? column('age', 'INTEGER', 'integer') : c)) })),
    );
    expect(hazards(plan)).toEqual(expect.arrayContaining(['rewrites-table', 'data-dependent']));
    expect(planStatements(plan).some((s) => s.includes('CAST(c."age" AS INTEGER)'))).toBe(true);
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT id, age FROM person ORDER BY id')).toEqual([
      { id: 1, age: 40 },
      { id: 2, age: 17 },
      { id: 3, age: 30 },
    ]);
    expect(await rows('SELECT * FROM adults ORDER BY name')).toEqual([{ name: 'ann' }, { name: 'cy' }]);
  });

  it('adds a NOT NULL column with a default by rebuilding, and fills it', async () => {
    const { after, target } = await migrate((s) =>
      withTable(s, 'plain', (t) => ({ ...t, columns: [...t.columns, { ...column('d', 'VARCHAR'), nullable: false, default: "'none'" }] })),
    );
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT a, d FROM plain ORDER BY a')).toEqual([
      { a: 1, d: 'none' },
      { a: 2, d: 'none' },
    ]);
  });

  it('rolls a failing plan back completely', async () => {
    const before = await connection.introspect();
    const live = before;
    const target: Schema = {
      ...withTable(live, 'plain', (t) => ({ ...t, checks: [{ expression: '(a > 1)' }] })),
      tables: [
        ...withTable(live, 'plain', (t) => ({ ...t, checks: [{ expression: '(a > 1)' }] })).tables,
        { name: 'extra', columns: [column('x', 'INTEGER', 'integer')], uniques: [], foreignKeys: [], checks: [], exclusions: [], indexes: [], policies: [] },
      ],
    };
    const plan = (await adapter).dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
    const failure = await connection.apply(plan).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RedbError);
    expect((failure as RedbError).code).toBe('REDB_MIGRATE_FAILED');
    expect((failure as RedbError).message).toContain('the database was left as it was');
    expect(canonicalText(await connection.introspect())).toBe(canonicalText(before));
    expect(await rows('SELECT * FROM plain ORDER BY a')).toEqual([
      { a: 1, b: 'one', c: 'uno' },
      { a: 2, b: 'two', c: 'dos' },
    ]);
  });

  it('renames a column and a table in place where DuckDB allows it', async () => {
    const live = await connection.introspect();
    const renamedPlain: Table = {
      ...table(live, 'plain'),
      name: 'flat',
      columns: table(live, 'plain').columns.map((c) => (c.name === 'b' ? { ...c, name: 'bee' } : c)),
    };
    const target: Schema = { ...live, tables: live.tables.map((t) => (t.name === 'plain' ? renamedPlain : t)) };
    // As `redb migrate` plans it: the recorded renames become operations, and `from` carries them already.
    const { operations, from } = applyRenames(live, target, [
      { kind: 'table', from: 'plain', to: 'flat' },
      { kind: 'column', table: 'flat', from: 'b', to: 'bee' },
    ]);
    const plan = (await adapter).dialect.compile({ operations, from, to: target });
    expect(planStatements(plan)).toEqual(['ALTER TABLE "plain" RENAME TO "flat"', 'ALTER TABLE "flat" RENAME COLUMN "b" TO "bee"']);
    await connection.apply(plan);
    expect(canonicalText(await connection.introspect())).toBe(canonicalText(target));
    expect(await rows('SELECT bee FROM flat ORDER BY a')).toEqual([{ bee: 'one' }, { bee: 'two' }]);
  });

  it('changes enums, sequences, views and macros by making them again', async () => {
    await connection.close();
    await db.exec(`CREATE TYPE mood AS ENUM ('a', 'b'); CREATE SEQUENCE ids START 5; CREATE MACRO twice(x) AS x * 2`);
    connection = await (await adapter).connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
    const { plan, after, target } = await migrate((s) => ({
      ...s,
      enums: s.enums.map((e) => ({ ...e, values: [...e.values, 'c'] })),
      sequences: s.sequences.map((q) => ({ ...q, start: '50' })),
      views: s.views.map((v) => ({ ...v, definition: 'SELECT "name" FROM person WHERE (CAST(age AS INTEGER) >= 21)' })),
      natives: s.natives.map((n) => ({ ...n, definition: 'CREATE MACRO "twice"("x") AS (x + x)' })),
    }));
    expect(hazards(plan)).toContain('drops-data');
    expect(canonicalText(after)).toBe(canonicalText(target));
  });

  it('refuses what DuckDB cannot express with REDB_PLAN_UNSUPPORTED, never an empty statement', async () => {
    const live = await connection.introspect();
    const compile = async (target: Schema) => (await adapter).dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
    const code = async (target: Schema) =>
      await compile(target).then(
        () => undefined,
        (e: unknown) => (e as RedbError).code,
      );
    expect(await code({ ...live, routines: [{ name: 'f', kind: 'function', signature: '', definition: 'CREATE FUNCTION f() ...' }] })).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
    expect(await code(withTable(live, 'plain', (t) => ({ ...t, indexes: [{ name: 'p', unique: false, keys: [{ column: 'a' }], where: 'a > 0' }] })))).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
    expect(await code(withTable(live, 'plain', (t) => ({ ...t, policies: [{ name: 'p', permissive: true, command: 'all', roles: ['public'] }] })))).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
    expect(await code(withTable(live, 'person', (t) => ({ ...t, foreignKeys: t.foreignKeys.map((f) => ({ ...f, onDelete: 'cascade' as const })) })))).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
    const plan = await compile(
      withTable(live, 'plain', (t) => ({ ...t, comment: 'flat rows', indexes: [{ name: 'plain_a', unique: true, keys: [{ column: 'a' }] }] })),
    );
    expect(planStatements(plan).every((s) => s.trim() !== '')).toBe(true);
    expect(planStatements(plan)).toEqual(['COMMENT ON TABLE "plain" IS \'flat rows\'', 'CREATE UNIQUE INDEX "plain_a" ON "plain" ("a")']);
  });

  it('alters a table in another schema in place: column comment, default and a new commented column', async () => {
    await connection.close();
    await db.exec(`CREATE SCHEMA crm; CREATE TABLE crm.lead (id INTEGER, source VARCHAR DEFAULT 'web'); INSERT INTO crm.lead VALUES (1, 'ad')`);
    connection = await (await adapter).connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
    const { plan, after, target } = await migrate((s) =>
      withTable(s, 'lead', (t) => ({
        ...t,
        comment: 'prospects',
        columns: [
          ...t.columns.map((c) => (c.name === 'source' ? { ...c, default: "'phone'", comment: 'where from' } : c)),
          { ...column('score', 'INTEGER', 'integer'), comment: 'higher is hotter' },
        ],
      })),
    );
    expect(planStatements(plan)).toEqual([
      'ALTER TABLE "crm"."lead" ADD COLUMN "score" INTEGER',
      'COMMENT ON COLUMN "crm"."lead"."score" IS \'higher is hotter\'',
      'ALTER TABLE "crm"."lead" ALTER COLUMN "source" SET DEFAULT (\'phone\')',
      'COMMENT ON COLUMN "crm"."lead"."source" IS \'where from\'',
      'COMMENT ON TABLE "crm"."lead" IS \'prospects\'',
    ]);
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await rows('SELECT * FROM crm.lead')).toEqual([{ id: 1, source: 'ad', score: null }]);
  });

  it('numbers an identity column from another engine with a sequence and a nextval default', async () => {
    const { plan, after } = await migrate((s) => ({
      ...s,
      tables: [
        ...s.tables,
        {
          name: 'ticket',
          columns: [{ ...column('id', 'BIGINT', 'integer'), nullable: false, identity: { always: false } }, column('title', 'VARCHAR')],
          primaryKey: { columns: ['id'] },
          uniques: [],
          foreignKeys: [],
          checks: [],
          exclusions: [],
          indexes: [],
          policies: [],
        },
      ],
    }));
    expect(planStatements(plan)).toContain('CREATE SEQUENCE IF NOT EXISTS "ticket_id_seq"');
    expect(table(after, 'ticket').columns[0]).toMatchObject({ name: 'id', default: "nextval('ticket_id_seq')" });
    expect(after.sequences.map((q) => q.name)).toEqual(['ticket_id_seq']);
    await connection.close();
    await db.exec(`INSERT INTO ticket (title) VALUES ('a'); INSERT INTO ticket (title) VALUES ('b')`);
    expect(await rows('SELECT id, title FROM ticket ORDER BY id')).toEqual([
      { id: '1', title: 'a' },
      { id: '2', title: 'b' },
    ]);
  });

  it('keeps its migration history in redb.migrations, outside the schema', async () => {
    const before = canonicalText(await connection.introspect());
    expect(await connection.readHistory?.()).toEqual([]);
    const record = {
      commit: 'abc',
      planHash: 'h1',
      statements: ['SELECT 1'],
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      outcome: 'applied' as const,
    };
    await connection.recordMigration?.(record);
    await connection.recordMigration?.({ ...record, commit: undefined, planHash: 'h2', outcome: 'failed', error: 'boom' });
    expect(await connection.readHistory?.()).toEqual([
      { ...record, commit: undefined, planHash: 'h2', outcome: 'failed', error: 'boom' },
      { ...record, error: undefined },
    ]);
    expect(canonicalText(await connection.introspect())).toBe(before);
  });
});
