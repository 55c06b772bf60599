import { loadIdentity, objectSigner, type ObjectSigner } from '../crypto/index.js';
import { errors } from '../errors.js';
import { readConfig, resolveCommit, type Store } from '../repo/index.js';
import { openSignatureCache, type SignatureCache } from '../repo/signature-cache.js';
import { checkSignature, type SignatureCheck } from '../repo/signature-check.js';
import { trustHead, verifyChain, type TrustRevision } from '../repo/trust-store.js';
import { findStore, type OpContext } from './find-store.js';

/** Operations that may need this user's private keys: a prompter for the passphrase, where a person can answer. */
export interface KeyContext extends OpContext {
  readonly prompt?: (question: string) => Promise<string>;
}

export const keyOptions = (ctx: KeyContext) => ({ env: ctx.env ?? process.env, ...(ctx.prompt === undefined ? {} : { prompt: ctx.prompt }) });

/**
 * The signer for a new commit, merge or tag: when asked (`sign`), or when the repository's
 * setting `commit.sign` is on and not overridden. Unlocked before anything is written, so a wrong
 * passphrase changes nothing.
 */
export async function signerFor(store: Store, ctx: KeyContext & { sign?: boolean | undefined }): Promise<ObjectSigner | undefined> {
  const wanted = ctx.sign ?? (await readConfig(store)).commit?.sign === true;
  if (!wanted) return undefined;
  return objectSigner(await loadIdentity({ ...keyOptions(ctx), create: true }));
}

/** The verified trust document history (an authenticated cache spares re-checking it). */
export async function trustChain(store: Store, cache?: SignatureCache): Promise<TrustRevision[]> {
  const head = await trustHead(store);
  if (head === undefined) return [];
  const key = `trust ${head}`;
  const checked = cache?.get(key)?.status === 'verified';
  const chain = await verifyChain(store, head, checked);
  if (!checked) cache?.set(key, { status: 'verified', reason: 'trust document history' });
  return chain;
}

export interface Verifier {
  readonly check: (oid: string) => Promise<SignatureCheck>;
  readonly trust: readonly TrustRevision[];
  readonly done: () => Promise<void>;
}

/** Check signatures against the current trust document, remembering results per (object, trust revision). */
export async function signatureVerifier(store: Store, env: NodeJS.ProcessEnv): Promise<Verifier> {
  const cache = await openSignatureCache(store, env);
  const trust = await trustChain(store, cache);
  const revision = trust[trust.length - 1]?.id ?? 'none';
  return {
    trust,
    check: async (oid) => {
      const key = `${oid} ${revision}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const result = await checkSignature(store, oid, trust);
      cache.set(key, result);
      return result;
    },
    done: () => cache.save(),
  };
}

export interface VerifyResult extends SignatureCheck {
  readonly id: string;
}

/** `redb verify-commit <ref>`: the commit's signature status (the command fails unless verified). */
export async function verifyCommit(ctx: OpContext & { ref: string }): Promise<VerifyResult> {
  const store = findStore(ctx);
  const id = await resolveCommit(store, ctx.ref);
  const verifier = await signatureVerifier(store, ctx.env ?? process.env);
  const check = await verifier.check(id);
  await verifier.done();
  return { id, ...check };
}

/** Refuse anything but a verified commit (migrate into a database bound with --require-signed). */
export async function requireVerified(store: Store, ctx: OpContext, dbName: string, commit: string | undefined, label: string): Promise<void> {
  if (commit === undefined) throw errors.requireSigned(dbName, label, 'it is not a commit');
  const verifier = await signatureVerifier(store, ctx.env ?? process.env);
  const check = await verifier.check(commit);
  await verifier.done();
  if (check.status !== 'verified') throw errors.requireSigned(dbName, commit.slice(0, 7), `${check.status}: ${check.reason}`);
}
