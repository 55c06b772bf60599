import type { Speller } from '../../unified/index.js';
import { text } from '../spelling.js';

/** How SQLite spells a portable type. */
export const sqliteSpeller: Speller = (t, enums) => {
  switch (t.kind) {
    case 'integer':
      return {
        type: { kind: 'integer', native: 'INTEGER', bits: 64 },
        loss: t.unsigned && t.bits === 64 ? 'unsigned 64-bit values above 2^63 do not fit' : undefined,
      };
    case 'decimal':
      return {
        type: { ...t, unsigned: undefined, native: t.precision === undefined ? 'NUMERIC' : `NUMERIC(${t.precision},${t.scale ?? 0})` },
        loss: 'SQLite stores decimals as floating point where they do not fit an integer',
      };
    case 'float':
      return { type: { kind: 'float', native: 'REAL', bits: 64 } };
    case 'text':
      return { type: { ...t, native: t.length === undefined ? 'TEXT' : `${t.fixed ? 'CHAR' : 'VARCHAR'}(${t.length})` } };
    case 'binary':
      return { type: { kind: 'binary', native: 'BLOB' } };
    case 'boolean':
      return { type: { kind: 'boolean', native: 'BOOLEAN' } };
    case 'date':
      return { type: { kind: 'date', native: 'DATE' } };
    case 'time':
      return { type: { kind: 'time', native: 'TIME', tz: false }, loss: t.tz ? 'time zone dropped' : undefined };
    case 'timestamp':
      return { type: { kind: 'timestamp', native: t.tz ? 'TIMESTAMPTZ' : 'DATETIME', tz: t.tz } };
    case 'uuid':
      return { type: { kind: 'uuid', native: 'UUID' } };
    case 'json':
      return { type: { kind: 'json', native: 'JSON', binary: false } };
    case 'enum': {
      const values = t.values ?? (t.ref === undefined ? undefined : enums.get(t.ref));
      return text('TEXT', `enum${values === undefined ? '' : ` (${values.join(', ')})`} becomes TEXT; the allowed values are not enforced`);
    }
    case 'set':
    case 'array':
    case 'vector':
      return { type: { kind: 'json', native: 'JSON', binary: false }, loss: `${t.native} becomes JSON text` };
    case 'interval':
    case 'network':
    case 'bit':
    case 'spatial':
    case 'user':
    case 'other':
      return text('TEXT', `${t.native} has no SQLite equivalent; kept as text`);
  }
};
