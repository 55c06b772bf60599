import { hash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecksumColumn } from '../../src/adapters/canonical-sql.js';
import { loadAdapter, loadRows } from '../../src/adapters/registry.js';
import type { RowSource } from '../../src/adapters/rows.js';
import type { ColumnType, Engine } from '../../src/unified/index.js';
import { redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';
import { cloneResult, envUrl, redbPw } from './helpers.js';

/**
 * The checksum every server computes over canonical text (src/adapters/canonical-sql.ts): the same
 * rows written in four engines' own types give one sum, and it is the sum of md5 over the canonical
 * texts written out below by hand. Real PostgreSQL and MariaDB servers, embedded SQLite and DuckDB.
 */

const TABLES: Record<Engine, string> = {
  postgres: `CREATE TABLE t (id integer PRIMARY KEY, amount numeric(10,3), name text, flag boolean, day date, at timestamp(6), bytes bytea, ref uuid);
    INSERT INTO t VALUES (1, 12.500, 'Zoë ☃ ''quoted''', true, '2024-02-29', '2024-02-29 13:14:15.25', '\\x00ff10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      (2, -0.250, '', false, '1999-12-31', '2024-01-01 00:00:00', '\\x', NULL), (3, 0, NULL, NULL, NULL, NULL, NULL, NULL)`,
  mysql: `CREATE TABLE t (id int PRIMARY KEY, amount decimal(10,3), name text, flag tinyint(1), day date, at datetime(6), bytes varbinary(16), ref char(36));
    INSERT INTO t VALUES (1, 12.500, 'Zoë ☃ ''quoted''', 1, '2024-02-29', '2024-02-29 13:14:15.25', X'00ff10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      (2, -0.250, '', 0, '1999-12-31', '2024-01-01 00:00:00', X'', NULL), (3, 0, NULL, NULL, NULL, NULL, NULL, NULL)`,
  sqlite: `CREATE TABLE t (id INTEGER PRIMARY KEY, amount NUMERIC(10,3), name TEXT, flag BOOLEAN, day DATE, at DATETIME, bytes BLOB, ref TEXT);
    INSERT INTO t VALUES (1, 12.5, 'Zoë ☃ ''quoted''', 1, '2024-02-29', '2024-02-29T13:14:15.250', X'00ff10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      (2, -0.25, '', 0, '1999-12-31', '2024-01-01 00:00:00', X'', NULL), (3, 0, NULL, NULL, NULL, NULL, NULL, NULL)`,
  duckdb: `CREATE TABLE t (id INTEGER PRIMARY KEY, amount DECIMAL(10,3), name VARCHAR, flag BOOLEAN, day DATE, "at" TIMESTAMP, bytes BLOB, ref UUID);
    INSERT INTO t VALUES (1, 12.500, 'Zoë ☃ ''quoted''', true, '2024-02-29', '2024-02-29 13:14:15.25', '\\x00\\xFF\\x10'::BLOB, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      (2, -0.250, '', false, '1999-12-31', '2024-01-01 00:00:00', ''::BLOB, NULL), (3, 0, NULL, NULL, NULL, NULL, NULL, NULL)`,
  mongodb: '',
};

/** The canonical text of each row, as the spec spells it: NULL is \x01, a value is \x02 and its text. */
const v = (text: string | null): string => (text === null ? '\x01' : `\x02${text}`);
/** Bytes are written as the md5 of the bytes. */
const bytes = (hex: string): string => hash('md5', Buffer.from(hex, 'hex'));
const CANONICAL_ROWS = [
  [
    v('1'),
    v('12.5'),
    v("Zoë ☃ 'quoted'"),
    v('1'),
    v('2024-02-29'),
    v('2024-02-29 13:14:15.25'),
    v(bytes('00ff10')),
    v('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
  ].join(''),
  [v('2'), v('-0.25'), v(''), v('0'), v('1999-12-31'), v('2024-01-01 00:00:00'), v(bytes('')), v(null)].join(''),
  [v('3'), v('0'), v(null), v(null), v(null), v(null), v(null), v(null)].join(''),
];
const EXPECTED = CANONICAL_ROWS.reduce((sum, row) => sum + BigInt(`0x${hash('md5', row).slice(0, 15)}`), 0n).toString();

/** The forms both sides agree on: flags as integers (MariaDB keeps them in tinyint(1)), refs as uuids. */
const FORMS = { id: 'integer', amount: 'decimal', name: 'text', flag: 'integer', day: 'date', at: 'timestamp', bytes: 'binary', ref: 'uuid' } as const;

const ENGINES: readonly TestEngine[] = [postgresEngine, mysqlEngine, sqliteEngine, duckdbEngine];

describe('server-side canonical checksums agree across PostgreSQL, MariaDB, SQLite and DuckDB (real servers)', () => {
  const dbs = new Map<Engine, ScratchDb>();
  const types = new Map<Engine, Map<string, ColumnType>>();

  beforeAll(async () => {
    for (const engine of ENGINES) {
      const db = await engine.create();
      dbs.set(engine.engine, db);
      await db.exec(TABLES[engine.engine]);
      const connection = await (await loadAdapter(engine.engine)).connect({ name: engine.engine, url: db.url, cwd: process.cwd() });
      try {
        const table = (await connection.introspect()).tables.find((t) => t.name === 't');
        types.set(engine.engine, new Map(table?.columns.map((c) => [c.name, c.type])));
      } finally {
        await connection.close();
      }
    }
  });
  afterAll(async () => {
    await Promise.all([...dbs.values()].map((db) => db.drop()));
  });

  async function serverSum(engine: Engine, where?: string) {
    const db = dbs.get(engine) as ScratchDb;
    const source: RowSource = await (await loadRows(engine)).openSource({ name: engine, url: db.url, cwd: process.cwd() }, { jobs: 1 });
    try {
      const columns: ChecksumColumn[] = Object.entries(FORMS).map(([name, form]) => ({ name, form, type: types.get(engine)?.get(name) as ColumnType }));
      const reader = source.readers[0];
      return await reader?.portableChecksum?.({ schema: engine === 'postgres' ? 'public' : undefined, name: 't' }, columns, where);
    } finally {
      await source.close();
    }
  }

  it.each(ENGINES.map((e) => [e.engine] as const))('%s writes the canonical text the spec gives, and sums its md5 prefixes', async (engine) => {
    expect(await serverSum(engine)).toEqual({ rows: 3, checksum: EXPECTED });
  });

  it('a changed value, a value turned NULL, or a missing row changes the sum', async () => {
    const db = dbs.get('postgres') as ScratchDb;
    await db.exec("UPDATE t SET name = 'Zoe' WHERE id = 1");
    const changed = await serverSum('postgres');
    await db.exec('UPDATE t SET name = NULL WHERE id = 1');
    const nulled = await serverSum('postgres');
    await db.exec("UPDATE t SET name = 'Zoë ☃ ''quoted''' WHERE id = 1");
    expect(await serverSum('postgres')).toEqual({ rows: 3, checksum: EXPECTED });
    const fewer = await serverSum('postgres', 'id < 3');
    const sums = [changed?.checksum, nulled?.checksum, fewer?.checksum];
    expect(new Set([...sums, EXPECTED]).size).toBe(4);
    expect(fewer?.rows).toBe(2);
  });
});

describe('redb verify picks the cheapest comparison that can decide (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  let pg: ScratchDb;
  beforeAll(async () => {
    dir = tempDir('redb-verify-');
    redbOk(dir.path, ['init']);
    pg = await postgresEngine.create();
  });
  afterAll(async () => {
    await pg?.drop();
    dir?.cleanup();
  });

  type Check = { table: string; match: boolean; method: string };
  /** `redb verify --json`: its tables, from the result or, on a mismatch, from the error's data. */
  const verify = (from: string, to: string) => {
    const r = redbPw(dir.path, ['verify', from, to, '--json']);
    const out = JSON.parse(r.stdout) as { tables?: Check[]; error?: { code: string; data: { checks: Check[] } } };
    return { code: r.code, error: out.error?.code, tables: out.tables ?? out.error?.data.checks ?? [] };
  };

  it('servers hash canonical text across engines; a text only JavaScript can normalise (an offset) is decided by reading rows', async () => {
    await pg.exec(
      "CREATE TABLE ev (id bigint PRIMARY KEY, at timestamptz NOT NULL, note text); INSERT INTO ev SELECT i, timestamptz '2024-03-01 12:00:00+00' + i * interval '90 minutes', 'n' || i FROM generate_series(1, 500) i",
    );
    const r = redbPw(dir.path, ['clone', envUrl(pg.url), 'sqlite:ev.db', '--allow', 'lossy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(cloneResult(r).verify?.map((c) => [c.table, c.match])).toEqual([['public.ev', true]]);
    expect(verify(envUrl(pg.url), 'sqlite:ev.db').tables.map((t) => [t.table, t.match, t.method])).toEqual([['public.ev', true, 'server-canonical']]);

    // The same instants written with an offset: equal values, text that SQL alone cannot tell equal.
    const sqlite = join(dir.path, 'ev.db');
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(sqlite);
    db.exec("UPDATE ev SET at = replace(at, ' ', 'T') || '+00:00' WHERE id % 7 = 0");
    db.close();
    expect(verify(envUrl(pg.url), 'sqlite:ev.db').tables.map((t) => [t.table, t.match, t.method])).toEqual([['public.ev', true, 'rows']]);

    // A real difference is found either way.
    const changed = new Sqlite(sqlite);
    changed.exec("UPDATE ev SET note = 'changed' WHERE id = 250");
    changed.close();
    const mismatch = verify(envUrl(pg.url), 'sqlite:ev.db');
    expect([mismatch.code, mismatch.error]).toEqual([1, 'REDB_VERIFY_MISMATCH']);
    expect(mismatch.tables.map((t) => [t.table, t.match, t.method])).toEqual([['public.ev', false, 'rows']]);
  });

  it('two PostgreSQL databases with the same types hash values on the server', async () => {
    const other = await postgresEngine.create();
    try {
      const r = redbPw(dir.path, ['clone', envUrl(pg.url), envUrl(other.url), '--tables', 'ev', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(verify(envUrl(pg.url), envUrl(other.url)).tables.map((t) => [t.table, t.match, t.method])).toEqual([['public.ev', true, 'server-hash']]);
      await other.exec('CREATE TABLE points (id int PRIMARY KEY, p point, doc json); INSERT INTO points VALUES (1, point(1,2), \'{"b":1,"a":2}\')');
      await pg.exec('CREATE TABLE points (id int PRIMARY KEY, p point, doc json); INSERT INTO points VALUES (1, point(1,2), \'{"b":1,"a":2}\')');
      // point and json have no hash function: the servers hash each row's text instead.
      expect(verify(envUrl(pg.url), envUrl(other.url)).tables.find((t) => t.table === 'public.points')).toMatchObject({ match: true, method: 'server-hash' });
    } finally {
      await other.drop();
    }
  });
});
