import { baseName, isArraySpelling, sqlWordKinds, type Kinds } from '../native-kinds.js';

/** The kinds a DuckDB spelling (duckdb_columns', or an alias) can carry. */
export function duckdbNativeKinds(native: string): Kinds | undefined {
  if (isArraySpelling(native)) return /^FLOAT\[\d+\]$/i.test(native.trim()) ? ['vector', 'array'] : ['array'];
  // DuckDB prints an enum column's type as ENUM('a', 'b').
  if (!/^\s*"/.test(native) && !native.includes('.') && baseName(native) === 'enum') return ['enum'];
  return sqlWordKinds(native);
}
