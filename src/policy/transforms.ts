import type { Rule, TransformName } from './policy-schema.js';
import { integerRange, textLimit } from './column-shape.js';
import type { BuildContext, Built } from './mask-types.js';
import { noise } from './noise.js';
import { pseudonym } from './pseudonym.js';
import { shiftDate } from './shift-date.js';
import { creditCard, email, hash, keepFormat, name, phone, redact } from './text-transforms.js';

type Builder<T extends TransformName> = (options: Extract<Rule, { transform: T }>['options'], ctx: BuildContext) => Built;

/** `null` needs a nullable column; the masker never writes NULL where the column forbids it. */
const nullValue: Builder<'null'> = (_options, ctx) => (ctx.column.nullable ? { mask: () => null } : { unfit: 'the column is NOT NULL' });

/** The configured value, in the JS type the driver gave for the column. */
const constant: Builder<'constant'> = ({ value }, ctx) => {
  const { type } = ctx.column;
  const limit = textLimit(type);
  if (limit !== undefined && String(value).length > limit) return { unfit: `'${value}' is longer than the column's ${limit} characters` };
  if (type.kind === 'integer') {
    const { min, max } = integerRange(type);
    if (typeof value !== 'number' || !Number.isInteger(value) || BigInt(value) < min || BigInt(value) > max)
      return { unfit: `'${value}' is not an integer the column holds` };
  }
  if (type.kind === 'boolean' && typeof value !== 'boolean') return { unfit: `'${value}' is not true or false` };
  return {
    mask: (v) => {
      if (typeof v === 'bigint') return BigInt(value);
      if (typeof v === 'number') return Number(value);
      if (typeof v === 'boolean') return value === true || value === 'true';
      if (v instanceof Date) return new Date(String(value));
      if (v instanceof Uint8Array) return Buffer.from(String(value));
      return String(value);
    },
  };
};

const BUILDERS: { readonly [T in TransformName]: Builder<T> } = {
  hash,
  pseudonym,
  email,
  name,
  phone,
  'credit-card': creditCard,
  redact,
  null: nullValue,
  constant,
  'shift-date': shiftDate,
  noise,
  'keep-format': keepFormat,
};

/** Transforms that can give two distinct values the same output: they cannot serve a unique column. */
const MANY_TO_ONE: ReadonlySet<TransformName> = new Set(['name', 'redact', 'constant', 'shift-date', 'noise']);

/** The transforms that derive their output from the secret. */
export const KEYED: ReadonlySet<TransformName> = new Set(['hash', 'pseudonym', 'email', 'name', 'phone', 'credit-card', 'shift-date', 'noise', 'keep-format']);

/** Build a rule's transform for one column, or say why it does not fit the column. */
export function buildTransform(rule: Rule, ctx: BuildContext): Built {
  if (ctx.column.unique === true && MANY_TO_ONE.has(rule.transform)) {
    return { unfit: 'the column is unique and this transform can map distinct values to one; use pseudonym, keep-format, hash or email' };
  }
  return (BUILDERS[rule.transform] as Builder<TransformName>)(rule.options as never, ctx);
}
