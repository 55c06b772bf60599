import type { ColumnType, ScalarType } from '../../unified/index.js';

/** What the introspector knows of one pg_type row; enough to find a type's portable meaning. */
export interface PgTypeInfo {
  readonly name: string;
  readonly schema: string;
  /** pg_type.typtype: b base, d domain, e enum, c composite, r range, m multirange, p pseudo. */
  readonly typtype: string;
  /** pg_type.typcategory: 'A' for arrays. */
  readonly category: string;
  /** Element type oid of an array type. */
  readonly elem: string | undefined;
}

const numbers = (native: string): number[] => {
  const m = /\((\d+)(?:\s*,\s*(-?\d+))?\)/.exec(native);
  return m === null ? [] : [Number(m[1]), ...(m[2] === undefined ? [] : [Number(m[2])])];
};
const opt = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, number>));

const SPATIAL = new Set(['point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', 'geometry', 'geography']);
const NETWORK = new Set(['inet', 'cidr', 'macaddr', 'macaddr8']);

/** The portable meaning of a built-in (pg_catalog) or well-known extension type, by its internal name. */
function scalarType(native: string, info: PgTypeInfo | undefined): ScalarType {
  if (info === undefined) return { kind: 'other', native };
  const ref = `${info.schema}.${info.name}`;
  if (info.typtype === 'e') return { kind: 'enum', native, ref };
  if (info.typtype === 'd' || info.typtype === 'c' || (info.typtype === 'r' && info.schema !== 'pg_catalog')) return { kind: 'user', native, ref };
  const [n1, n2] = numbers(native);
  if (info.schema !== 'pg_catalog') {
    // Extension types: pgvector and PostGIS have portable meanings; others are kept verbatim.
    if (info.name === 'vector') return { kind: 'vector', native, ...opt('dims', n1) };
    if (SPATIAL.has(info.name)) return { kind: 'spatial', native };
    return info.typtype === 'b' ? { kind: 'other', native } : { kind: 'user', native, ref };
  }
  switch (info.name) {
    case 'int2':
      return { kind: 'integer', native, bits: 16 };
    case 'int4':
      return { kind: 'integer', native, bits: 32 };
    case 'int8':
      return { kind: 'integer', native, bits: 64 };
    case 'numeric':
      return { kind: 'decimal', native, ...opt('precision', n1), ...opt('scale', n2) };
    case 'float4':
      return { kind: 'float', native, bits: 32 };
    case 'float8':
      return { kind: 'float', native, bits: 64 };
    case 'varchar':
      return { kind: 'text', native, ...opt('length', n1) };
    case 'bpchar':
      return { kind: 'text', native, ...opt('length', n1), fixed: true };
    case 'text':
      return { kind: 'text', native };
    case 'bytea':
      return { kind: 'binary', native };
    case 'bool':
      return { kind: 'boolean', native };
    case 'date':
      return { kind: 'date', native };
    case 'time':
    case 'timetz':
      return { kind: 'time', native, tz: info.name === 'timetz', ...opt('precision', n1) };
    case 'timestamp':
    case 'timestamptz':
      return { kind: 'timestamp', native, tz: info.name === 'timestamptz', ...opt('precision', n1) };
    case 'interval':
      return { kind: 'interval', native };
    case 'uuid':
      return { kind: 'uuid', native };
    case 'json':
    case 'jsonb':
      return { kind: 'json', native, binary: info.name === 'jsonb' };
    case 'bit':
    case 'varbit':
      return { kind: 'bit', native, ...opt('length', n1), ...(info.name === 'varbit' ? { varying: true } : {}) };
    default:
      if (NETWORK.has(info.name)) return { kind: 'network', native };
      if (SPATIAL.has(info.name)) return { kind: 'spatial', native };
      return { kind: 'other', native };
  }
}

/**
 * Map a type as `format_type()` spells it to a portable column type. `ndims` is the declared number
 * of array dimensions (attndims); PostgreSQL ignores it for storage but keeps it, so the native
 * spelling carries one `[]` per dimension to make a round trip exact.
 */
export function pgColumnType(formatted: string, oid: string, ndims: number, types: ReadonlyMap<string, PgTypeInfo>): ColumnType {
  const info = types.get(oid);
  if (info?.category === 'A' && info.elem !== undefined) {
    const element = formatted.replace(/(\[\])+$/, '');
    const dims = Math.max(ndims, 1);
    const of = scalarType(element, types.get(info.elem));
    return { kind: 'array', native: `${element}${'[]'.repeat(dims)}`, of, ...(dims > 1 ? { dims } : {}) };
  }
  return scalarType(formatted, info);
}

/** The integer types a sequence or identity column can have, with their ranges. */
const RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

export interface SequenceOptions {
  readonly start?: string | undefined;
  readonly increment?: string | undefined;
  readonly min?: string | undefined;
  readonly max?: string | undefined;
  readonly cache?: string | undefined;
  readonly cycle?: boolean | undefined;
}

/** The bounds a sequence really has, with PostgreSQL's defaults filled in. */
export function sequenceBounds(type: string | undefined, o: SequenceOptions): { min: bigint; max: bigint; start: bigint } {
  const [lo, hi] = RANGES[type ?? 'bigint'] ?? (RANGES.bigint as readonly [bigint, bigint]);
  const asc = BigInt(o.increment ?? '1') > 0n;
  const min = o.min === undefined ? (asc ? 1n : lo) : BigInt(o.min);
  const max = o.max === undefined ? (asc ? hi : -1n) : BigInt(o.max);
  return { min, max, start: o.start === undefined ? (asc ? min : max) : BigInt(o.start) };
}

/** Every option as the catalog holds it (pg_sequence, as text). */
export interface RawSequenceOptions {
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

/**
 * Sequence options with the values PostgreSQL would pick by itself left out, so a model only says
 * what was chosen on purpose (and ALTER ... NO MINVALUE etc. restore the rest).
 */
export function withoutDefaults(type: string, raw: RawSequenceOptions): SequenceOptions {
  const [lo, hi] = RANGES[type] ?? (RANGES.bigint as readonly [bigint, bigint]);
  const increment = BigInt(raw.increment);
  const min = increment > 0n ? 1n : lo;
  const max = increment > 0n ? hi : -1n;
  const start = increment > 0n ? BigInt(raw.min) : BigInt(raw.max);
  const differs = (value: string, def: bigint) => (BigInt(value) === def ? undefined : value);
  return {
    start: differs(raw.start, start),
    increment: differs(raw.increment, 1n),
    min: differs(raw.min, min),
    max: differs(raw.max, max),
    cache: differs(raw.cache, 1n),
    cycle: raw.cycle || undefined,
  };
}
