import type { Engine } from '../../src/unified/index.js';

/**
 * Edge values per portable type, and which engines can hold each. A value is held by an engine
 * when the column type redb reads it from, or creates for it, keeps it exactly:
 *   - MariaDB has no -0, NaN or infinities (DOUBLE and FLOAT refuse or fold them), dates and
 *     timestamps only in years 1-9999 (1000-9999 as documented), TIMESTAMP (with time zone) only 1970-2038.
 *   - SQLite stores -0.0 as 0 and NaN as NULL, and has no 32-bit float (its REAL holds a 32-bit
 *     value exactly); a NUMERIC value that is not a 64-bit integer is a double, so a decimal is
 *     held when it has at most 15 significant digits; an INTEGER holds 64-bit signed values only;
 *     its JSON columns have numeric affinity, so a document that is a bare number is stored as one.
 *   - PostgreSQL text holds no NUL character.
 *   - DuckDB decimals hold 38 digits; MariaDB's 65 (30 after the point); PostgreSQL's far more.
 * A pair of engines must carry every value both hold, bit for bit; the others are left out of
 * that pair's source: the target refuses them (refusals.test.ts), or the translation declares the
 * loss (--allow lossy) and verify reports the difference. Decided where it could go either way:
 *   - JSON travels as the text the source holds: json keeps the text as written, jsonb its own
 *     spelling (keys ordered, spaces normalised), and the target holds exactly that text.
 *   - Booleans reach MariaDB as tinyint(1) and come back as integers 1 and 0.
 *   - Times and timestamps compare as UTC wall time to the microsecond; a zone is not a value.
 */

export type Compare = 'float' | 'decimal' | 'integer' | 'text' | 'binary' | 'timestamp' | 'date' | 'time' | 'boolean' | 'json' | 'uuid';

export type Value = number | bigint | string | boolean | Buffer;

export interface Edge {
  readonly value: Value;
  /** Engines that cannot hold the value, as a source or as a target. */
  readonly not?: readonly Engine[];
  /** Engines that cannot hold it as a source only (their type on the way in is narrower than the one redb creates). */
  readonly notAsSource?: readonly Engine[];
}

export interface TypeCase {
  /** The table's name, one table per type. */
  readonly table: string;
  readonly compare: Compare;
  /** The column type in each engine that has one; an engine without it is no source for this case. */
  readonly native: Partial<Record<Engine, string>>;
  /** Timestamps: values are UTC instants, written with an offset where the type has a zone. */
  readonly zoned?: boolean;
  /** The source engine stores its own spelling (jsonb): the target must hold what the source holds. */
  readonly normalisedBy?: readonly Engine[];
  readonly edges: readonly Edge[];
}

const noMysql = ['mysql'] as const;
const f32 = Math.fround;

/** Every byte value, and bytes that are no UTF-8. */
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const pseudoRandom = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + ((i * i) >> 3)) & 0xff));

export const CASES: readonly TypeCase[] = [
  {
    table: 'float64',
    compare: 'float',
    native: { postgres: 'double precision', mysql: 'double', sqlite: 'REAL', duckdb: 'DOUBLE' },
    edges: [
      { value: 90.33333333333333 },
      { value: 0.1 },
      { value: 0.30000000000000004 },
      { value: 0.10000000000000002 },
      { value: 1 / 3 },
      { value: 2 / 3 },
      { value: -123.456 },
      { value: 4.35 },
      { value: 123456789.12345679 },
      { value: 100 },
      { value: 2 ** 53 + 2 },
      { value: 1e21 },
      { value: 1.5e300 },
      { value: 1e-300 },
      { value: 2.2250738585072014e-308 },
      { value: 2.225073858507201e-308 },
      { value: 5e-324 },
      { value: 1.7976931348623157e308 },
      { value: -1.7976931348623157e308 },
      { value: -0, not: ['mysql', 'sqlite'] },
      { value: Infinity, not: noMysql },
      { value: -Infinity, not: noMysql },
      { value: NaN, not: ['mysql', 'sqlite'] },
    ],
  },
  {
    // SQLite has no 32-bit float: it is a target only, holding the exact value in a double.
    table: 'float32',
    compare: 'float',
    native: { postgres: 'real', mysql: 'float', duckdb: 'FLOAT' },
    edges: [
      { value: f32(3.14159265) },
      { value: f32(0.1) },
      { value: f32(1 / 3) },
      { value: f32(90.33333) },
      { value: f32(16777217) },
      { value: f32(-2.5) },
      { value: f32(1e10) },
      { value: f32(123.456) },
      { value: f32(1.1754943508222875e-38) },
      { value: f32(3.4028234663852886e38) },
      { value: f32(1e-45), not: noMysql },
      { value: -0, not: ['mysql', 'sqlite'] },
      { value: Infinity, not: noMysql },
      { value: NaN, not: ['mysql', 'sqlite'] },
    ],
  },
  {
    table: 'decimal38',
    compare: 'decimal',
    native: { postgres: 'numeric(38,10)', mysql: 'decimal(38,10)', sqlite: 'NUMERIC(38,10)', duckdb: 'DECIMAL(38,10)' },
    edges: [
      { value: '0' },
      { value: '1' },
      { value: '-1' },
      { value: '12.5' },
      { value: '0.1' },
      { value: '-0.0000000001' },
      { value: '0.3333333333' },
      { value: '100' },
      { value: '123456789012345' },
      { value: '9999999999999999999999999999.9999999999', not: ['sqlite'] },
      { value: '-9999999999999999999999999999.9999999999', not: ['sqlite'] },
      { value: '123456789012345678.0123456789', not: ['sqlite'] },
      { value: '0.1234567890', not: [] },
      { value: '9007199254740993', not: ['sqlite'] },
    ],
  },
  {
    // MariaDB's widest decimal; PostgreSQL holds it, DuckDB (38 digits) and SQLite do not.
    table: 'decimal65',
    compare: 'decimal',
    native: { postgres: 'numeric(65,30)', mysql: 'decimal(65,30)' },
    edges: [
      { value: '12345678901234567890123456789012345.123456789012345678901234567890', not: ['duckdb', 'sqlite'] },
      { value: '-0.000000000000000000000000000001', not: ['duckdb', 'sqlite'] },
      { value: '99999999999999999999999999999999999.999999999999999999999999999999', not: ['duckdb', 'sqlite'] },
    ],
  },
  {
    table: 'int64',
    compare: 'integer',
    native: { postgres: 'bigint', mysql: 'bigint', sqlite: 'INTEGER', duckdb: 'BIGINT' },
    edges: [
      { value: -9223372036854775808n },
      { value: 9223372036854775807n },
      { value: 9007199254740993n },
      { value: -9007199254740993n },
      { value: 2147483648n },
      { value: 0n },
      { value: -1n },
    ],
  },
  {
    table: 'uint64',
    compare: 'integer',
    native: { mysql: 'bigint unsigned', duckdb: 'UBIGINT' },
    edges: [{ value: 18446744073709551615n, not: ['sqlite'] }, { value: 9223372036854775808n, not: ['sqlite'] }, { value: 9007199254740993n }, { value: 0n }],
  },
  {
    table: 'ts',
    compare: 'timestamp',
    native: { postgres: 'timestamp(6)', mysql: 'datetime(6)', sqlite: 'DATETIME', duckdb: 'TIMESTAMP' },
    edges: [
      { value: '1970-01-01 00:00:00.000000' },
      { value: '1969-12-31 23:59:59.999999' },
      { value: '2024-02-29 13:14:15.123456' },
      { value: '1900-01-01 00:00:00.500000' },
      { value: '1000-01-01 00:00:00.000001' },
      { value: '9999-12-31 23:59:59.999999' },
      { value: '0001-01-01 00:00:00.000000' },
      { value: '12345-06-07 08:09:10.000011', not: noMysql },
      { value: '0044-03-15 12:00:00.000000 BC', not: noMysql },
    ],
  },
  {
    table: 'tstz',
    compare: 'timestamp',
    zoned: true,
    native: { postgres: 'timestamp(6) with time zone', mysql: 'timestamp(6) NULL', sqlite: 'TIMESTAMPTZ', duckdb: 'TIMESTAMPTZ' },
    edges: [
      { value: '2024-02-29 13:14:15.123456' },
      { value: '1970-01-01 00:00:01.000000' },
      { value: '2038-01-19 03:14:07.999999' },
      { value: '1969-12-31 23:59:59.999999', notAsSource: noMysql },
      { value: '2100-01-01 00:00:00.000001', notAsSource: noMysql },
      { value: '0001-01-01 00:00:00.000000', notAsSource: noMysql },
    ],
  },
  {
    table: 'day',
    compare: 'date',
    native: { postgres: 'date', mysql: 'date', sqlite: 'DATE', duckdb: 'DATE' },
    edges: [
      { value: '1970-01-01' },
      { value: '1969-12-31' },
      { value: '2024-02-29' },
      { value: '1000-01-01' },
      { value: '9999-12-31' },
      { value: '0001-01-01' },
      { value: '0044-03-15 BC', not: noMysql },
    ],
  },
  {
    table: 'tod',
    compare: 'time',
    native: { postgres: 'time(6)', mysql: 'time(6)', sqlite: 'TIME', duckdb: 'TIME' },
    edges: [
      { value: '00:00:00.000000' },
      { value: '23:59:59.999999' },
      { value: '12:34:56.500000' },
      { value: '00:00:00.000001' },
      { value: '24:00:00.000000' },
    ],
  },
  {
    table: 'bin',
    compare: 'binary',
    native: { postgres: 'bytea', mysql: 'longblob', sqlite: 'BLOB', duckdb: 'BLOB' },
    edges: [
      { value: Buffer.alloc(0) },
      { value: Buffer.from([0]) },
      { value: Buffer.from([0xff]) },
      { value: allBytes },
      { value: Buffer.from([0xc3, 0x28, 0x80, 0xfe]) },
      { value: Buffer.from('\\\n\r\t\\N', 'latin1') },
      { value: pseudoRandom },
    ],
  },
  {
    table: 'txt',
    compare: 'text',
    native: { postgres: 'text', mysql: 'longtext', sqlite: 'TEXT', duckdb: 'VARCHAR' },
    edges: [
      { value: '' },
      { value: 'plain' },
      { value: 'Zoë ☃ naïve' },
      { value: '😀 𝄞 non-BMP 👨‍👩‍👧' },
      { value: `quote ' double " backslash \\ tab \t newline \n cr \r` },
      { value: '\\N' },
      { value: 'NULL' },
      { value: '  spaces  ' },
      { value: '\u0001\u0002 control \u001f\u007f' },
      { value: 'x'.repeat(100_000) },
      { value: 'a\u0000b', not: ['postgres'] },
    ],
  },
  {
    // MariaDB keeps flags in tinyint(1): they travel as 1 and 0.
    table: 'flag',
    compare: 'boolean',
    native: { postgres: 'boolean', mysql: 'tinyint(1)', sqlite: 'BOOLEAN', duckdb: 'BOOLEAN' },
    edges: [{ value: true }, { value: false }],
  },
  {
    table: 'doc',
    compare: 'json',
    native: { postgres: 'json', mysql: 'json', sqlite: 'JSON', duckdb: 'JSON' },
    edges: [
      { value: '{"b":1, "a":[1.0,2e3,"x"]}' },
      { value: '[]' },
      { value: '"text"' },
      // A JSON column of SQLite has numeric affinity: a document that is a bare number becomes a double.
      { value: '123456789012345678901234567890', not: ['sqlite'] },
      { value: '{"k":"😀","n":null,"t":true,"esc":"\\u0000\\n"}' },
      { value: '{"dup":1,"dup":2}' },
      { value: '{ "nested" : { "z" : 1, "y" : [ {} ] } }' },
    ],
  },
  {
    // jsonb keeps its own spelling (keys ordered, spaces normalised): the targets hold that spelling.
    table: 'docb',
    compare: 'json',
    native: { postgres: 'jsonb' },
    normalisedBy: ['postgres'],
    edges: [{ value: '{"b":1, "a":[1.0,2e3,"x"]}' }, { value: '12345678901234567890.12345678901234567890', not: ['sqlite'] }, { value: '{"dup":1,"dup":2}' }],
  },
  {
    table: 'ident',
    compare: 'uuid',
    native: { postgres: 'uuid', mysql: 'uuid', sqlite: 'UUID', duckdb: 'UUID' },
    edges: [
      { value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
      { value: '00000000-0000-0000-0000-000000000000' },
      { value: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
    ],
  },
];

/** The edges a pair carries: values both engines hold, the source as a source. */
export const edgesFor = (c: TypeCase, source: Engine, target: Engine): Edge[] =>
  c.edges.filter((e) => !(e.not ?? []).includes(source) && !(e.not ?? []).includes(target) && !(e.notAsSource ?? []).includes(source));
