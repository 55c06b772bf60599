import type { Rule } from './policy-schema.js';
import { integerRange, keyText, sameJsType } from './column-shape.js';
import type { BuildContext, Built } from './mask-types.js';
import { unhandled } from '../unified/unhandled.js';

type Options = Extract<Rule, { transform: 'noise' }>['options'];

const clamp = (n: bigint, min: bigint, max: bigint) => (n < min ? min : n > max ? max : n);

/**
 * Moves a number by a keyed fraction of itself, within ±percent. The change is cut toward zero
 * (never rounded away), so |masked − value| ≤ percent·|value| holds exactly, and the result is
 * clamped to the integer type's range or the decimal's precision, at the value's own scale.
 */
export function noise(options: Options, ctx: BuildContext): Built {
  const percent = options?.percent ?? 10;
  const { type } = ctx.column;
  /** The keyed factor in millionths, within ±percent. */
  const ppm = (value: unknown, rowKey: unknown) =>
    BigInt(Math.trunc((2 * ctx.keyed.unit('noise', keyText(rowKey === undefined ? value : rowKey)) - 1) * percent * 10_000));
  switch (type.kind) {
    case 'integer': {
      const { min, max } = integerRange(type);
      return {
        mask: (v, rowKey) => {
          const n = BigInt(v as bigint | number | string);
          return sameJsType(v, clamp(n + (n * ppm(v, rowKey)) / 1_000_000n, min, max));
        },
      };
    }
    case 'decimal':
      return {
        mask: (v, rowKey) => {
          const text = typeof v === 'number' ? v.toFixed(type.scale ?? 6) : String(v);
          const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
          if (match === null) return v;
          const scale = (match[3] ?? '').length;
          const units = BigInt(`${match[1]}${match[2] || '0'}${match[3] ?? ''}`);
          const limit = type.precision === undefined ? undefined : 10n ** BigInt(type.precision - (type.scale ?? 0) + scale) - 1n;
          let out = units + (units * ppm(v, rowKey)) / 1_000_000n;
          if (limit !== undefined) out = clamp(out, type.unsigned === true ? 0n : -limit, limit);
          const digits = (out < 0n ? -out : out).toString().padStart(scale + 1, '0');
          const formatted = `${out < 0n ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
          return typeof v === 'number' ? Number(formatted) : formatted;
        },
      };
    case 'float':
      return { mask: (v, rowKey) => (typeof v === 'number' ? v + v * (Number(ppm(v, rowKey)) / 1_000_000) : v) };
    case 'text':
    case 'binary':
    case 'boolean':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'interval':
    case 'uuid':
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
      return { unfit: `it applies to numeric columns, and this one is ${type.kind}` };
    default:
      return unhandled(type);
  }
}
