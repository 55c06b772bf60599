import { BINARY, INTEGER, TEXT, type Kinds } from '../native-kinds.js';

/** SQLite reads a declared type by affinity-like rules; these are the adapter's, in its order. */
export function sqliteNativeKinds(native: string): Kinds | undefined {
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
