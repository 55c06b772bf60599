import { didKeyOf } from '../crypto/identity.js';
import { sshVerify, verifyObjectMlDsa } from '../crypto/object-signer.js';
import type { Store } from './paths.js';
import { readRawObject, splitSigned } from './signed-objects.js';
import { memberById } from './trust-document.js';
import type { TrustRevision } from './trust-store.js';

/**
 * What a commit's or tag's signatures say, against the trust document:
 * - verified: both halves hold and the signer is in the current revision;
 * - untrusted: both halves hold (as far as keys are known) but the signer is not, or no longer, trusted;
 * - incomplete: one half only (a plain `git commit -S` has no ML-DSA half);
 * - bad: a signature does not match the content (changed after signing) or the halves disagree;
 * - unsigned.
 */
export const SIGNATURE_STATUSES = ['verified', 'untrusted', 'incomplete', 'bad', 'unsigned'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export interface SignatureCheck {
  readonly status: SignatureStatus;
  /** did:key of the signer, when the SSH half names one. */
  readonly signer?: string | undefined;
  /** The signer's name in the trust document. */
  readonly name?: string | undefined;
  readonly reason: string;
}

/** Check one object. `chain` is the verified trust document history, newest last ([] without one). */
export async function checkSignature(store: Store, oid: string, chain: readonly TrustRevision[]): Promise<SignatureCheck> {
  const { type, text } = await readRawObject(store, oid);
  if (type !== 'commit' && type !== 'tag') return { status: 'unsigned', reason: `${type} objects are not signed` };
  const parts = splitSigned(type, text);
  if (parts.ssh === undefined && parts.mlDsa === undefined) return { status: 'unsigned', reason: `the ${type} is not signed` };
  if (parts.ssh === undefined) return { status: 'incomplete', signer: parts.mlDsa?.signer, reason: 'it has an ML-DSA signature but no SSH signature' };
  const ssh = sshVerify(parts.ssh, parts.sshPayload, 'git');
  const signer = ssh.publicKey === undefined ? undefined : didKeyOf(ssh.publicKey);
  if (!ssh.ok) return { status: 'bad', signer, reason: `the SSH signature does not hold: ${ssh.reason}` };
  const current = chain[chain.length - 1];
  const member = current === undefined ? undefined : memberById(current.doc, signer as string);
  if (parts.mlDsa === undefined) return { status: 'incomplete', signer, name: member?.name, reason: 'it has an SSH signature only, no ML-DSA-65 signature' };
  if (parts.mlDsa.signer !== signer)
    return { status: 'bad', signer, reason: `the ML-DSA signature names ${parts.mlDsa.signer}, the SSH signature ${signer as string}` };
  // The ML-DSA key of the signer: from the current revision, else from the last one that listed them.
  const known =
    member ??
    [...chain]
      .reverse()
      .map((r) => memberById(r.doc, signer))
      .find((m) => m !== undefined);
  if (known !== undefined && !(await verifyObjectMlDsa(known.card, parts.mlDsaPayload, parts.mlDsa.signature))) {
    return { status: 'bad', signer, name: known.name, reason: 'the ML-DSA-65 signature does not match the content' };
  }
  if (current === undefined) return { status: 'untrusted', signer, reason: 'the repository has no trust document (redb trust add)' };
  if (member === undefined) {
    const last = [...chain].reverse().find((r) => memberById(r.doc, signer) !== undefined);
    return {
      status: 'untrusted',
      signer,
      name: known?.name,
      reason:
        last === undefined
          ? `signed by ${signer}, who is not in the trust document`
          : `signed by ${known?.name ?? signer}, removed from the trust document after revision ${last.number}`,
    };
  }
  return { status: 'verified', signer, name: member.name, reason: `signed by ${member.name} (${signer})` };
}
