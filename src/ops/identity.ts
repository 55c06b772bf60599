import { ensureCard, isProtected, keyPaths } from '../crypto/keystore.js';
import type { KeyContext } from './signatures.js';
import { keyOptions } from './signatures.js';

export interface IdentityInfo {
  /** The peer id others use in `remote add`, `trust add` and `init --from`. */
  readonly id: string;
  /** The Ed25519 key as an OpenSSH public-key line, for git's allowed-signers file. */
  readonly ssh: string;
  /** ML-DSA-65 public key, base64. */
  readonly mldsa65: string;
  /** Hybrid ML-KEM-768 + X25519 age recipient that secrets are sealed to. */
  readonly recipient: string;
  /** Both keys' signature over the above: the card others pass to `redb trust add --card`. */
  readonly signature: { readonly ed25519: string; readonly mldsa65: string };
  readonly version: 1;
  /** Where the private keys are. */
  readonly keyFile: string;
  readonly passphrase: boolean;
  /** Whether this call created the identity. */
  readonly created: boolean;
}

/** This user's identity, created on first use. */
export async function identity(ctx: KeyContext): Promise<IdentityInfo> {
  const opts = keyOptions(ctx);
  const { card, created } = await ensureCard(opts);
  return { ...card, keyFile: keyPaths(opts.env).secret, passphrase: isProtected(opts), created };
}
