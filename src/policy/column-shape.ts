import type { ColumnType } from '../unified/index.js';

/** The most characters a text column holds; undefined when unbounded. */
export const textLimit = (type: ColumnType): number | undefined => (type.kind === 'text' ? type.length : undefined);

/** Cut to the column's length. */
export const fit = (text: string, type: ColumnType): string => {
  const limit = textLimit(type);
  return limit === undefined || text.length <= limit ? text : text.slice(0, limit);
};

/** Inclusive bounds of an integer column. SQLite and engines without a width are 64-bit. */
export function integerRange(type: Extract<ColumnType, { kind: 'integer' }>): { min: bigint; max: bigint } {
  const bits = BigInt(type.bits);
  return type.unsigned === true ? { min: 0n, max: (1n << bits) - 1n } : { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

/** The text a keyed choice is derived from: equal values give equal keys whatever JS type the driver chose. */
export function keyText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

/** A value of the same JS type as `like` (drivers differ: bigint, number or string for one column). */
export function sameJsType(like: unknown, value: bigint): unknown {
  if (typeof like === 'bigint') return value;
  if (typeof like === 'number') return Number(value);
  return value.toString();
}
