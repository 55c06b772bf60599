import type { Rule } from './policy-schema.js';
import { digitsOf, luhnCheckDigit, permuteChars } from './char-permutation.js';
import { fit, textLimit } from './column-shape.js';
import type { BuildContext, Built } from './mask-types.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';

type Options<T extends Rule['transform']> = Extract<Rule, { transform: T }>['options'];

/** Distinct inputs of a unique column must stay distinct: below this many bits of HMAC, collisions stop being negligible. */
const UNIQUE_BITS = 96;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const notText = (ctx: BuildContext): Built | undefined =>
  ctx.column.type.kind === 'text' ? undefined : { unfit: `it applies to text columns, and this one is ${ctx.column.type.kind}` };

/** A lower-case base32 token of `chars` characters (5 bits each) keyed on the value. */
function token(ctx: BuildContext, label: string, value: string, chars: number): string {
  const bytes = ctx.keyed.stream(label, value, Math.ceil((chars * 5) / 8) + 1);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < chars; i++, bits >>= 5n) out += BASE32[Number(bits & 31n)];
  return out;
}

export function hash(options: Options<'hash'>, ctx: BuildContext): Built {
  const { type, unique } = ctx.column;
  if (type.kind === 'binary') {
    const bytes = type.fixed === true && type.length !== undefined ? type.length : Math.min(32, type.length ?? 32);
    if (unique === true && bytes * 8 < UNIQUE_BITS) return { unfit: `${bytes} bytes are too few to keep a unique column unique; use pseudonym` };
    return { mask: (v) => ctx.keyed.stream('hash', v as Buffer, bytes) };
  }
  const length = Math.min(options?.length ?? 64, textLimit(type) ?? 64);
  if (unique === true && length * 4 < UNIQUE_BITS) return { unfit: `${length} hex characters are too few to keep a unique column unique; use pseudonym` };
  return notText(ctx) ?? { mask: (v) => ctx.keyed.mac('hash', String(v)).toString('hex').slice(0, length) };
}

/** `<token>@<domain>`: 26 base32 characters (130 bits) when the column has room. */
export function email(options: Options<'email'>, ctx: BuildContext): Built {
  const domain = options?.domain ?? 'example.com';
  const limit = textLimit(ctx.column.type);
  const room = (d: string) => Math.min(26, (limit ?? Infinity) - d.length - 1);
  // A kept domain that leaves too little room for the token falls back to the configured one.
  const least = ctx.column.unique === true ? Math.ceil(UNIQUE_BITS / 5) : 1;
  if (room(domain) < least) return { unfit: `the column is too short for ${least === 1 ? 'an address' : 'unique addresses'} at ${domain}; use pseudonym` };
  return (
    notText(ctx) ?? {
      mask: (v) => {
        const text = String(v);
        const at = text.lastIndexOf('@');
        const own = options?.keepDomain === true && at !== -1 ? text.slice(at + 1) : domain;
        const target = room(own) >= least ? own : domain;
        return fit(`${token(ctx, 'email', text, room(target))}@${target}`, ctx.column.type);
      },
    }
  );
}

export function name(options: Options<'name'>, ctx: BuildContext): Built {
  const part = options?.part ?? 'full';
  return (
    notText(ctx) ?? {
      mask: (v) => {
        const mac = ctx.keyed.mac('name', String(v));
        const first = FIRST_NAMES[(mac[0] as number) % FIRST_NAMES.length] as string;
        const last = LAST_NAMES[(mac[1] as number) % LAST_NAMES.length] as string;
        return fit(part === 'first' ? first : part === 'last' ? last : `${first} ${last}`, ctx.column.type);
      },
    }
  );
}

export function redact(options: Options<'redact'>, ctx: BuildContext): Built {
  const char = options?.char ?? '*';
  const first = options?.keepFirst ?? 0;
  const last = options?.keepLast ?? 0;
  return (
    notText(ctx) ?? {
      mask: (v) => {
        const chars = Array.from(String(v));
        return chars.map((ch, i) => (i < first || i >= chars.length - last ? ch : char)).join('');
      },
    }
  );
}

export const keepFormat = (_options: Options<'keep-format'>, ctx: BuildContext): Built =>
  notText(ctx) ?? { mask: (v) => permuteChars(ctx.keyed, 'keep-format', String(v)) };

export const phone = (options: Options<'phone'>, ctx: BuildContext): Built =>
  notText(ctx) ?? { mask: (v) => permuteChars(ctx.keyed, 'phone', String(v), { keep: options?.keep, only: 'digits' }) };

/** The digits but the last go through the digit permutation (injective); the last becomes the Luhn check digit. */
export function creditCard(options: Options<'credit-card'>, ctx: BuildContext): Built {
  return (
    notText(ctx) ?? {
      mask: (v) => {
        const text = String(v);
        const lastDigit = text.search(/\d\D*$/);
        if (lastDigit < 1) return text;
        const payload = permuteChars(ctx.keyed, 'credit-card', text.slice(0, lastDigit), { keep: options?.keep, only: 'digits' });
        return `${payload}${luhnCheckDigit(digitsOf(payload))}${text.slice(lastDigit + 1)}`;
      },
    }
  );
}
