import type { ColumnType, ScalarType } from './column-type.js';
import type { Engine } from './model.js';

/**
 * How each engine spells a portable type, and what is lost on the way. The result keeps the portable
 * fields that still hold, so a translated model diffs and compiles like an introspected one.
 */
export interface Spelled {
  readonly type: ColumnType;
  /** Why the target cannot hold every value of the source type the same way; absent when nothing is lost. */
  readonly loss?: string | undefined;
}

type Speller = (t: ColumnType, enums: ReadonlyMap<string, readonly string[]>) => Spelled;

const sized = (base: string, n: number | undefined) => (n === undefined ? base : `${base}(${n})`);
const quoteList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
const text = (native: string, loss?: string): Spelled => ({ type: { kind: 'text', native }, loss });

const postgres: Speller = (t) => {
  switch (t.kind) {
    case 'integer': {
      const bits = t.unsigned ? t.bits * 2 : t.bits;
      if (bits > 64) return { type: { kind: 'decimal', native: 'numeric(20,0)', precision: 20, scale: 0 }, loss: 'unsigned 64-bit integers become numeric(20,0)' };
      const native = bits <= 16 ? 'smallint' : bits <= 32 ? 'integer' : 'bigint';
      return { type: { kind: 'integer', native, bits: bits <= 16 ? 16 : bits <= 32 ? 32 : 64 } };
    }
    case 'decimal':
      return { type: { ...t, unsigned: undefined, native: t.precision === undefined ? 'numeric' : `numeric(${t.precision},${t.scale ?? 0})` }, loss: t.unsigned ? 'unsigned dropped: negative values become allowed' : undefined };
    case 'float':
      return { type: { kind: 'float', native: t.bits === 32 ? 'real' : 'double precision', bits: t.bits } };
    case 'text':
      return { type: { ...t, native: t.length === undefined ? 'text' : t.fixed ? `character(${t.length})` : `character varying(${t.length})` } };
    case 'binary':
      return { type: { kind: 'binary', native: 'bytea' }, loss: t.length === undefined ? undefined : `length ${t.length} is not enforced by bytea` };
    case 'boolean':
      return { type: { kind: 'boolean', native: 'boolean' } };
    case 'date':
      return { type: { kind: 'date', native: 'date' } };
    case 'time':
      return { type: { ...t, native: `${sized('time', t.precision)}${t.tz ? ' with time zone' : ' without time zone'}` } };
    case 'timestamp':
      return { type: { ...t, native: `${sized('timestamp', t.precision)}${t.tz ? ' with time zone' : ' without time zone'}` } };
    case 'interval':
      return { type: { kind: 'interval', native: 'interval' } };
    case 'uuid':
      return { type: { kind: 'uuid', native: 'uuid' } };
    case 'json':
      return { type: { kind: 'json', native: t.binary ? 'jsonb' : 'json', binary: t.binary } };
    case 'enum':
      return t.ref !== undefined
        ? { type: t }
        : text('text', `enum (${(t.values ?? []).join(', ')}) becomes text; the allowed values are not enforced`);
    case 'set':
      return { type: { kind: 'array', native: 'text[]', of: { kind: 'text', native: 'text' } }, loss: 'set becomes text[]; the allowed values are not enforced' };
    case 'array':
      return { type: t };
    case 'vector':
      return { type: { kind: 'vector', native: sized('vector', t.dims), dims: t.dims }, loss: 'needs the pgvector extension' };
    case 'network':
      return { type: { kind: 'network', native: 'inet' } };
    case 'bit':
      return { type: { ...t, native: t.varying ? sized('bit varying', t.length) : sized('bit', t.length) } };
    case 'spatial':
    case 'user':
    case 'other':
      return text('text', `${t.native} has no PostgreSQL equivalent redb knows; values are kept as text`);
  }
};

const MYSQL_INTEGERS = { 8: ['tinyint', 4, 3], 16: ['smallint', 6, 5], 24: ['mediumint', 9, 8], 32: ['int', 11, 10], 64: ['bigint', 20, 20] } as const;

const mysql: Speller = (t, enums) => {
  switch (t.kind) {
    case 'integer': {
      // Spelled as MariaDB reports them back, display widths included, so a round trip compares equal.
      const [name, signed, unsigned] = MYSQL_INTEGERS[t.bits];
      return { type: { kind: 'integer', native: t.unsigned ? `${name}(${unsigned}) unsigned` : `${name}(${signed})`, bits: t.bits, unsigned: t.unsigned } };
    }
    case 'decimal':
      if ((t.precision ?? 0) > 65) return { type: { kind: 'decimal', native: 'decimal(65,30)', precision: 65, scale: 30 }, loss: `precision ${t.precision} exceeds MySQL's 65` };
      if (t.precision === undefined) return { type: { kind: 'decimal', native: 'decimal(65,30)', precision: 65, scale: 30 }, loss: 'unbounded numeric becomes decimal(65,30)' };
      return { type: { ...t, native: `decimal(${t.precision},${t.scale ?? 0})${t.unsigned ? ' unsigned' : ''}` } };
    case 'float':
      return { type: { kind: 'float', native: t.bits === 32 ? 'float' : 'double', bits: t.bits } };
    case 'text':
      if (t.length === undefined) return { type: { kind: 'text', native: 'longtext' } };
      if (t.length > 16383 && !t.fixed) return { type: { kind: 'text', native: 'longtext' }, loss: `length ${t.length} is too long for varchar in utf8mb4; becomes longtext (not enforced)` };
      return { type: { ...t, native: t.fixed ? `char(${t.length})` : `varchar(${t.length})` } };
    case 'binary':
      return t.length === undefined ? { type: { kind: 'binary', native: 'longblob' } } : { type: { ...t, native: t.fixed ? `binary(${t.length})` : `varbinary(${t.length})` } };
    case 'boolean':
      return { type: { kind: 'integer', native: 'tinyint(1)', bits: 8 }, loss: 'boolean becomes tinyint(1): any small integer is accepted' };
    case 'date':
      return { type: { kind: 'date', native: 'date' } };
    case 'time':
      // Without a precision a time keeps microseconds elsewhere; MySQL's TIME would keep none.
      return { type: { kind: 'time', native: sized('time', t.precision ?? 6), tz: false, precision: t.precision ?? 6 }, loss: t.tz ? 'time zone dropped' : undefined };
    case 'timestamp':
      return { type: { kind: 'timestamp', native: sized('datetime', t.precision ?? 6), tz: false, precision: t.precision ?? 6 }, loss: t.tz ? 'time zone dropped: values are stored as UTC wall time' : undefined };
    case 'interval':
      return text('varchar(64)', 'interval has no MySQL type; kept as text');
    case 'uuid':
      return { type: { kind: 'uuid', native: 'uuid' } };
    case 'json':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: t.binary ? 'jsonb becomes json (keys are not normalised)' : undefined };
    case 'enum': {
      const values = t.values ?? (t.ref === undefined ? undefined : enums.get(t.ref));
      if (values === undefined) return text('text', `enum ${t.ref ?? t.native} is unknown; kept as text`);
      return { type: { kind: 'enum', native: `enum(${quoteList(values)})`, values: [...values] } };
    }
    case 'set':
      return { type: t };
    case 'array':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: `${t.native} becomes a JSON array` };
    case 'vector':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: 'vector becomes a JSON array' };
    case 'network':
      return text('varchar(45)', 'network address kept as text');
    case 'bit':
      return { type: { kind: 'bit', native: sized('bit', t.length ?? 1), length: t.length ?? 1 }, loss: t.varying ? 'bit varying becomes fixed bit' : undefined };
    case 'spatial':
    case 'user':
    case 'other':
      return text('longtext', `${t.native} has no MySQL equivalent redb knows; values are kept as text`);
  }
};

const sqlite: Speller = (t, enums) => {
  switch (t.kind) {
    case 'integer':
      return { type: { kind: 'integer', native: 'INTEGER', bits: 64 }, loss: t.unsigned && t.bits === 64 ? 'unsigned 64-bit values above 2^63 do not fit' : undefined };
    case 'decimal':
      return { type: { ...t, unsigned: undefined, native: t.precision === undefined ? 'NUMERIC' : `NUMERIC(${t.precision},${t.scale ?? 0})` }, loss: 'SQLite stores decimals as floating point where they do not fit an integer' };
    case 'float':
      return { type: { kind: 'float', native: 'REAL', bits: 64 } };
    case 'text':
      return { type: { ...t, native: t.length === undefined ? 'TEXT' : `${t.fixed ? 'CHAR' : 'VARCHAR'}(${t.length})` } };
    case 'binary':
      return { type: { kind: 'binary', native: 'BLOB' } };
    case 'boolean':
      return { type: { kind: 'boolean', native: 'BOOLEAN' } };
    case 'date':
      return { type: { kind: 'date', native: 'DATE' } };
    case 'time':
      return { type: { kind: 'time', native: 'TIME', tz: false }, loss: t.tz ? 'time zone dropped' : undefined };
    case 'timestamp':
      return { type: { kind: 'timestamp', native: t.tz ? 'TIMESTAMPTZ' : 'DATETIME', tz: t.tz } };
    case 'uuid':
      return { type: { kind: 'uuid', native: 'UUID' } };
    case 'json':
      return { type: { kind: 'json', native: 'JSON', binary: false } };
    case 'enum': {
      const values = t.values ?? (t.ref === undefined ? undefined : enums.get(t.ref));
      return text('TEXT', `enum${values === undefined ? '' : ` (${values.join(', ')})`} becomes TEXT; the allowed values are not enforced`);
    }
    case 'set':
    case 'array':
    case 'vector':
      return { type: { kind: 'json', native: 'JSON', binary: false }, loss: `${t.native} becomes JSON text` };
    case 'interval':
    case 'network':
    case 'bit':
    case 'spatial':
    case 'user':
    case 'other':
      return text('TEXT', `${t.native} has no SQLite equivalent; kept as text`);
  }
};

/**
 * DuckDB's decimals hold 38 digits, and its bare DECIMAL is DECIMAL(18,3), which would round every
 * value of an unbounded numeric to three places without a word. A wider decimal keeps its scale,
 * so a value with too many digits before the point is refused rather than rounded.
 */
function duckdbDecimal(t: Extract<ColumnType, { kind: 'decimal' }>): Spelled {
  const unsigned = t.unsigned ? 'unsigned dropped: negative values become allowed' : undefined;
  if (t.precision === undefined) {
    return { type: { kind: 'decimal', native: 'DECIMAL(38,10)', precision: 38, scale: 10 }, loss: 'unbounded numeric becomes DECIMAL(38,10): values with more than 28 digits before the point are refused, digits past the 10th after it rounded' };
  }
  const scale = Math.min(t.scale ?? 0, 38);
  if (t.precision > 38) {
    return { type: { kind: 'decimal', native: `DECIMAL(38,${scale})`, precision: 38, scale }, loss: `DuckDB decimals hold 38 digits: ${t.native} becomes DECIMAL(38,${scale}) and values with more than ${38 - scale} digits before the point are refused` };
  }
  return { type: { kind: 'decimal', native: `DECIMAL(${t.precision},${scale})`, precision: t.precision, scale }, loss: unsigned };
}

const duckdb: Speller = (t, enums) => {
  // DuckDB's spelling is PostgreSQL's for everything redb models, with its own names for a few.
  const pg = postgres(t, enums);
  if (t.kind === 'integer' && t.unsigned) {
    const name = t.bits === 8 ? 'UTINYINT' : t.bits === 16 ? 'USMALLINT' : t.bits <= 32 ? 'UINTEGER' : 'UBIGINT';
    return { type: { kind: 'integer', native: name, bits: t.bits, unsigned: true } };
  }
  if (t.kind === 'json') return { type: { kind: 'json', native: 'JSON', binary: false } };
  // DuckDB's times and timestamps take no precision (they keep microseconds).
  if (t.kind === 'timestamp') return { type: { kind: 'timestamp', native: t.tz ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP', tz: t.tz } };
  if (t.kind === 'time') return { type: { kind: 'time', native: t.tz ? 'TIME WITH TIME ZONE' : 'TIME', tz: t.tz } };
  if (t.kind === 'binary') return { type: { kind: 'binary', native: 'BLOB' } };
  if (t.kind === 'decimal') return duckdbDecimal(t);
  return pg;
};

const spellers: Record<Engine, Speller | undefined> = { postgres, mysql, sqlite, duckdb, mongodb: undefined };

export function spellType(type: ColumnType, to: Engine, enums: ReadonlyMap<string, readonly string[]> = new Map()): Spelled | undefined {
  const speller = spellers[to];
  if (speller === undefined) return undefined;
  if (type.kind === 'array' && to === 'postgres') {
    const inner = postgres(type.of, enums);
    if (inner.type.kind === 'array') return inner;
    return { type: { kind: 'array', native: `${inner.type.native}${'[]'.repeat(type.dims ?? 1)}`, of: inner.type as ScalarType, dims: type.dims }, loss: inner.loss };
  }
  return speller(type, enums);
}
