import type { ColumnType, ColumnTypeKind } from './column-type.js';
import type { Engine } from './model.js';

/**
 * Which portable kinds a native spelling can carry on an engine, as the adapters read it back: a
 * hand edit that changed `kind` and not `native` (`kind: integer, native: NVARCHAR(120)`) would
 * compile from one and diff from the other. Only spellings whose meaning is fixed are listed; a
 * spelling not listed (a user type, an enum, a domain, anything unusual) is not checked.
 */

type Kinds = readonly ColumnTypeKind[];

const INTEGER: Kinds = ['integer'];
const TEXT: Kinds = ['text'];
const BINARY: Kinds = ['binary'];

/** PostgreSQL's and DuckDB's built-in names (format_type and duckdb_columns spellings, and their aliases). */
const SQL_WORDS: Readonly<Record<string, Kinds>> = {
  smallint: INTEGER,
  integer: INTEGER,
  int: INTEGER,
  int2: INTEGER,
  int4: INTEGER,
  int8: INTEGER,
  bigint: INTEGER,
  tinyint: INTEGER,
  utinyint: INTEGER,
  usmallint: INTEGER,
  uinteger: INTEGER,
  ubigint: INTEGER,
  smallserial: INTEGER,
  serial: INTEGER,
  bigserial: INTEGER,
  numeric: ['decimal'],
  decimal: ['decimal'],
  real: ['float'],
  float4: ['float'],
  float8: ['float'],
  float: ['float'],
  double: ['float'],
  'double precision': ['float'],
  'character varying': TEXT,
  varchar: TEXT,
  character: TEXT,
  char: TEXT,
  bpchar: TEXT,
  text: TEXT,
  bytea: BINARY,
  blob: BINARY,
  boolean: ['boolean'],
  bool: ['boolean'],
  date: ['date'],
  time: ['time'],
  timetz: ['time'],
  'time with time zone': ['time'],
  'time without time zone': ['time'],
  timestamp: ['timestamp'],
  timestamptz: ['timestamp'],
  'timestamp with time zone': ['timestamp'],
  'timestamp without time zone': ['timestamp'],
  timestamp_s: ['timestamp'],
  timestamp_ms: ['timestamp'],
  timestamp_ns: ['timestamp'],
  interval: ['interval'],
  uuid: ['uuid'],
  json: ['json'],
  jsonb: ['json'],
  bit: ['bit'],
  varbit: ['bit'],
  'bit varying': ['bit'],
  inet: ['network'],
  cidr: ['network'],
  macaddr: ['network'],
  macaddr8: ['network'],
};

/** MariaDB/MySQL COLUMN_TYPE names. */
const MYSQL_WORDS: Readonly<Record<string, Kinds>> = {
  tinyint: INTEGER,
  smallint: INTEGER,
  mediumint: INTEGER,
  int: INTEGER,
  integer: INTEGER,
  bigint: INTEGER,
  year: INTEGER,
  decimal: ['decimal'],
  numeric: ['decimal'],
  float: ['float'],
  double: ['float'],
  real: ['float'],
  char: TEXT,
  varchar: TEXT,
  tinytext: TEXT,
  text: TEXT,
  mediumtext: TEXT,
  // MariaDB's JSON is LONGTEXT with a json_valid check.
  longtext: ['text', 'json'],
  binary: BINARY,
  varbinary: BINARY,
  tinyblob: BINARY,
  blob: BINARY,
  mediumblob: BINARY,
  longblob: BINARY,
  date: ['date'],
  time: ['time'],
  datetime: ['timestamp'],
  timestamp: ['timestamp'],
  json: ['json'],
  enum: ['enum'],
  set: ['set'],
  bit: ['bit'],
  uuid: ['uuid'],
  inet4: ['network'],
  inet6: ['network'],
  geometry: ['spatial'],
  point: ['spatial'],
  linestring: ['spatial'],
  polygon: ['spatial'],
  multipoint: ['spatial'],
  multilinestring: ['spatial'],
  multipolygon: ['spatial'],
  geometrycollection: ['spatial'],
};

/** SQLite reads a declared type by affinity-like rules; these are the adapter's, in its order. */
function sqliteKinds(native: string): Kinds | undefined {
  const base = native.trim().toUpperCase().replace(/\(.*$/, '').trim();
  if (base === '') return undefined;
  if (/^(BOOL|BOOLEAN)$/.test(base)) return ['boolean'];
  if (/INT/.test(base)) return INTEGER;
  if (/^(UUID|GUID|UNIQUEIDENTIFIER)$/.test(base)) return ['uuid'];
  if (/^JSONB?$/.test(base)) return ['json'];
  if (/^(DATETIME|TIMESTAMP|TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE)$/.test(base)) return ['timestamp'];
  if (base === 'DATE') return ['date'];
  if (base === 'TIME') return ['time'];
  if (/CHAR|CLOB|TEXT/.test(base)) return TEXT;
  if (/BLOB|BINARY|BYTEA/.test(base)) return BINARY;
  if (/^(REAL|FLOA|DOUB)/.test(base)) return ['float'];
  if (/^(NUMERIC|DECIMAL)$/.test(base)) return ['decimal'];
  return undefined;
}

/** The lower-case type name without size, modifiers or array brackets: `character varying`, `timestamp with time zone`. */
function baseName(native: string): string {
  return native
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The kinds `native` can carry on `engine`; undefined when the spelling alone does not tell. */
export function kindsOfNative(engine: Engine, native: string): Kinds | undefined {
  if (engine === 'sqlite') return sqliteKinds(native);
  if (/\]\s*$/.test(native)) return engine === 'duckdb' && /^FLOAT\[\d+\]$/i.test(native.trim()) ? ['vector', 'array'] : ['array'];
  // MySQL's first word is the type (`int(10) unsigned zerofill`, `enum('a)','b')`).
  if (engine === 'mysql') return MYSQL_WORDS[/^\s*([a-z0-9]+)/i.exec(native)?.[1]?.toLowerCase() ?? ''];
  if (engine === 'postgres' || engine === 'duckdb') {
    if (/^\s*"/.test(native) || native.includes('.')) return undefined;
    const base = baseName(native);
    // DuckDB prints an enum column's type as ENUM('a', 'b').
    if (engine === 'duckdb' && base === 'enum') return ['enum'];
    return SQL_WORDS[base];
  }
  return undefined;
}

/** Where a type's `kind` is not one its `native` spelling can carry on `engine`: the field and why; undefined when they agree or cannot be compared. */
export function kindContradiction(engine: Engine, type: ColumnType): { readonly field: string; readonly detail: string } | undefined {
  const kinds = kindsOfNative(engine, type.native);
  if (kinds !== undefined && !kinds.includes(type.kind)) {
    return { field: 'kind', detail: `native ${type.native} is ${kinds.length === 1 ? `a ${kinds[0]}` : `one of ${kinds.join(', ')}`} type on ${engine}, but kind says ${type.kind}: change both together` };
  }
  if (type.kind === 'array') {
    const inner = kindContradiction(engine, type.of);
    return inner === undefined ? undefined : { field: `of.${inner.field}`, detail: inner.detail };
  }
  return undefined;
}
