import { createCipheriv, createHmac, createSecretKey, type Cipher, type KeyObject } from 'node:crypto';

/** Feistel rounds: FF1 (NIST SP 800-38G) uses 10 for small domains; 8 keeps masking fast. */
const ROUNDS = 8;
/** A Feistel half travels in one 64-bit lane of an AES block, so one permuted block holds up to 128 bits. */
const MAX_BLOCK = 1n << 128n;
/** Tweaks cached per label; cleared when full, since text labels are open-ended. */
const TWEAK_CACHE = 4096;

const bitLength = (n: bigint): number => n.toString(2).length;

/**
 * Every keyed choice a transform makes comes from here: HMAC-SHA256 under the policy's secret,
 * with a label per purpose so that two transforms never share outputs, and AES-128 (keyed from the
 * secret) as the round function of the Feistel permutations. Nothing is random, so the same secret
 * masks the same value the same way on every run, table and engine.
 */
export class Keyed {
  readonly #key: KeyObject;
  readonly #aes: Cipher;
  readonly #tweaks = new Map<string, Buffer>();

  constructor(secret: string) {
    this.#key = createSecretKey(Buffer.from(secret, 'utf8'));
    // ECB over single blocks is AES used as a pseudo-random function, which is all a Feistel round needs.
    this.#aes = createCipheriv('aes-128-ecb', this.mac('redb:feistel', '').subarray(0, 16), null).setAutoPadding(false);
  }

  mac(label: string, data: string | Uint8Array): Buffer {
    return createHmac('sha256', this.#key).update(label).update('\u0000').update(data).digest();
  }

  /** `bytes` keyed bytes (HMAC in counter mode), for outputs longer than one digest. */
  stream(label: string, data: string | Uint8Array, bytes: number): Buffer {
    const blocks: Buffer[] = [];
    for (let i = 0; blocks.length * 32 < bytes; i++) blocks.push(this.mac(`${label}#${i}`, data));
    return Buffer.concat(blocks).subarray(0, bytes);
  }

  /** A keyed number in [0, 1). */
  unit(label: string, data: string): number {
    return Number(this.mac(label, data).readBigUInt64BE() >> 11n) / 2 ** 53;
  }

  #tweak(label: string): Buffer {
    let tweak = this.#tweaks.get(label);
    if (tweak === undefined) {
      if (this.#tweaks.size >= TWEAK_CACHE) this.#tweaks.clear();
      tweak = this.mac('redb:tweak', label).subarray(0, 8);
      this.#tweaks.set(label, tweak);
    }
    return tweak;
  }

  /**
   * A keyed permutation of [0, n) for n ≤ 2^128: a Feistel network over the smallest even bit
   * width that holds n, cycle-walked until the result falls inside (fewer than 4 passes expected).
   * Bijective, so distinct inputs always give distinct outputs.
   */
  permute(label: string, value: bigint, n: bigint): bigint {
    if (n <= 1n) return value;
    const half = Math.ceil(bitLength(n - 1n) / 2);
    const shift = BigInt(half);
    const mask = (1n << shift) - 1n;
    const tweak = this.#tweak(label);
    const block = Buffer.alloc(16);
    tweak.copy(block, 0);
    let x = value;
    do {
      let left = x >> shift;
      let right = x & mask;
      for (let round = 0; round < ROUNDS; round++) {
        block[7] = (tweak[7] as number) ^ round;
        block.writeBigUInt64BE(right, 8);
        const f = this.#aes.update(block).readBigUInt64BE(0) & mask;
        [left, right] = [right, left ^ f];
      }
      x = (left << shift) | right;
    } while (x >= n);
    return x;
  }

  /**
   * A keyed permutation of digit strings in mixed radix (`radices[i]` values at position i),
   * block by block (each up to 128 bits); each block's tweak includes the original digits before it, so equal blocks in
   * different strings differ and the whole map stays injective (it can be undone left to right).
   */
  permuteDigits(label: string, digits: readonly number[], radices: readonly number[]): number[] {
    const out: number[] = [];
    let tweak = label;
    for (let start = 0, end = 0; start < digits.length; start = end) {
      let n = 1n;
      let value = 0n;
      for (end = start; end < digits.length && n * BigInt(radices[end] as number) <= MAX_BLOCK; end++) {
        const radix = BigInt(radices[end] as number);
        n *= radix;
        value = value * radix + BigInt(digits[end] as number);
      }
      let permuted = this.permute(tweak, value, n);
      const block: number[] = [];
      for (let i = end - 1; i >= start; i--) {
        const radix = BigInt(radices[i] as number);
        block.unshift(Number(permuted % radix));
        permuted /= radix;
      }
      out.push(...block);
      if (end < digits.length) tweak = `${label}/${this.mac(tweak, digits.slice(start, end).join(',')).toString('hex')}`;
    }
    return out;
  }
}
