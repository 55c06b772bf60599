import type { ColumnType } from '../../unified/index.js';

/**
 * SQLite declares types freely and stores by affinity; redb reads the portable meaning from the
 * declared name and keeps the declaration itself as `native`.
 */
export function sqliteColumnType(declared: string): ColumnType {
  const native = declared.trim();
  const upper = native.toUpperCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(upper);
  const n1 = args?.[1] === undefined ? undefined : Number(args[1]);
  const n2 = args?.[2] === undefined ? undefined : Number(args[2]);
  const base = upper.replace(/\(.*$/, '').trim();
  if (base === '') return { kind: 'other', native };
  if (/^(TINYINT|INT1)$/.test(base)) return { kind: 'integer', native, bits: 8 };
  if (/^(SMALLINT|INT2)$/.test(base)) return { kind: 'integer', native, bits: 16 };
  if (/^MEDIUMINT$/.test(base)) return { kind: 'integer', native, bits: 32 };
  if (/^(BIGINT|INT8|UNSIGNED BIG INT)$/.test(base)) return { kind: 'integer', native, bits: 64 };
  if (/^(BOOL|BOOLEAN)$/.test(base)) return { kind: 'boolean', native };
  if (/INT/.test(base)) return { kind: 'integer', native, bits: 64 };
  if (/^(UUID|GUID|UNIQUEIDENTIFIER)$/.test(base)) return { kind: 'uuid', native };
  if (/^JSONB?$/.test(base)) return { kind: 'json', native, binary: base === 'JSONB' };
  if (/^(DATETIME|TIMESTAMP)$/.test(base)) return { kind: 'timestamp', native, tz: false };
  if (/^(TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE)$/.test(base)) return { kind: 'timestamp', native, tz: true };
  if (base === 'DATE') return { kind: 'date', native };
  if (base === 'TIME') return { kind: 'time', native, tz: false };
  if (/CHAR|CLOB|TEXT/.test(base)) {
    const fixed = /^(N?CHAR|CHARACTER|NATIVE CHARACTER)$/.test(base) ? true : undefined;
    return { kind: 'text', native, ...(n1 === undefined ? {} : { length: n1 }), ...(fixed ? { fixed } : {}) };
  }
  if (/BLOB|BINARY|BYTEA/.test(base)) return { kind: 'binary', native, ...(n1 === undefined ? {} : { length: n1 }) };
  if (/^(REAL|FLOA|DOUB)/.test(base)) return { kind: 'float', native, bits: /^FLOAT$/.test(base) && n1 !== undefined && n1 <= 24 ? 32 : 64 };
  if (/^(NUMERIC|DECIMAL)$/.test(base)) {
    return { kind: 'decimal', native, ...(n1 === undefined ? {} : { precision: n1 }), ...(n2 === undefined ? {} : { scale: n2 }) };
  }
  return { kind: 'other', native };
}
