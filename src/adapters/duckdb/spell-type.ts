import type { Speller } from '../../unified/index.js';
import { postgresElement } from '../postgres/spell-type.js';

/** How DuckDB spells a portable type. */
export const duckdbSpeller: Speller = (t, enums) => {
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
  return pg;
};
