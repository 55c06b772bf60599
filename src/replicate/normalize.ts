import { createHash } from 'node:crypto';
import type { CanonicalForm } from '../adapters/canonical-sql.js';
import type { ColumnType } from '../unified/index.js';
import { canonicalJson } from './json-text.js';
import { canonicalArray } from './array-text.js';
import { coercer, floatText, plainDecimal, timestampText } from './values.js';

/**
 * What verify compares: each value, made portable (values.ts), brought to the kind both sides
 * share, and written as one canonical text. Per kind:
 *   integer    decimal digits (`true` counts as 1: MySQL and SQLite keep booleans as integers)
 *   decimal    digits without a `+`, trailing fractional zeros or a trailing point (`12.50` = `12.5`)
 *   float      the double's shortest round-trip text, `-0` apart from `0`: equal texts are equal
 *              bits (any NaN is one). A 32-bit float is its exact value (values.ts), so a float
 *              compared with a double is compared as a double and its last bit counts. A decimal
 *              compared with a float is compared as a float (PostgreSQL numeric 0.99 equals SQLite
 *              REAL 0.99)
 *   boolean    `true` / `false` (from t/f, 1/0, true/false)
 *   date       `YYYY-MM-DD`
 *   time       `HH:MM:SS[.fraction]`, trailing zeros of the fraction dropped, zone dropped
 *   timestamp  `YYYY-MM-DD HH:MM:SS[.fraction]`, `T` or space, trailing zeros dropped, values with
 *              an offset converted to UTC (every session redb opens runs in UTC)
 *   json       the document with object keys sorted, spaces dropped and numbers as exact decimals
 *              (jsonb and MySQL reorder keys and respell numbers; no digit is lost: json-text.ts)
 *   binary     the md5 of the bytes, in lowercase hex (as the servers write it: canonical-sql.ts)
 *   uuid       lowercase
 *   array      the elements as a JSON array of their text (PostgreSQL quotes an element only where it
 *              must, DuckDB always: array-text.ts)
 *   others     the text as read (interval, network, bit, user types: exact within an engine)
 * NULL is a marker no text can equal. Two columns of different kinds compare as the wider one
 * (boolean/integer → integer, integer/decimal → decimal, decimal/float → float), else as text.
 */

export type Normalize = (portable: unknown) => string;

const NULL = '\u0000N';

type Kind = ColumnType['kind'];

/** The kind both sides' values are compared as. */
export function comparisonType(a: ColumnType, b: ColumnType): ColumnType {
  if (a.kind === b.kind) {
    // The wider float: a double holding a 32-bit value must hold it exactly, not within 32 bits.
    if (a.kind === 'float' && b.kind === 'float') return a.bits >= b.bits ? a : b;
    return a;
  }
  const pair = new Set<Kind>([a.kind, b.kind]);
  const either = (k: Kind) => (a.kind === k ? a : b);
  const has = (x: Kind, y: Kind) => pair.has(x) && pair.has(y);
  if (has('boolean', 'integer')) return either('integer');
  if (has('integer', 'decimal')) return either('decimal');
  if (has('decimal', 'float') || has('integer', 'float')) return either('float');
  // A PostgreSQL array kept as a JSON array (values.ts crossing): compared as the JSON it became.
  if (has('array', 'json')) return either('json');
  for (const k of ['timestamp', 'date', 'time', 'json', 'uuid'] as const) {
    if (pair.has(k) && (pair.has('text') || pair.has('other') || pair.has('enum'))) return either(k);
  }
  return { kind: 'text', native: 'text' };
}

/** Kinds whose text the servers can write canonically, per comparison kind: the kinds each side may have. */
const SERVER_FORMS: Readonly<Partial<Record<Kind, { form: CanonicalForm; from: readonly Kind[] }>>> = {
  integer: { form: 'integer', from: ['integer', 'boolean'] },
  decimal: { form: 'decimal', from: ['integer', 'decimal'] },
  boolean: { form: 'boolean', from: ['boolean'] },
  binary: { form: 'binary', from: ['binary'] },
  date: { form: 'date', from: ['date'] },
  time: { form: 'time', from: ['time'] },
  timestamp: { form: 'timestamp', from: ['timestamp'] },
  uuid: { form: 'uuid', from: ['uuid', 'text'] },
};
/** Kinds compared as text whose own text every engine writes alike (floats, JSON, bits and arrays are not). */
const TEXT_KINDS: ReadonlySet<Kind> = new Set([
  'text',
  'enum',
  'uuid',
  'integer',
  'decimal',
  'boolean',
  'binary',
  'date',
  'time',
  'timestamp',
  'interval',
  'network',
  'user',
  'other',
]);

/**
 * The form in which the servers write a column's values for a cross-engine checksum (canonical-sql.ts),
 * giving the texts `normalizer` gives; undefined where only JavaScript can (floats, JSON, ...).
 * `exact`: both sides are one engine and one type, so the engine's own text serves.
 */
export function canonicalForm(a: ColumnType, b: ColumnType, exact: boolean): CanonicalForm | undefined {
  if (exact) return 'raw';
  const as = comparisonType(a, b);
  const server = SERVER_FORMS[as.kind];
  if (server !== undefined) return server.from.includes(a.kind) && server.from.includes(b.kind) ? server.form : undefined;
  return (as.kind === 'text' || as.kind === 'enum') && TEXT_KINDS.has(a.kind) && TEXT_KINDS.has(b.kind) ? 'text' : undefined;
}

const decimalText = (text: string): string => {
  let t = plainDecimal(text.trim().replace(/^\+/, ''));
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  t = t.replace(/^(-?)0+(?=\d)/, '$1');
  return t === '-0' ? '0' : t;
};

const canonical: Readonly<Partial<Record<Kind, (v: unknown, type: ColumnType) => string>>> = {
  decimal: (v) => decimalText(String(v)),
  float: (v) => (typeof v === 'number' ? floatText(v) : String(v)),
  timestamp: (v) => timestampText(v),
  json: (v) => canonicalJson(String(v)),
  binary: (v) => (Buffer.isBuffer(v) ? createHash('md5').update(v).digest('hex') : String(v)),
  uuid: (v) => String(v).toLowerCase(),
  array: (v, type) => (type.kind === 'array' ? canonicalArray(String(v), type.of, decimalText) : String(v)),
};

/** Canonical text of a portable value compared as `type`. */
export function normalizer(type: ColumnType): Normalize {
  const coerce = coercer(type);
  const write = canonical[type.kind] ?? ((v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : String(v)));
  return (portable) => {
    const value = coerce(portable);
    return value === null ? NULL : write(value, type);
  };
}
