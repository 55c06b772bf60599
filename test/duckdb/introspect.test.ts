import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckdb } from '../../src/adapters/duckdb/connect.js';
import { duckdbColumnType } from '../../src/adapters/duckdb/types.js';
import { loadAdapter } from '../../src/adapters/registry.js';
import { RedbError } from '../../src/errors.js';
import { canonicalText, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { duckdbEngine } from '../support/duckdb.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

const RICH = `
  CREATE SCHEMA shop;
  CREATE TYPE shop.state AS ENUM ('open', 'closed');
  CREATE SEQUENCE shop.order_ids START 1000;
  CREATE TABLE shop.customer (id INTEGER PRIMARY KEY, email VARCHAR UNIQUE NOT NULL, tags VARCHAR[], address STRUCT(city VARCHAR, zip VARCHAR));
  CREATE TABLE shop.orders (
    id BIGINT DEFAULT nextval('shop.order_ids') PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES shop.customer (id),
    total DECIMAL(12,2) CHECK (total >= 0), state ENUM('open', 'closed'), placed TIMESTAMPTZ DEFAULT now(), extra MAP(VARCHAR, VARCHAR));
  CREATE INDEX orders_customer ON shop.orders (customer_id);
  CREATE VIEW shop.open_orders AS SELECT * FROM shop.orders WHERE state = 'open';
  CREATE MACRO shop.net(x) AS x / 1.2, (x, rate) AS x / (1 + rate);
  COMMENT ON TABLE shop.orders IS 'one row per order';
  CREATE TABLE main_table (id INTEGER)`;

describe('introspecting DuckDB', () => {
  let db: ScratchDb;
  let schema: Schema;
  beforeAll(async () => {
    db = await duckdbEngine.create();
    await db.exec(RICH);
    schema = await introspectUrl(duckdbEngine, db.url);
  });
  afterAll(() => db.drop());

  it('reads namespaces, objects in them, and leaves main unqualified', () => {
    expect(schema.namespaces).toEqual([{ name: 'shop' }]);
    expect(schema.tables.map((t) => [t.schema, t.name])).toEqual([
      [undefined, 'main_table'],
      ['shop', 'customer'],
      ['shop', 'orders'],
    ]);
    const orders = schema.tables.find((t) => t.name === 'orders');
    expect(orders).toMatchObject({
      schema: 'shop',
      comment: 'one row per order',
      primaryKey: { columns: ['id'] },
      foreignKeys: [{ columns: ['customer_id'], references: { schema: 'shop', table: 'customer', columns: ['id'] } }],
      checks: [{ expression: '(total >= 0)' }],
      indexes: [{ name: 'orders_customer', unique: false, keys: [{ column: 'customer_id' }] }],
    });
    expect(orders?.columns.find((c) => c.name === 'id')?.default).toBe("nextval('shop.order_ids')");
    expect(schema.enums).toEqual([{ schema: 'shop', name: 'state', values: ['open', 'closed'] }]);
    expect(schema.sequences).toEqual([expect.objectContaining({ schema: 'shop', name: 'order_ids', start: '1000', increment: '1' })]);
    expect(schema.views.map((v) => `${v.schema}.${v.name}`)).toEqual(['shop.open_orders']);
  });

  it('keeps a macro with all its overloads as one native object', () => {
    expect(schema.natives).toEqual([
      expect.objectContaining({
        type: 'macro',
        schema: 'shop',
        name: 'net',
        definition: 'CREATE MACRO "shop"."net"("x") AS (x / 1.2), ("x", "rate") AS (x / (1 + rate))',
      }),
    ]);
  });

  it('gives byte-identical text for the same database every time', async () => {
    expect(canonicalText(await introspectUrl(duckdbEngine, db.url))).toBe(canonicalText(schema));
  });

  it('maps DuckDB types to portable kinds, keeping the spelling', () => {
    expect(duckdbColumnType('UBIGINT')).toEqual({ kind: 'integer', native: 'UBIGINT', bits: 64, unsigned: true });
    expect(duckdbColumnType('DECIMAL(12,2)')).toEqual({ kind: 'decimal', native: 'DECIMAL(12,2)', precision: 12, scale: 2 });
    expect(duckdbColumnType('TIMESTAMP WITH TIME ZONE')).toEqual({ kind: 'timestamp', native: 'TIMESTAMP WITH TIME ZONE', tz: true });
    expect(duckdbColumnType('VARCHAR[][]')).toEqual({ kind: 'array', native: 'VARCHAR[][]', of: { kind: 'text', native: 'VARCHAR' }, dims: 2 });
    expect(duckdbColumnType('FLOAT[384]')).toEqual({ kind: 'vector', native: 'FLOAT[384]', dims: 384 });
    expect(duckdbColumnType("ENUM('a', 'it''s')")).toEqual({ kind: 'enum', native: "ENUM('a', 'it''s')", values: ['a', "it's"] });
    expect(duckdbColumnType('STRUCT(a INTEGER[])[]')).toEqual({
      kind: 'array',
      native: 'STRUCT(a INTEGER[])[]',
      of: { kind: 'other', native: 'STRUCT(a INTEGER[])' },
    });
    expect(duckdbColumnType('MAP(VARCHAR, INTEGER[])')).toEqual({ kind: 'other', native: 'MAP(VARCHAR, INTEGER[])' });
    expect(duckdbColumnType('HUGEINT')).toEqual({ kind: 'other', native: 'HUGEINT' });
  });

  it('rehearses on an empty in-memory shadow', async () => {
    const adapter = await loadAdapter('duckdb');
    const shadow = await adapter.openShadow?.({ name: 'scratch', url: db.url, cwd: process.cwd() });
    if (shadow === undefined) throw new Error('no shadow');
    try {
      expect((await shadow.connection.introspect()).tables).toEqual([]);
    } finally {
      await shadow.connection.close();
      await shadow.drop();
    }
  });
});

describe('opening DuckDB targets', () => {
  const dir = tempDir('redb-duckdb-open-');
  afterAll(() => dir.cleanup());
  const code = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => (e instanceof RedbError ? e.code : String(e)),
    );

  it('resolves relative paths against the project and opens read-only on request', async () => {
    const setup = await openDuckdb({ name: 'rel', url: 'duckdb:rel.duckdb', cwd: dir.path }, { create: true });
    await setup.connection.run('CREATE TABLE t (a INTEGER)');
    setup.close();
    const handle = await openDuckdb({ name: 'rel', url: 'duckdb:rel.duckdb', cwd: dir.path }, { readOnly: true });
    try {
      expect(handle.file).toBe(join(dir.path, 'rel.duckdb'));
      await expect(handle.connection.run('INSERT INTO t VALUES (1)')).rejects.toThrow(/read-only/i);
    } finally {
      handle.close();
    }
  });

  it('reports a missing file or a file that is not DuckDB as REDB_DB_UNREACHABLE', async () => {
    const adapter = await loadAdapter('duckdb');
    expect(await code(adapter.connect({ name: 'gone', url: 'duckdb:gone.duckdb', cwd: dir.path }))).toBe('REDB_DB_UNREACHABLE');
    writeFileSync(join(dir.path, 'text.duckdb'), 'not a database');
    expect(await code(adapter.connect({ name: 'text', url: 'duckdb:text.duckdb', cwd: dir.path }))).toBe('REDB_DB_UNREACHABLE');
  });
});
