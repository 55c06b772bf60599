import { permuteChars } from './char-permutation.js';
import { sameJsType } from './column-shape.js';
import type { BuildContext, Built } from './mask-types.js';
import type { Keyed } from './keyed.js';
import { unhandled } from '../unified/unhandled.js';

/**
 * Every integer type's upper bound + 1 is one of these (signed and unsigned 8 to 64 bits, and JS's
 * safe integers). A value is permuted within its band, so the output fits every type the input
 * fits, and the mapping does not depend on the column's type: an int4 key in PostgreSQL and the
 * INTEGER that references it in SQLite map alike.
 */
const BANDS = [1n, ...[7, 8, 15, 16, 23, 24, 31, 32, 53, 63, 64].map((bits) => 1n << BigInt(bits))];

function permuteInBand(keyed: Keyed, n: bigint): bigint {
  if (n < 0n) return -1n - permuteInBand(keyed, -1n - n);
  const upper = BANDS.findIndex((b) => n < b);
  // Zero stays zero (so positive keys stay positive); nothing an integer column holds lies past the last band.
  if (upper <= 0) return n;
  const lower = BANDS[upper - 1] as bigint;
  return lower + keyed.permute(`pseudonym:${upper}`, n - lower, (BANDS[upper] as bigint) - lower);
}

/**
 * Keyed, injective and type-keeping, for key columns: the label is the same for every column, so a
 * foreign key and the key it references map alike in every table and engine.
 * - integers: a keyed permutation within the value's band (see BANDS); the sign is kept and 0 stays 0.
 * - text: letters and digits permuted within their class (same length, same shape).
 * - uuid: a keyed permutation of all 128 bits; binary: of every byte, same length.
 */
export function pseudonym(_options: unknown, ctx: BuildContext): Built {
  const { keyed, column } = ctx;
  const type = column.type;
  switch (type.kind) {
    case 'integer':
      return { mask: (v) => sameJsType(v, permuteInBand(keyed, BigInt(v as bigint | number | string))) };
    case 'text':
      return { mask: (v) => permuteChars(keyed, 'pseudonym', String(v)) };
    case 'uuid':
      return {
        mask: (v) => {
          const hex = keyed
            .permute('pseudonym:uuid', BigInt(`0x${String(v).replace(/-/g, '')}`), 1n << 128n)
            .toString(16)
            .padStart(32, '0');
          return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        },
      };
    case 'binary':
      return {
        mask: (v) => {
          const bytes = Array.from(v as Uint8Array);
          return Buffer.from(
            keyed.permuteDigits(
              'pseudonym:binary',
              bytes,
              bytes.map(() => 256),
            ),
          );
        },
      };
    case 'decimal':
    case 'float':
    case 'boolean':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'interval':
    case 'json':
    case 'enum':
    case 'set':
    case 'vector':
    case 'spatial':
    case 'network':
    case 'bit':
    case 'user':
    case 'other':
    case 'array':
      return { unfit: `it applies to integer, text, uuid and binary columns, and this one is ${type.kind}` };
    default:
      return unhandled(type);
  }
}
