import { describe, expect, it } from 'vitest';
import { emptySchema, limitProblems, translateSchema, type Column, type Schema, type Table } from '../../src/unified/index.js';
import { factsOf } from '../../src/adapters/registry.js';

const table = (name: string, columns: Column[], extra: Partial<Table> = {}): Table => ({
  name,
  columns,
  uniques: [],
  foreignKeys: [],
  checks: [],
  exclusions: [],
  indexes: [],
  policies: [],
  ...extra,
});
const col = (name: string, native: string, kind: 'integer' | 'text' | 'decimal' | 'timestamp' = 'text', nullable = true): Column =>
  ({
    name,
    nullable,
    type:
      kind === 'integer'
        ? { kind, native, bits: 64 }
        : kind === 'decimal'
          ? { kind, native, precision: 65, scale: 30 }
          : kind === 'timestamp'
            ? { kind, native, tz: false, precision: 6 }
            : { kind, native },
  }) as Column;
const many = (n: number, native: string, kind?: Parameters<typeof col>[2], nullable?: boolean) =>
  Array.from({ length: n }, (_, i) => col(`c${i}`, native, kind, nullable));
const schema = (engine: Schema['engine'], tables: Table[]): Schema => ({ ...emptySchema(engine), tables });
const problems = (s: Schema) => limitProblems(s, factsOf(s.engine));
const kinds = (s: Schema) => problems(s).map((p) => p.kind);

describe('engine limits, checked without a server', () => {
  it('PostgreSQL counts identifier bytes, MariaDB characters', () => {
    expect(kinds(schema('postgres', [table('t', [col('x'.repeat(63), 'text')])]))).toEqual([]);
    expect(problems(schema('postgres', [table('t', [col('é'.repeat(32), 'text')])]))[0]?.detail).toBe('is 64 bytes long');
    expect(kinds(schema('mysql', [table('t', [col('é'.repeat(64), 'text')])]))).toEqual([]);
    expect(problems(schema('mysql', [table('t', [col('é'.repeat(65), 'text')])]))[0]?.detail).toBe('is 65 characters long');
  });

  // Each pair is the widest table MariaDB 10.11 (InnoDB, DYNAMIC, 16 KB pages, strict) created and the
  // narrowest it refused with error 1118 or 185, measured by creating them.
  it.each([
    ['varchar(60) utf8mb4', 33, () => many(34, 'varchar(60)')],
    ['bigint NOT NULL', 1012, () => many(1013, 'bigint', 'integer', false)],
    ['text', 383, () => many(384, 'text')],
    ['varchar(100) utf8mb4 (the server’s 65,535)', 162, () => many(163, 'varchar(100)')],
    ['decimal(65,30) NOT NULL', 270, () => many(271, 'decimal(65,30)', 'decimal', false)],
    ['datetime(6) NOT NULL', 1012, () => many(1013, 'datetime(6)', 'timestamp', false)],
    ['int', 1017, () => many(1018, 'int', 'integer')],
  ])('MariaDB rows: %s fits %i columns and no more', (_name, fits, refused) => {
    const wider = refused();
    expect(kinds(schema('mysql', [table('t', wider.slice(0, fits))]))).toEqual([]);
    expect(kinds(schema('mysql', [table('t', wider)]))).toEqual([expect.stringMatching(/row-size|columns/)]);
  });

  it('names a target cannot tell apart: tables by case on SQLite and DuckDB, index names per schema on PostgreSQL', () => {
    const foo = [table('Foo', [col('id', 'int')]), table('foo', [col('id', 'int')])];
    expect(kinds(schema('sqlite', foo))).toEqual(['name-clash']);
    expect(kinds(schema('duckdb', foo))).toEqual(['name-clash']);
    expect(kinds(schema('postgres', foo))).toEqual([]);
    const ix = (t: string) => table(t, [col('name', 'varchar(20)')], { indexes: [{ name: 'ix_name', unique: false, keys: [{ column: 'name' }] }] });
    expect(kinds(schema('mysql', [ix('a'), ix('b')]))).toEqual([]);
    expect(problems(schema('postgres', [ix('a'), ix('b')]))[0]?.object).toBe('index ix_name of b');
  });

  it('text in a MariaDB key gets a length that fits 3,072 bytes; a plain index takes a prefix instead', () => {
    const source = schema('sqlite', [
      table('k', [col('code', 'TEXT'), col('v', 'TEXT')], {
        primaryKey: { columns: ['code'] },
        indexes: [{ name: 'k_v', unique: false, keys: [{ column: 'v' }] }],
      }),
      table('pair', [col('a', 'TEXT'), col('b', 'TEXT')], { uniques: [{ columns: ['a', 'b'] }] }),
    ]);
    const { schema: translated, losses } = translateSchema(source, factsOf('mysql'));
    const k = translated.tables.find((t) => t.name === 'k');
    expect(k?.columns.map((c) => c.type.native)).toEqual(['varchar(768)', 'longtext']);
    expect(k?.indexes[0]?.keys[0]?.length).toBe(768);
    expect(translated.tables.find((t) => t.name === 'pair')?.columns.map((c) => c.type.native)).toEqual(['varchar(384)', 'varchar(384)']);
    expect(losses.map((l) => l.object)).toEqual(expect.arrayContaining(['column k.code', 'index k.k_v', 'column pair.a', 'column pair.b']));
    expect(problems(translated)).toEqual([]);
    expect(translated.tables.every((t) => t.options?.charset === 'utf8mb4')).toBe(true);
  });
});
