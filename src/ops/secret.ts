import { loadIdentity, objectSigner, openWith, readCard, sealTo, type Identity, type IdentityCard } from '../crypto/index.js';
import { errors, isRedbError } from '../errors.js';
import { resolveUrl } from '../adapters/url.js';
import { readConfig, type Store } from '../repo/index.js';
import { readSealed, readSecretSet, SECRET_NAME, writeSecretSet, type SecretManifest } from '../repo/secret-store.js';
import type { TrustDocument } from '../repo/trust-document.js';
import { author } from './commit.js';
import { findStore, type OpContext } from './find-store.js';
import { keyOptions, signatureVerifier, trustChain, type KeyContext } from './signatures.js';

/**
 * Sealed secrets: set, list, remove, reseal, and `${secret:name}` in database URLs. Values come in
 * as data (stdin or an environment variable, read by the command) and go out only to the adapter
 * that connects: never into .redb in plain text, a result, a log line or an error message.
 */
export interface SecretEntry {
  readonly name: string;
  /** Member names (or ids) it is sealed to. */
  readonly recipients: readonly string[];
  readonly updated: string;
  readonly by: string;
  /** Sealed to another set of identities than the trust document's members now. */
  readonly resealDue: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Who secrets are sealed to now: every member of the trust document, or this user alone before there is one. */
async function recipients(store: Store, me: IdentityCard): Promise<{ cards: IdentityCard[]; trust: string | null; doc?: TrustDocument }> {
  const chain = await trustChain(store);
  const current = chain[chain.length - 1];
  if (current === undefined) return { cards: [me], trust: null };
  return { cards: Object.values(current.doc.members).map((m) => m.card), trust: current.id, doc: current.doc };
}

export async function secretsDueForReseal(store: Store, doc: TrustDocument): Promise<string[]> {
  const { manifest } = await readSecretSet(store);
  const ids = Object.values(doc.members).map((m) => m.card.id);
  return Object.entries(manifest.secrets)
    .filter(([, s]) => !sameSet(s.recipients, ids))
    .map(([name]) => name)
    .sort();
}

function checkName(name: string): void {
  if (!SECRET_NAME.test(name)) throw errors.invalidName('secret', name, 'a letter, then letters, digits, _ and - (at most 64)');
}

async function writer(
  store: Store,
  ctx: KeyContext,
  create = true,
): Promise<{ me: Identity; sign: Awaited<ReturnType<typeof objectSigner>>; who: { name: string; email: string } }> {
  const me = await loadIdentity({ ...keyOptions(ctx), create });
  return { me, sign: await objectSigner(me), who: await author(store, ctx.env ?? process.env) };
}

export async function secretSet(ctx: KeyContext & { name: string; value: Uint8Array }): Promise<SecretEntry> {
  checkName(ctx.name);
  if (ctx.value.length === 0) throw errors.secretValueMissing(ctx.name, 'the value is empty');
  const store = findStore(ctx);
  const { me, sign, who } = await writer(store, ctx);
  const to = await recipients(store, me.card);
  const set = await readSecretSet(store);
  const sealed = await sealTo(
    to.cards.map((c) => c.recipient),
    ctx.value,
  );
  const entry = { recipients: to.cards.map((c) => c.id), trust: to.trust, updated: new Date().toISOString(), by: me.card.id };
  const manifest: SecretManifest = { version: 1, secrets: { ...set.manifest.secrets, [ctx.name]: entry } };
  const files = new Map<string, string | Uint8Array>(set.files);
  files.set(ctx.name, sealed);
  await writeSecretSet(store, { manifest, files, parent: set.head, message: `set ${ctx.name}`, author: who }, sign);
  return { name: ctx.name, recipients: namesOf(to.doc, entry.recipients), updated: entry.updated, by: me.card.id, resealDue: false };
}

const namesOf = (doc: TrustDocument | undefined, ids: readonly string[]): string[] =>
  ids.map((id) => Object.entries(doc?.members ?? {}).find(([, m]) => m.card.id === id)?.[0] ?? id);

export async function secretList(ctx: OpContext): Promise<SecretEntry[]> {
  const store = findStore(ctx);
  const chain = await trustChain(store);
  const doc = chain[chain.length - 1]?.doc;
  const { manifest } = await readSecretSet(store);
  const me = readCard({ env: ctx.env ?? process.env });
  const now = doc === undefined ? (me === undefined ? undefined : [me.id]) : Object.values(doc.members).map((m) => m.card.id);
  return Object.entries(manifest.secrets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) => ({
      name,
      recipients: namesOf(doc, s.recipients),
      updated: s.updated,
      by: s.by,
      resealDue: now !== undefined && !sameSet(s.recipients, now),
    }));
}

export async function secretRm(ctx: KeyContext & { name: string }): Promise<{ name: string }> {
  const store = findStore(ctx);
  const set = await readSecretSet(store);
  if (set.manifest.secrets[ctx.name] === undefined) throw errors.secretNotFound(ctx.name);
  const { me: _me, sign, who } = await writer(store, ctx);
  const { [ctx.name]: _gone, ...secrets } = set.manifest.secrets;
  const files = new Map(set.files);
  files.delete(ctx.name);
  await writeSecretSet(store, { manifest: { version: 1, secrets }, files, parent: set.head, message: `remove ${ctx.name}`, author: who }, sign);
  return { name: ctx.name };
}

/**
 * Seal every secret again to the trust document's members now: someone removed cannot open what
 * is resealed after (what they could read before, they may have kept: rotate those values).
 * All or nothing: a secret this user cannot open stops the reseal before anything is written.
 */
export async function secretReseal(ctx: KeyContext): Promise<{ resealed: string[]; recipients: string[] }> {
  const store = findStore(ctx);
  // An identity made now could open nothing: resealing needs the one the secrets were sealed to.
  const { me, sign, who } = await writer(store, ctx, false);
  return resealAs(store, ctx, { me, sign, who });
}

/**
 * After a change to the trust document, by the admin who made it (keys already unlocked): reseal
 * right away when they can open every secret; otherwise leave them due and say so.
 */
export async function resealAfterTrustChange(store: Store, ctx: KeyContext, me: Identity): Promise<{ resealed: string[]; due: string[] }> {
  const chain = await trustChain(store);
  const current = chain[chain.length - 1];
  if (current === undefined) return { resealed: [], due: [] };
  const due = await secretsDueForReseal(store, current.doc);
  if (due.length === 0) return { resealed: [], due: [] };
  try {
    const { resealed } = await resealAs(store, ctx, { me, sign: await objectSigner(me), who: await author(store, ctx.env ?? process.env) });
    return { resealed, due: [] };
  } catch (e) {
    if (isRedbError(e, 'REDB_SECRET_NOT_FOR_YOU', 'REDB_NOT_VERIFIED')) return { resealed: [], due };
    throw e;
  }
}

async function resealAs(
  store: Store,
  ctx: KeyContext,
  { me, sign, who }: { me: Identity; sign: Awaited<ReturnType<typeof objectSigner>>; who: { name: string; email: string } },
): Promise<{ resealed: string[]; recipients: string[] }> {
  const to = await recipients(store, me.card);
  const set = await readSecretSet(store);
  await trustSecretSet(store, ctx, set.head, me);
  const files = new Map<string, string | Uint8Array>(set.files);
  const secrets: SecretManifest['secrets'] = {};
  const updated = new Date().toISOString();
  for (const [name, oid] of set.files) {
    const plain = await openWith(me.keys.age, await readSealed(store, oid));
    if (plain === undefined) throw errors.secretNotForYou(name, me.card.id);
    files.set(
      name,
      await sealTo(
        to.cards.map((c) => c.recipient),
        plain,
      ),
    );
    plain.fill(0);
    secrets[name] = { recipients: to.cards.map((c) => c.id), trust: to.trust, updated, by: me.card.id };
  }
  if (set.files.size > 0) await writeSecretSet(store, { manifest: { version: 1, secrets }, files, parent: set.head, message: 'reseal', author: who }, sign);
  return {
    resealed: [...set.files.keys()].sort(),
    recipients: namesOf(
      to.doc,
      to.cards.map((c) => c.id),
    ),
  };
}

/** The secrets' latest commit must be signed by a trusted member (or, before any trust document, by this user). */
async function trustSecretSet(store: Store, ctx: OpContext, head: string | undefined, me: Identity): Promise<void> {
  if (head === undefined) return;
  const verifier = await signatureVerifier(store, ctx.env ?? process.env);
  const check = await verifier.check(head);
  await verifier.done();
  const noDocument = verifier.trust.length === 0;
  if (check.status === 'verified' || (noDocument && check.status === 'untrusted' && check.signer === me.card.id)) return;
  throw errors.notVerified(`the secrets' latest change (${head.slice(0, 7)})`, check.status, check.reason);
}

const SECRET_REF = /\$\{secret:([A-Za-z][A-Za-z0-9_-]{0,63})\}/g;

export const hasSecretRefs = (url: string): boolean => /\$\{secret:/.test(url);

/**
 * Fill `${secret:name}` references in a database URL (URL-encoded where the URL has an authority).
 * Only a bound database's URL, as the project stores it: a URL typed ad hoc (or sent by an MCP
 * client) could point anywhere, and the secret would go with it.
 */
export async function resolveSecretRefs(ctx: KeyContext & { store: Store; url: string; bound: string }): Promise<string> {
  const names = [...new Set([...ctx.url.matchAll(SECRET_REF)].map((m) => m[1] as string))];
  if (names.length === 0) return ctx.url;
  const binding = (await readConfig(ctx.store)).databases[ctx.bound];
  if (binding === undefined || resolveUrl(binding.url, ctx.bound, ctx.env ?? process.env) !== ctx.url) {
    throw errors.usage('a ${secret:...} is only filled into the URL of a bound database', 'bind it first: redb db add <name> <url>, then use the name');
  }
  const set = await readSecretSet(ctx.store);
  for (const name of names) if (!set.files.has(name)) throw errors.secretNotFound(name);
  const me = await loadIdentity(keyOptions(ctx));
  await trustSecretSet(ctx.store, ctx, set.head, me);
  const values = new Map<string, string>();
  for (const name of names) {
    const plain = await openWith(me.keys.age, await readSealed(ctx.store, set.files.get(name) as string));
    if (plain === undefined) throw errors.secretNotForYou(name, me.card.id);
    values.set(name, Buffer.from(plain).toString('utf8'));
    plain.fill(0);
  }
  return ctx.url.replace(SECRET_REF, (_all, name: string) => {
    const value = values.get(name) as string;
    return ctx.url.includes('://') ? encodeURIComponent(value) : value;
  });
}
