import { manifestOf } from '../adapters/registry.js';
import type { ColumnType, Engine } from '../unified/index.js';

/**
 * The one place where values change representation between engines. A reader hands over what its
 * driver gives (PostgreSQL: COPY text; MySQL: mysql2 values with dates and big numbers as strings;
 * SQLite: better-sqlite3 values with bigint integers); `decoder` turns those into the portable form
 * below, masking works on that form, and `coercer` shapes it for the target column's kind.
 *
 * Portable form, by the portable kind of the column:
 *   integer          bigint
 *   decimal          string, as written (`12.50`)
 *   float            number
 *   boolean          boolean
 *   binary           Buffer
 *   date             string `YYYY-MM-DD`
 *   time             string `HH:MM:SS[.ffffff]`
 *   timestamp        string `YYYY-MM-DD HH:MM:SS[.ffffff]`, in UTC when the type has a zone
 *   json             string (JSON text)
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

/** `2009-01-01T10:00:00.500+02:00` → `2009-01-01 08:00:00.5`; without an offset, only the spelling is tidied. */
export function timestampText(raw: unknown): string {
  if (typeof raw === 'string' && isPlainTimestamp(raw)) return raw;
  const text = asText(raw).trim().replace('T', ' ');
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d(?::\d\d)?)(\.\d+)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(text);
  if (m === null) return text;
  const fraction = (m[3] ?? '').replace(/\.?0+$/, '');
  const time = m[2]?.length === 5 ? `${m[2]}:00` : (m[2] as string);
  if (m[4] === undefined || /^(Z|[+-]00(:?00)?)$/i.test(m[4])) return `${m[1]} ${time}${fraction}`;
  const sign = m[4].startsWith('-') ? -1 : 1;
  const digits = m[4].replace(/[^\d]/g, '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  const utc = new Date(Date.parse(`${m[1]}T${time}Z`) - offsetMinutes * 60_000).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}${fraction}`;
}

const timeText = (raw: unknown): string => {
  const text = asText(raw).trim();
  const m = /^(\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?)?$/.exec(text);
  return m === null ? text : `${m[1]}${(m[2] ?? '').replace(/\.?0+$/, '')}`;
};

function toBinary(raw: unknown): unknown {
  if (Buffer.isBuffer(raw)) return raw;
  const text = asText(raw);
  // PostgreSQL's hex output.
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8');
}

const toFloat = (raw: unknown): number => (typeof raw === 'number' ? raw : Number(typeof raw === 'bigint' ? raw : asText(raw).trim().replace(/^(-?)inf(inity)?$/i, '$1Infinity')));

/** Portable meaning for each kind, from whatever a driver hands over. */
const byKind: Readonly<Partial<Record<ColumnType['kind'], Decode>>> = {
  integer: toBigint,
  decimal: (raw) => (typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : asText(raw).trim()),
  float: toFloat,
  boolean: toBoolean,
  binary: toBinary,
  date: (raw) => asText(raw).trim().slice(0, 10),
  time: timeText,
  timestamp: timestampText,
};

const nullable =
  (decode: Decode): Decode =>
  (raw) =>
    raw === null || raw === undefined ? null : decode(raw);

/**
 * The function that makes a column's values portable. Engine quirks that a kind alone does not
 * tell are handled here: MySQL BIT arrives as bytes and leaves as a string of bits.
 */
export function decoder(engine: Engine, type: ColumnType): Decode {
  if (manifestOf(engine).values.bitsAsBytes && type.kind === 'bit') {
    return nullable((raw) => (Buffer.isBuffer(raw) ? [...raw].map((b) => b.toString(2).padStart(8, '0')).join('').slice(-(type.length ?? 1)) : asText(raw)));
  }
  return nullable(byKind[type.kind] ?? asText);
}

/** The function that shapes a portable value (of any kind) for a target column of this type. */
export function coercer(type: ColumnType): Decode {
  if (type.kind === 'text' || type.kind === 'enum' || type.kind === 'uuid' || type.kind === 'json') {
    return nullable((v) => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString(type.kind === 'json' ? 'utf8' : 'hex') : asText(v)));
  }
  return nullable(byKind[type.kind] ?? asText);
}
