import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { postgresAdapter } from '../../src/adapters/postgres/index.js';
import { introspectPostgres } from '../../src/adapters/postgres/introspect.js';
import { isRedbError } from '../../src/errors.js';
import { diffSchemas, emptySchema, normalizeSchema, planStatements, type SchemaInput } from '../../src/unified/index.js';
import { pgDatabaseUrl, postgresEngine } from '../support/postgres.js';
import { serverUrl } from '../support/scratch.js';

const errorOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const codeOf = (e: unknown) => (isRedbError(e) ? e.code : e);

describe('the PostgreSQL adapter against a real PostgreSQL server', () => {
  it('is registered for postgres URLs and says what it can do', async () => {
    const adapter = await loadAdapter('postgres');
    expect(adapter).toBe(postgresAdapter);
    expect(adapter.capabilities).toEqual({ transactionalDdl: true, namespaces: true, changeCapture: 'log', replicationOrigins: true, twoPhaseApply: true });
  });

  it.each([
    ['nothing listens on the port', 'postgres://redb:redb@127.0.0.1:1/postgres'],
    ['the database does not exist', () => pgDatabaseUrl('redb_no_such_database')],
    ['the role does not exist', () => serverUrl('REDB_TEST_PG_URL').replace('redb:redb@', 'nobody_here:x@')],
  ])('reports an unreachable database when %s', async (_why, url) => {
    const target = typeof url === 'string' ? url : url();
    const failure = await errorOf(postgresAdapter.connect({ name: 'prod', url: target, cwd: process.cwd() }));
    expect(codeOf(failure)).toBe('REDB_DB_UNREACHABLE');
    expect(isRedbError(failure) && failure.data).toMatchObject({ db: 'prod', detail: expect.stringMatching(/\S/) });
  });

  it('reads a database with a fixed number of catalog queries, however many tables it has', async () => {
    const small = await postgresEngine.create();
    const large = await postgresEngine.create();
    const count = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      let queries = 0;
      const query = client.query.bind(client) as (sql: string, params?: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (sql: string, params?: unknown[]) => Promise<unknown> }).query = (sql: string, params?: unknown[]) => {
        queries++;
        return query(sql, params);
      };
      try {
        const schema = await introspectPostgres(client);
        return { queries, tables: schema.tables.length };
      } finally {
        await client.end();
      }
    };
    try {
      await small.exec('CREATE TABLE one (id int PRIMARY KEY)');
      const many = Array.from(
        { length: 40 },
        (_, i) =>
          `CREATE TABLE t${i} (id int PRIMARY KEY, v text UNIQUE, CHECK (id > 0)); CREATE INDEX t${i}_v ON t${i} (lower(v)); CREATE INDEX t${i}_id ON t${i} (id DESC)`,
      );
      await large.exec(many.join(';\n'));
      const a = await count(small.url);
      const b = await count(large.url);
      expect([a.tables, b.tables]).toEqual([1, 40]);
      expect(b.queries).toBe(a.queries);
      expect(a.queries).toBeLessThanOrEqual(16);
    } finally {
      await small.drop();
      await large.drop();
    }
  });
});

describe('the PostgreSQL dialect', () => {
  const compile = (input: SchemaInput) => {
    const to = normalizeSchema(input);
    const from = emptySchema('postgres');
    return postgresAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
  };
  const int = { kind: 'integer', native: 'integer', bits: 32 } as const;

  it('quotes every identifier, doubling embedded quotes', () => {
    const plan = compile({
      version: 1,
      engine: 'postgres',
      namespaces: [{ name: 'we"ird' }],
      tables: [{ schema: 'we"ird', name: 'a "t"', columns: [{ name: 'c"1', type: int, nullable: false }], primaryKey: { name: 'p"k', columns: ['c"1'] } }],
    });
    expect(planStatements(plan)).toEqual([
      'CREATE SCHEMA "we""ird"',
      'CREATE TABLE "we""ird"."a ""t""" (\n  "c""1" integer NOT NULL,\n  CONSTRAINT "p""k" PRIMARY KEY ("c""1")\n)',
    ]);
  });

  it('refuses what PostgreSQL cannot express instead of emitting nothing', () => {
    const attempt = (input: SchemaInput) => {
      try {
        compile(input);
        return undefined;
      } catch (e) {
        return codeOf(e);
      }
    };
    const table = { schema: 'public', name: 't', columns: [{ name: 'a', type: int, nullable: true }] };
    expect(attempt({ version: 1, engine: 'postgres', tables: [{ ...table, options: { withoutRowid: true } }] })).toBe('REDB_PLAN_UNSUPPORTED');
    expect(attempt({ version: 1, engine: 'postgres', tables: [{ ...table, columns: [{ name: 'a', type: int, nullable: true, autoIncrement: true }] }] })).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
    expect(attempt({ version: 1, engine: 'postgres', natives: [], views: [{ schema: 'public', name: 'v', definition: 'SELECT 1', columns: ['x'] }] })).toBe(
      'REDB_PLAN_UNSUPPORTED',
    );
  });
});
