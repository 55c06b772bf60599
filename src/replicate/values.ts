import { manifestOf } from '../adapters/registry.js';
import { floatText, plainDecimal } from '../adapters/rows.js';
import type { ColumnType, Engine } from '../unified/index.js';
import { readArray, writeArray } from './array-text.js';

export { floatText, plainDecimal };

/**
 * The one place where values change representation between engines. A reader hands over what its
 * driver gives (PostgreSQL: COPY text, bytea as bytes; MySQL: the binary protocol's values, with
 * dates and big numbers as strings; SQLite: better-sqlite3 values with bigint integers; DuckDB:
 * primitives, bytes and text); `decoder` turns those into the portable form below, masking works
 * on that form, and `coercer` shapes it for the target column's kind. Nothing here rounds: a value
 * either keeps its exact meaning or is passed on as it is, for the target to take or refuse.
 *
 * Portable form, by the portable kind of the column:
 *   integer          bigint
 *   decimal          string of plain digits, as written (`12.50`; never an exponent)
 *   float            number; a 32-bit column's values are exactly 32-bit floats (widened, never re-rounded)
 *   boolean          boolean
 *   binary           Buffer
 *   date             string `YYYY-MM-DD`, with ` BC` after years before 1
 *   time             string `HH:MM:SS[.ffffff]`
 *   timestamp        string `YYYY-MM-DD HH:MM:SS[.ffffff]`, in UTC when the type has a zone, with ` BC` as dates
 *   json             string (the JSON text as the source holds it)
 *   everything else  string (text, uuid, enum, set, interval, bit, network, arrays, ...)
 * null is null everywhere.
 */

export type Decode = (raw: unknown) => unknown;

const asText = (raw: unknown): string => (Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'object' ? JSON.stringify(raw) : String(raw));

function toBigint(raw: unknown): unknown {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'boolean') return raw ? 1n : 0n;
  if (typeof raw === 'number') return Number.isInteger(raw) ? BigInt(raw) : raw;
  const text = asText(raw).trim();
  if (/^[+-]?\d+$/.test(text)) return BigInt(text);
  if (/^(t|true)$/i.test(text)) return 1n;
  if (/^(f|false)$/i.test(text)) return 0n;
  // Not an integer (SQLite stores what it is given): passed on for the target to judge.
  return text;
}

function toBoolean(raw: unknown): unknown {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'bigint' || typeof raw === 'number') return raw !== 0n && raw !== 0;
  const text = asText(raw).trim().toLowerCase();
  if (['t', 'true', '1', 'y', 'yes', 'on'].includes(text)) return true;
  if (['f', 'false', '0', 'n', 'no', 'off'].includes(text)) return false;
  return text;
}

function toDecimal(raw: unknown): unknown {
  if (typeof raw === 'bigint') return String(raw);
  // A double (SQLite keeps decimals as doubles): its shortest exact text, in plain digits.
  if (typeof raw === 'number') return Number.isFinite(raw) ? plainDecimal(String(raw)) : String(raw);
  return plainDecimal(asText(raw).trim());
}

/** `YYYY-MM-DD HH:MM:SS`, the usual spelling, which needs no tidying: checked without a regular expression, as it is on every value. */
function isPlainTimestamp(s: string): boolean {
  if (s.length !== 19) return false;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const ok = i === 4 || i === 7 ? c === 45 : i === 10 ? c === 32 : i === 13 || i === 16 ? c === 58 : c >= 48 && c <= 57;
    if (!ok) return false;
  }
  return true;
}

/** The era of a date or timestamp text: PostgreSQL writes ` BC` at the end, DuckDB `(BC)` after the date. */
function era(text: string): { text: string; bc: boolean } {
  if (text.endsWith(' BC')) return { text: text.slice(0, -3).trimEnd(), bc: true };
  const at = text.indexOf(' (BC)');
  return at < 0 ? { text, bc: false } : { text: `${text.slice(0, at)}${text.slice(at + 5)}`, bc: true };
}

/**
 * `2009-01-01T10:00:00.500+02:00` → `2009-01-01 08:00:00.5`; without an offset, only the spelling
 * is tidied. Years past 9999 and before 1 keep their digits (and ` BC`); an offset on such a year,
 * which no engine redb reads writes, is left as written.
 */
export function timestampText(raw: unknown): string {
  if (typeof raw === 'string' && isPlainTimestamp(raw)) return raw;
  const written = asText(raw).trim();
  const { text, bc } = era(written);
  const m = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d)?)(\.\d+)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(text);
  if (m === null) return written;
  const suffix = bc ? ' BC' : '';
  const fraction = (m[3] ?? '').replace(/\.?0+$/, '');
  const time = m[2]?.length === 5 ? `${m[2]}:00` : (m[2] as string);
  if (m[4] === undefined || /^(Z|[+-]00(:?00)?)$/i.test(m[4])) return `${m[1]} ${time}${fraction}${suffix}`;
  if (bc || m[1]?.length !== 10) return written;
  const sign = m[4].startsWith('-') ? -1 : 1;
  const digits = m[4].replace(/[^\d]/g, '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  const utc = new Date(Date.parse(`${m[1]}T${time}Z`) - offsetMinutes * 60_000).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}${fraction}`;
}

function dateText(raw: unknown): string {
  const written = asText(raw).trim();
  const { text, bc } = era(written);
  const m = /^\d{4,}-\d\d-\d\d/.exec(text);
  return m === null ? written : `${m[0]}${bc ? ' BC' : ''}`;
}

const timeText = (raw: unknown): string => {
  const text = asText(raw).trim();
  const m = /^(\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?)?$/.exec(text);
  return m === null ? text : `${m[1]}${(m[2] ?? '').replace(/\.?0+$/, '')}`;
};

function toBinary(raw: unknown): unknown {
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const text = asText(raw);
  // PostgreSQL's hex output.
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8');
}

function toFloat(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  const text = asText(raw).trim();
  const special = /^([+-]?)inf(inity)?$/i.exec(text);
  return special !== null ? (special[1] === '-' ? -Infinity : Infinity) : /^nan$/i.test(text) ? NaN : Number(text);
}

/** A 32-bit float's value: engines print its shortest 32-bit text, which as a double is another number. */
const toFloat32 = (raw: unknown): number => Math.fround(toFloat(raw));

/** Portable meaning for each kind, from whatever a driver hands over. */
const byKind: Readonly<Partial<Record<ColumnType['kind'], Decode>>> = {
  integer: toBigint,
  decimal: toDecimal,
  float: toFloat,
  boolean: toBoolean,
  binary: toBinary,
  date: dateText,
  time: timeText,
  timestamp: timestampText,
};

const nullable =
  (decode: Decode): Decode =>
  (raw) =>
    raw === null || raw === undefined ? null : decode(raw);

/** The kind's decoding, with what the kind alone does not tell (the width of a float). */
const decodeFor = (type: ColumnType): Decode => (type.kind === 'float' && type.bits === 32 ? toFloat32 : (byKind[type.kind] ?? asText));

/**
 * The function that makes a column's values portable. Engine quirks that a kind alone does not
 * tell are handled here: MySQL BIT arrives as bytes and leaves as a string of bits.
 */
export function decoder(engine: Engine, type: ColumnType): Decode {
  if (manifestOf(engine).values.bitsAsBytes && type.kind === 'bit') {
    return nullable((raw) =>
      Buffer.isBuffer(raw)
        ? [...raw]
            .map((b) => b.toString(2).padStart(8, '0'))
            .join('')
            .slice(-(type.length ?? 1))
        : asText(raw),
    );
  }
  return nullable(decodeFor(type));
}

/** The function that shapes a portable value (of any kind) for a target column of this type. */
export function coercer(type: ColumnType): Decode {
  if (type.kind === 'text' || type.kind === 'enum' || type.kind === 'uuid' || type.kind === 'json') {
    return nullable((v) =>
      typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString(type.kind === 'json' ? 'utf8' : 'hex') : typeof v === 'number' ? floatText(v) : asText(v),
    );
  }
  return nullable(decodeFor(type));
}

/**
 * What a value needs, beyond the portable form, to mean the same in a column of another engine: an
 * array in the text its source engine writes (PostgreSQL's `{a,"b c",NULL}`, a DuckDB list) becomes
 * the text the target's arrays take, or the JSON array a MariaDB/MySQL or SQLite json column holds
 * for it. Undefined where the portable form is enough.
 */
export function crossing(source: { engine: Engine; type: ColumnType }, target: { engine: Engine; type: ColumnType }): Decode | undefined {
  if (source.type.kind !== 'array') return undefined;
  const to = target.type.kind === 'json' ? 'json' : target.type.kind === 'array' ? manifestOf(target.engine).values.arrays : undefined;
  if (to === undefined || to === manifestOf(source.engine).values.arrays) return undefined;
  const of = source.type.of;
  return nullable((v) => {
    const nodes = typeof v === 'string' ? readArray(v) : undefined;
    return nodes === undefined ? v : writeArray(nodes, of, to);
  });
}

/** JSON text of an array's text (PostgreSQL's or a DuckDB list's); numbers stay as written, so none is rounded. */
export function arrayJson(text: string, of: ColumnType): string {
  const nodes = readArray(text);
  return nodes === undefined ? text : writeArray(nodes, of, 'json');
}
