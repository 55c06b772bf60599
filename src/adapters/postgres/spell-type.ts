import type { ScalarType, Speller } from '../../unified/index.js';
import { sized, text } from '../spelling.js';

/** How PostgreSQL spells a portable type, an array as it is; DuckDB starts from it too. */
export const postgresElement: Speller = (t) => {
  switch (t.kind) {
    case 'integer': {
      const bits = t.unsigned ? t.bits * 2 : t.bits;
      if (bits > 64)
        return { type: { kind: 'decimal', native: 'numeric(20,0)', precision: 20, scale: 0 }, loss: 'unsigned 64-bit integers become numeric(20,0)' };
      const native = bits <= 16 ? 'smallint' : bits <= 32 ? 'integer' : 'bigint';
      return { type: { kind: 'integer', native, bits: bits <= 16 ? 16 : bits <= 32 ? 32 : 64 } };
    }
    case 'decimal':
      return {
        type: { ...t, unsigned: undefined, native: t.precision === undefined ? 'numeric' : `numeric(${t.precision},${t.scale ?? 0})` },
        loss: t.unsigned ? 'unsigned dropped: negative values become allowed' : undefined,
      };
    case 'float':
      return { type: { kind: 'float', native: t.bits === 32 ? 'real' : 'double precision', bits: t.bits } };
    case 'text':
      return { type: { ...t, native: t.length === undefined ? 'text' : t.fixed ? `character(${t.length})` : `character varying(${t.length})` } };
    case 'binary':
      return { type: { kind: 'binary', native: 'bytea' }, loss: t.length === undefined ? undefined : `length ${t.length} is not enforced by bytea` };
    case 'boolean':
      return { type: { kind: 'boolean', native: 'boolean' } };
    case 'date':
      return { type: { kind: 'date', native: 'date' } };
    case 'time':
      return { type: { ...t, native: `${sized('time', t.precision)}${t.tz ? ' with time zone' : ' without time zone'}` } };
    case 'timestamp':
      return { type: { ...t, native: `${sized('timestamp', t.precision)}${t.tz ? ' with time zone' : ' without time zone'}` } };
    case 'interval':
      return { type: { kind: 'interval', native: 'interval' } };
    case 'uuid':
      return { type: { kind: 'uuid', native: 'uuid' } };
    case 'json':
      return { type: { kind: 'json', native: t.binary ? 'jsonb' : 'json', binary: t.binary } };
    case 'enum':
      return t.ref !== undefined ? { type: t } : text('text', `enum (${(t.values ?? []).join(', ')}) becomes text; the allowed values are not enforced`);
    case 'set':
      return {
        type: { kind: 'array', native: 'text[]', of: { kind: 'text', native: 'text' } },
        loss: 'set becomes text[]; the allowed values are not enforced',
      };
    case 'array':
      return { type: t };
    case 'vector':
      return { type: { kind: 'vector', native: sized('vector', t.dims), dims: t.dims }, loss: 'needs the pgvector extension' };
    case 'network':
      return { type: { kind: 'network', native: 'inet' } };
    case 'bit':
      return { type: { ...t, native: t.varying ? sized('bit varying', t.length) : sized('bit', t.length) } };
    case 'spatial':
    case 'user':
    case 'other':
      return text('text', `${t.native} has no PostgreSQL equivalent redb knows; values are kept as text`);
  }
};

/** How PostgreSQL spells a portable type: an array spells its element type and keeps its dimensions. */
export const postgresSpeller: Speller = (type, enums) => {
  if (type.kind !== 'array') return postgresElement(type, enums);
  const inner = postgresElement(type.of, enums);
  if (inner.type.kind === 'array') return inner;
  return {
    type: { kind: 'array', native: `${inner.type.native}${'[]'.repeat(type.dims ?? 1)}`, of: inner.type as ScalarType, dims: type.dims },
    loss: inner.loss,
  };
};
