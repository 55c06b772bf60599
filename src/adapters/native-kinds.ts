import type { ColumnTypeKind } from '../unified/index.js';

/**
 * Which portable kinds a native spelling can carry, as the adapters read it back: a hand edit that
 * changed `kind` and not `native` (`kind: integer, native: NVARCHAR(120)`) would compile from one
 * and diff from the other. Only spellings whose meaning is fixed are listed; a spelling not listed
 * (a user type, an enum, a domain, anything unusual) is not checked.
 */

export type Kinds = readonly ColumnTypeKind[];

export const INTEGER: Kinds = ['integer'];
export const TEXT: Kinds = ['text'];
export const BINARY: Kinds = ['binary'];

/** PostgreSQL's and DuckDB's built-in names (format_type and duckdb_columns spellings, and their aliases). */
export const SQL_WORDS: Readonly<Record<string, Kinds>> = {
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

/** The lower-case type name without size, modifiers or array brackets: `character varying`, `timestamp with time zone`. */
export function baseName(native: string): string {
  return native
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** An array spelling (`integer[]`, `FLOAT[3]`). */
export const isArraySpelling = (native: string): boolean => /\]\s*$/.test(native);

/** PostgreSQL's and DuckDB's reading: a quoted or qualified name is a type of the user's, not checked. */
export function sqlWordKinds(native: string): Kinds | undefined {
  if (/^\s*"/.test(native) || native.includes('.')) return undefined;
  return SQL_WORDS[baseName(native)];
}
