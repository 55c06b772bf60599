import type { ColumnType, ScalarType, Speller, Spelled } from '../../unified/index.js';
import { postgresElement } from '../postgres/spell-type.js';

/**
 * DuckDB's decimals hold 38 digits, and its bare DECIMAL is DECIMAL(18,3), which would round every
 * value of an unbounded numeric to three places without a word. A wider decimal keeps its scale,
 * so a value with too many digits before the point is refused rather than rounded.
 */
function duckdbDecimal(t: Extract<ColumnType, { kind: 'decimal' }>): Spelled {
  const unsigned = t.unsigned ? 'unsigned dropped: negative values become allowed' : undefined;
  if (t.precision === undefined) {
    return {
      type: { kind: 'decimal', native: 'DECIMAL(38,10)', precision: 38, scale: 10 },
      loss: 'unbounded numeric becomes DECIMAL(38,10): values with more than 28 digits before the point are refused, digits past the 10th after it rounded',
    };
  }
  const scale = Math.min(t.scale ?? 0, 38);
  if (t.precision > 38) {
    return {
      type: { kind: 'decimal', native: `DECIMAL(38,${scale})`, precision: 38, scale },
      loss: `DuckDB decimals hold 38 digits: ${t.native} becomes DECIMAL(38,${scale}) and values with more than ${38 - scale} digits before the point are refused`,
    };
  }
  return { type: { kind: 'decimal', native: `DECIMAL(${t.precision},${scale})`, precision: t.precision, scale }, loss: unsigned };
}

const duckdbElement: Speller = (t, enums) => {
  // DuckDB's spelling is PostgreSQL's for everything redb models, with its own names for a few.
  const pg = postgresElement(t, enums);
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

/** How DuckDB spells a portable type: a list spells its element as DuckDB would (a bare `numeric[]` is DECIMAL(18,3)[], rounding to three places). */
export const duckdbSpeller: Speller = (t, enums) => {
  if (t.kind === 'array') {
    const inner = duckdbElement(t.of, enums);
    if (inner.type.kind === 'array') return inner;
    return { type: { kind: 'array', native: `${inner.type.native}${'[]'.repeat(t.dims ?? 1)}`, of: inner.type as ScalarType, dims: t.dims }, loss: inner.loss };
  }
  return duckdbElement(t, enums);
};
