import type { ColumnType, ScalarType } from '../../unified/index.js';

/** Type names DuckDB prints (duckdb_columns().data_type) that have one portable meaning. */
const SCALARS: Readonly<Record<string, ScalarType>> = {
  BOOLEAN: { kind: 'boolean', native: 'BOOLEAN' },
  TINYINT: { kind: 'integer', native: 'TINYINT', bits: 8 },
  SMALLINT: { kind: 'integer', native: 'SMALLINT', bits: 16 },
  INTEGER: { kind: 'integer', native: 'INTEGER', bits: 32 },
  BIGINT: { kind: 'integer', native: 'BIGINT', bits: 64 },
  UTINYINT: { kind: 'integer', native: 'UTINYINT', bits: 8, unsigned: true },
  USMALLINT: { kind: 'integer', native: 'USMALLINT', bits: 16, unsigned: true },
  UINTEGER: { kind: 'integer', native: 'UINTEGER', bits: 32, unsigned: true },
  UBIGINT: { kind: 'integer', native: 'UBIGINT', bits: 64, unsigned: true },
  FLOAT: { kind: 'float', native: 'FLOAT', bits: 32 },
  DOUBLE: { kind: 'float', native: 'DOUBLE', bits: 64 },
  VARCHAR: { kind: 'text', native: 'VARCHAR' },
  BLOB: { kind: 'binary', native: 'BLOB' },
  DATE: { kind: 'date', native: 'DATE' },
  TIME: { kind: 'time', native: 'TIME', tz: false },
  'TIME WITH TIME ZONE': { kind: 'time', native: 'TIME WITH TIME ZONE', tz: true },
  TIMESTAMP: { kind: 'timestamp', native: 'TIMESTAMP', tz: false },
  'TIMESTAMP WITH TIME ZONE': { kind: 'timestamp', native: 'TIMESTAMP WITH TIME ZONE', tz: true },
  TIMESTAMP_S: { kind: 'timestamp', native: 'TIMESTAMP_S', tz: false, precision: 0 },
  TIMESTAMP_MS: { kind: 'timestamp', native: 'TIMESTAMP_MS', tz: false, precision: 3 },
  TIMESTAMP_NS: { kind: 'timestamp', native: 'TIMESTAMP_NS', tz: false, precision: 9 },
  INTERVAL: { kind: 'interval', native: 'INTERVAL' },
  UUID: { kind: 'uuid', native: 'UUID' },
  JSON: { kind: 'json', native: 'JSON', binary: false },
  BIT: { kind: 'bit', native: 'BIT', varying: true },
};

/** The labels of `ENUM('a', 'b')`, as DuckDB prints an enum column's type. */
function enumLabels(inner: string): string[] {
  return [...inner.matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] as string).replace(/''/g, "'"));
}

function scalar(native: string): ScalarType {
  const known = SCALARS[native];
  if (known !== undefined) return known;
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(native);
  if (decimal !== null) return { kind: 'decimal', native, precision: Number(decimal[1]), scale: Number(decimal[2]) };
  if (native.startsWith('ENUM(')) return { kind: 'enum', native, values: enumLabels(native.slice(5, -1)) };
  // STRUCT, MAP, UNION, HUGEINT, VARINT, GEOMETRY...: no portable meaning, kept as spelled.
  return { kind: 'other', native };
}

/**
 * The portable meaning of a column type as DuckDB prints it, keeping that spelling. `X[]` is a
 * list, `FLOAT[n]` a fixed-size array (DuckDB's vector type); other fixed-size arrays are kept as
 * lists of their element.
 */
export function duckdbColumnType(native: string): ColumnType {
  const vector = /^FLOAT\[(\d+)\]$/.exec(native);
  if (vector !== null) return { kind: 'vector', native, dims: Number(vector[1]) };
  const list = /^(.*?)((?:\[\d*\])+)$/.exec(native);
  if (list !== null) {
    const of = scalar(list[1] as string);
    const dims = (list[2] as string).split('[').length - 1;
    return { kind: 'array', native, of, ...(dims > 1 ? { dims } : {}) };
  }
  return scalar(native);
}
