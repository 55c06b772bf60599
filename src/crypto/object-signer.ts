import { b64, ed25519OfDidKey, mlDsaPublicOf, unb64, type IdentityCard } from './identity.js';
import type { Identity } from './keystore.js';
import { ed25519PublicFromSeed } from './ed25519.js';
import { mlDsaKeyPair, mlDsaSign, mlDsaVerify } from './ml-dsa.js';
import { sshSign, sshVerify } from './sshsig.js';

/**
 * The two halves of a hybrid object signature (commits and tags): an SSH signature (namespace
 * `git`) that git and ssh-keygen verify alone, and an ML-DSA-65 signature that redb verifies. Where
 * they sit in the object, and what each covers, is the repository's business (repo/signed-objects).
 */
export interface ObjectSigner {
  /** The signer's did:key id. */
  readonly id: string;
  readonly mlDsa: (payload: Uint8Array) => Promise<string>;
  readonly ssh: (payload: Uint8Array) => string;
}

export async function objectSigner(identity: Identity): Promise<ObjectSigner> {
  const { secretKey } = await mlDsaKeyPair(identity.keys.mldsa65);
  const publicKey = ed25519PublicFromSeed(identity.keys.ed25519);
  return {
    id: identity.card.id,
    mlDsa: async (payload) => b64(await mlDsaSign(secretKey, payload, 'redb/object')),
    ssh: (payload) => sshSign(identity.keys.ed25519, publicKey, payload, 'git'),
  };
}

export { sshVerify };

export const verifyObjectMlDsa = (card: Pick<IdentityCard, 'mldsa65'>, payload: Uint8Array, signature: string): Promise<boolean> =>
  mlDsaVerify(mlDsaPublicOf(card), payload, unb64(signature), 'redb/object');

/** Whether an Ed25519 key is the one a did:key names. */
export function sameKey(id: string, ed25519: Uint8Array): boolean {
  const key = ed25519OfDidKey(id);
  return key !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(ed25519)) === 0;
}
