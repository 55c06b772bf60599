/**
 * ML-DSA-65 (FIPS 204), from @noble/post-quantum, pinned: its argument order changed between
 * versions (0.5 took `sign(secretKey, msg)`, 0.7 takes `sign(msg, secretKey, opts)`), so every
 * use goes through this one module, whose tests check known behaviour. Loaded on first use only.
 */
type Noble = typeof import('@noble/post-quantum/ml-dsa.js');

let loaded: Promise<Noble['ml_dsa65']> | undefined;
const dsa = (): Promise<Noble['ml_dsa65']> => (loaded ??= import('@noble/post-quantum/ml-dsa.js').then((m) => m.ml_dsa65));

export const ML_DSA65_PUBLIC_KEY_BYTES = 1952;
export const ML_DSA65_SIGNATURE_BYTES = 3309;

/** Domain separation (FIPS 204's context string): a signature made for one use never verifies for another. */
export type MlDsaContext = 'redb/object' | 'redb/identity' | 'redb/trust';
const context = (c: MlDsaContext): Uint8Array => new TextEncoder().encode(c);

export interface MlDsaKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** The key pair of a 32-byte seed (the seed is what the key file keeps). */
export async function mlDsaKeyPair(seed: Uint8Array): Promise<MlDsaKeyPair> {
  if (seed.length !== 32) throw new RangeError('an ML-DSA-65 seed is 32 bytes');
  const { publicKey, secretKey } = (await dsa()).keygen(seed);
  return { publicKey, secretKey };
}

export async function mlDsaSign(secretKey: Uint8Array, message: Uint8Array, use: MlDsaContext): Promise<Uint8Array> {
  return (await dsa()).sign(message, secretKey, { context: context(use) });
}

export async function mlDsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, use: MlDsaContext): Promise<boolean> {
  if (publicKey.length !== ML_DSA65_PUBLIC_KEY_BYTES || signature.length !== ML_DSA65_SIGNATURE_BYTES) return false;
  try {
    return (await dsa()).verify(signature, message, publicKey, { context: context(use) });
  } catch {
    return false;
  }
}
