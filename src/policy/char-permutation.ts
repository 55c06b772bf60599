import type { Keyed } from './keyed.js';

const CLASSES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'] as const;

function classOf(ch: string): number {
  if (ch.length !== 1) return -1;
  const code = ch.charCodeAt(0);
  if (code >= 48 && code <= 57) return 0;
  if (code >= 97 && code <= 122) return 1;
  if (code >= 65 && code <= 90) return 2;
  return -1;
}

/**
 * Replace the ASCII letters and digits of `text` (from position `keep` on, counting those
 * characters only) through a keyed permutation within each character's class; every other
 * character stays. Same length, same shape, and injective: two texts differ after it exactly when
 * they differed before. `only` limits the permuted classes (digits only, for phone numbers).
 */
export function permuteChars(keyed: Keyed, label: string, text: string, options: { keep?: number | undefined; only?: 'digits' } = {}): string {
  const chars = Array.from(text);
  const positions: number[] = [];
  const alphabets: string[] = [];
  const digits: number[] = [];
  let seen = 0;
  chars.forEach((ch, i) => {
    const cls = classOf(ch);
    if (cls === -1 || (options.only === 'digits' && cls !== 0)) return;
    if (seen++ < (options.keep ?? 0)) return;
    const alphabet = CLASSES[cls] as string;
    positions.push(i);
    alphabets.push(alphabet);
    digits.push(alphabet.indexOf(ch));
  });
  // The shape (where each class sits) is the tweak, so texts of one shape share a permutation.
  const shape = chars.map((ch) => classOf(ch)).join('');
  const permuted = keyed.permuteDigits(
    `${label}:${shape}`,
    digits,
    alphabets.map((a) => a.length),
  );
  positions.forEach((at, k) => {
    chars[at] = (alphabets[k] as string)[permuted[k] as number] as string;
  });
  return chars.join('');
}

/** Digits as numbers, in order. */
export const digitsOf = (text: string): number[] => Array.from(text.replace(/\D/g, ''), Number);

/** The Luhn check digit for `payload` (all digits but the last). */
export function luhnCheckDigit(payload: readonly number[]): number {
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    const d = payload[i] as number;
    sum += double ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return (10 - (sum % 10)) % 10;
}

export const luhnValid = (digits: readonly number[]): boolean => digits.length > 1 && luhnCheckDigit(digits.slice(0, -1)) === digits.at(-1);
