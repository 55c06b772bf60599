import type { ColumnType } from '../unified/index.js';

/**
 * Cross-engine checksums computed by the servers themselves. Every engine writes each value as the
 * same canonical text in its own SQL, joins a row's values into one text, hashes it with md5 and
 * sums the first 60 bits of the hashes (as an exact decimal): the same rows give the same sum on
 * PostgreSQL, MariaDB/MySQL, DuckDB and SQLite, in any order, and no row crosses the wire.
 *
 * A row's text is, per column, `\x01` for NULL or `\x02` followed by the value's canonical text.
 * The canonical text of a value depends on the form both sides agreed on (src/replicate/normalize.ts
 * chooses it from the two column types):
 *   raw        the engine's own text of the value (both sides are the same engine and type)
 *   integer    decimal digits; a boolean counts as 1 or 0
 *   decimal    digits, trailing fractional zeros and a bare point removed (`12.50` → `12.5`)
 *   boolean    `true` / `false`
 *   binary     the md5 of the bytes, in lowercase hex: a value of any size is 32 characters, and
 *              no server writes out (nor any driver carries) a text twice the value's size
 *   date       `YYYY-MM-DD`
 *   time       `HH:MM:SS[.fraction]`, fractional zeros trimmed, no zone
 *   timestamp  `YYYY-MM-DD HH:MM:SS[.fraction]`, fractional zeros trimmed, in UTC where the type has a zone
 *   uuid       lowercase
 *   text       the value's text, written by its own kind as above (a boolean as `true`/`false`, ...)
 * These are the texts src/replicate/normalize.ts gives the same values; where an engine's SQL cannot
 * write a value so (a zone it would have to convert, a text it would have to parse), it says so by
 * returning undefined and the values are compared in JavaScript instead.
 */
export type CanonicalForm = 'raw' | 'text' | 'integer' | 'decimal' | 'boolean' | 'binary' | 'date' | 'time' | 'timestamp' | 'uuid';

export interface ChecksumColumn {
  readonly name: string;
  /** The column's type on this side. */
  readonly type: ColumnType;
  readonly form: CanonicalForm;
}

export interface Checksum {
  readonly rows: number;
  readonly checksum: string;
}

/** The SQL an engine writes canonical text with; `x` is an expression (a quoted column). */
export interface CanonicalSql {
  /** The engine's own text of a value of this type. */
  text(x: string, type: ColumnType): string;
  /** A decimal's text without trailing fractional zeros or a bare point. */
  decimal(x: string, type: ColumnType): string;
  /** `yes` or `no`, and NULL for NULL. */
  boolean(x: string, yes: string, no: string): string;
  /** Bytes as lowercase hex (a binary value compared as text). */
  hex(x: string): string;
  /** The md5 of bytes, in lowercase hex; NULL for NULL. */
  digest(x: string): string;
  lower(x: string): string;
  date(x: string): string;
  time(x: string, type: ColumnType): string | undefined;
  timestamp(x: string, type: ColumnType): string | undefined;
  /** One text of a row's canonical values (each possibly NULL), as the header describes. */
  row(values: readonly string[]): string;
}

/** A value written by its own kind, for the forms that keep each kind's own spelling. */
function ownText(sql: CanonicalSql, x: string, type: ColumnType): string | undefined {
  switch (type.kind) {
    case 'boolean':
      return sql.boolean(x, 'true', 'false');
    case 'binary':
      return sql.hex(x);
    case 'date':
      return sql.date(x);
    case 'time':
      return sql.time(x, type);
    case 'timestamp':
      return sql.timestamp(x, type);
    default:
      return sql.text(x, type);
  }
}

/** The canonical text of one column in `sql`, or undefined where this engine cannot write it. */
export function canonicalValue(sql: CanonicalSql, x: string, column: ChecksumColumn): string | undefined {
  const { type } = column;
  switch (column.form) {
    case 'raw':
      return sql.text(x, type);
    case 'integer':
      return type.kind === 'boolean' ? sql.boolean(x, '1', '0') : sql.text(x, type);
    case 'decimal':
      return type.kind === 'decimal' ? sql.decimal(x, type) : sql.text(x, type);
    case 'uuid':
      return sql.lower(sql.text(x, type));
    case 'binary':
      return type.kind === 'binary' ? sql.digest(x) : ownText(sql, x, type);
    case 'boolean':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'text':
      return ownText(sql, x, type);
  }
}

/** The row text of `columns`, or undefined when one of them cannot be written in this engine's SQL. */
export function canonicalRow(sql: CanonicalSql, columns: readonly ChecksumColumn[], quote: (name: string) => string): string | undefined {
  const values = columns.map((c) => canonicalValue(sql, quote(c.name), c));
  return values.every((v) => v !== undefined) ? sql.row(values as string[]) : undefined;
}

/** `fn(a, b, ...)` over any number of arguments, as nested calls of at most `max`: PostgreSQL functions take at most 100. */
export function nestedCall(fn: string, args: readonly string[], max = 90): string {
  if (args.length <= max) return `${fn}(${args.join(', ')})`;
  const groups: string[] = [];
  for (let i = 0; i < args.length; i += max) groups.push(nestedCall(fn, args.slice(i, i + max), max));
  return nestedCall(fn, groups, max);
}

/** `a || b || ...` as a balanced tree of non-NULL texts: SQLite refuses expressions more than 1,000 deep. */
export function balancedConcat(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? "''";
  const middle = Math.ceil(parts.length / 2);
  return `(${balancedConcat(parts.slice(0, middle))} || ${balancedConcat(parts.slice(middle))})`;
}

/**
 * SQL removing trailing fractional zeros, and then a bare point, from the text `t`. `digits` is how
 * many fractional digits the engine always writes for the type (a fixed scale or precision) when
 * known: with none there is nothing to remove, with some there is always a point.
 */
export function trimFraction(t: string, digits: number | undefined, sql: { hasPoint(t: string): string; rtrim(t: string, c: string): string }): string {
  if (digits === 0) return t;
  const trim = sql.rtrim(sql.rtrim(t, '0'), '.');
  return digits === undefined ? `CASE WHEN ${sql.hasPoint(t)} THEN ${trim} ELSE ${t} END` : trim;
}

/** The fractional digits a fixed-scale decimal or a time with a precision is written with, when the type says. */
export const fractionDigits = (type: ColumnType): number | undefined =>
  type.kind === 'decimal' ? type.scale : type.kind === 'time' || type.kind === 'timestamp' ? type.precision : undefined;

/**
 * The 60-bit md5 prefixes summed in JavaScript, for an engine without md5 (SQLite): two halves
 * kept below 2^53, carried now and then, and joined exactly at the end.
 */
export function md5Sum(hash: (text: string) => string): { add(text: string): void; total(): string } {
  let high = 0n;
  let hi = 0;
  let lo = 0;
  let n = 0;
  return {
    add(text) {
      const h = hash(text);
      hi += parseInt(h.slice(0, 7), 16);
      lo += parseInt(h.slice(7, 15), 16);
      // 2^53 / 2^32 rows fit before `lo` could lose a bit.
      if (++n === 1 << 20) {
        high += BigInt(hi) * 2n ** 32n + BigInt(lo);
        hi = lo = n = 0;
      }
    },
    total: () => (high + BigInt(hi) * 2n ** 32n + BigInt(lo)).toString(),
  };
}
