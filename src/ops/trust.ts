import { checkCard, hybridSign, IdentityCard, isDidKey, loadIdentity, type Identity } from '../crypto/index.js';
import { errors } from '../errors.js';
import type { Store } from '../repo/index.js';
import {
  ADMIN,
  admins,
  documentText,
  MEMBER_NAME,
  memberById,
  revisionPayload,
  ROLE_NAME,
  ruleProblem,
  type TrustDocument,
  type TrustSignatures,
} from '../repo/trust-document.js';
import { checkRevision, moveTrustRef, PROPOSED_REF, proposedHead, readRevision, TRUST_REF, writeRevision, type TrustRevision } from '../repo/trust-store.js';
import { author } from './commit.js';
import { findStore } from './find-store.js';
import { resealAfterTrustChange, secretsDueForReseal } from './secret.js';
import { keyOptions, trustChain, type KeyContext } from './signatures.js';

export interface TrustMember {
  readonly name: string;
  readonly id: string;
  readonly roles: readonly string[];
  readonly ssh: string;
  readonly recipient: string;
}

export interface TrustProposal {
  readonly revision: string;
  readonly summary: string;
  readonly signedBy: readonly string[];
  readonly needed: number;
}

export interface TrustView {
  /** The current revision's commit, absent before the first. */
  readonly revision?: string | undefined;
  readonly number: number;
  readonly threshold: number;
  readonly members: readonly TrustMember[];
  readonly proposal?: TrustProposal | undefined;
  /** Secrets sealed to another set of identities than the current members: `redb secret reseal`. */
  readonly resealDue: readonly string[];
}

export interface TrustChange {
  readonly summary: string;
  /** The new current revision, or the proposal waiting for more signatures. */
  readonly revision: string;
  readonly applied: boolean;
  readonly signatures: number;
  readonly needed: number;
  /** Secrets sealed again to the new members, right after the change. */
  readonly resealed: readonly string[];
  /** Secrets still sealed to the old members (this admin cannot open them): `redb secret reseal` by someone who can. */
  readonly resealDue: readonly string[];
}

const membersOf = (doc: TrustDocument | undefined): TrustMember[] =>
  Object.entries(doc?.members ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, m]) => ({ name, id: m.card.id, roles: m.roles, ssh: m.card.ssh, recipient: m.card.recipient }));

async function proposalOf(store: Store, current: TrustRevision | undefined): Promise<TrustProposal | undefined> {
  const id = await proposedHead(store);
  if (id === undefined) return undefined;
  const rev = await readRevision(store, id);
  // A proposal made on an older revision no longer applies.
  if (rev.parent !== current?.id) return undefined;
  return { revision: id, summary: rev.summary, signedBy: Object.keys(rev.signatures), needed: (current?.doc ?? rev.doc).threshold };
}

export async function trustList(ctx: KeyContext): Promise<TrustView> {
  const store = findStore(ctx);
  const chain = await trustChain(store);
  const current = chain[chain.length - 1];
  return {
    revision: current?.id,
    number: current?.number ?? 0,
    threshold: current?.doc.threshold ?? 0,
    members: membersOf(current?.doc),
    proposal: await proposalOf(store, current),
    resealDue: current === undefined ? [] : await secretsDueForReseal(store, current.doc),
  };
}

/** Lines for git's gpg.ssh.allowedSignersFile: `git verify-commit` then checks redb's signatures alone. */
export async function allowedSigners(ctx: KeyContext): Promise<string> {
  const view = await trustList(ctx);
  return view.members.map((m) => `${m.name} namespaces="git" ${m.ssh.split(' ').slice(0, 2).join(' ')}\n`).join('');
}

/**
 * Make a change: sign it as this user (an admin of the current revision), and apply it when that
 * is enough signatures, otherwise leave it waiting for other admins (`redb trust sign`).
 */
async function change(ctx: KeyContext, summary: string, mutate: (doc: TrustDocument | undefined, me: Identity) => TrustDocument): Promise<TrustChange> {
  const store = findStore(ctx);
  const chain = await trustChain(store);
  const current = chain[chain.length - 1];
  const me = await loadIdentity({ ...keyOptions(ctx), create: true });
  if (current !== undefined && !admins(current.doc).some((a) => a.card.id === me.card.id)) throw errors.trustNotAdmin(me.card.id);
  const doc = mutate(current?.doc, me);
  const rule = ruleProblem(doc);
  if (rule !== undefined) throw errors.trustRule(rule);
  if (current === undefined && !admins(doc).some((a) => a.card.id === me.card.id)) {
    throw errors.trustRule(`the trust document starts with its creator as an admin: redb trust add <your name> ${me.card.id} --role admin`);
  }
  const text = documentText(doc);
  const signatures: TrustSignatures = { [me.card.id]: await hybridSign(me.keys, revisionPayload(current?.text, text), 'redb/trust') };
  const deciding = current?.doc ?? doc;
  const id = await writeRevision(store, { doc, signatures, parent: current?.id, summary, author: await author(store, ctx.env ?? process.env) });
  const applied = Object.keys(signatures).length >= deciding.threshold;
  if (applied) {
    // Checked as every reader will check it, before the ref moves.
    await checkRevision(await readRevision(store, id), current, new Set());
    await moveTrustRef(store, TRUST_REF, id);
    await moveTrustRef(store, PROPOSED_REF, undefined);
  } else {
    await moveTrustRef(store, PROPOSED_REF, id);
  }
  const sealed = applied ? await resealAfterTrustChange(store, ctx, me) : { resealed: [], due: [] };
  return { summary, revision: id, applied, signatures: 1, needed: deciding.threshold, resealed: sealed.resealed, resealDue: sealed.due };
}

/** A card from `redb id --json` output (extra fields of that output are dropped). */
function parseCardText(text: string, id: string): IdentityCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw errors.trustUnknownIdentity(id, 'the card is not JSON (the output of redb id --json)');
  }
  const { keyFile: _k, passphrase: _p, created: _c, ...card } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const parsed = IdentityCard.safeParse(card);
  if (!parsed.success)
    throw errors.trustUnknownIdentity(
      id,
      `the card is not an identity card (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`,
    );
  return parsed.data;
}

export async function trustAdd(ctx: KeyContext & { name: string; id: string; roles?: readonly string[]; card?: string }): Promise<TrustChange> {
  if (!MEMBER_NAME.test(ctx.name)) throw errors.invalidName('trust member', ctx.name, 'a letter, then letters, digits, _ . - (at most 64)');
  if (!isDidKey(ctx.id)) throw errors.invalidName('identity', ctx.id, 'a did:key id, as `redb id` prints it');
  const roles = ctx.roles === undefined || ctx.roles.length === 0 ? ['member'] : [...new Set(ctx.roles)];
  for (const role of roles) if (!ROLE_NAME.test(role)) throw errors.invalidName('role', role, 'lower-case letters, digits, _ and -');
  const store = findStore(ctx);
  const chain = await trustChain(store);
  let card: IdentityCard | undefined;
  if (ctx.card !== undefined) {
    card = parseCardText(ctx.card, ctx.id);
    if (card.id !== ctx.id) throw errors.trustUnknownIdentity(ctx.id, `the card given is for ${card.id}`);
    const bad = await checkCard(card);
    if (bad !== undefined) throw errors.trustUnknownIdentity(ctx.id, `the card does not hold: ${bad}`);
  } else {
    // A member removed earlier comes back with the card the history has.
    card = [...chain]
      .reverse()
      .map((r) => memberById(r.doc, ctx.id)?.card)
      .find((c) => c !== undefined);
  }
  return change(ctx, `add ${ctx.name} (${roles.join(', ')})`, (doc, me) => {
    const found = card ?? (ctx.id === me.card.id ? me.card : undefined);
    if (found === undefined) throw errors.trustUnknownIdentity(ctx.id, 'redb has no card for this id');
    if (doc?.members[ctx.name] !== undefined) throw errors.nameTaken('trust member', ctx.name);
    const other = doc === undefined ? undefined : memberById(doc, ctx.id);
    if (other !== undefined) throw errors.trustRule(`${ctx.id} is already listed as ${other.name}`);
    return { version: 1, threshold: doc?.threshold ?? 1, members: { ...doc?.members, [ctx.name]: { roles, card: found } } };
  });
}

export async function trustRemove(ctx: KeyContext & { name: string }): Promise<TrustChange> {
  return change(ctx, `remove ${ctx.name}`, (doc) => {
    if (doc?.members[ctx.name] === undefined) throw errors.trustNameNotFound(ctx.name);
    const { [ctx.name]: _gone, ...members } = doc.members;
    return { ...doc, members };
  });
}

export async function trustThreshold(ctx: KeyContext & { threshold: number }): Promise<TrustChange> {
  if (!Number.isInteger(ctx.threshold) || ctx.threshold < 1)
    throw errors.usage(`the threshold is a whole number of admins, at least 1 (not '${ctx.threshold}')`);
  return change(ctx, `threshold ${ctx.threshold}`, (doc) => {
    if (doc === undefined) throw errors.trustRule('there is no trust document yet: redb trust add <your name> <your id> --role admin');
    return { ...doc, threshold: ctx.threshold };
  });
}

/** Add this admin's signature to the change waiting for signatures; apply it when there are enough. */
export async function trustSign(ctx: KeyContext): Promise<TrustChange> {
  const store = findStore(ctx);
  const chain = await trustChain(store);
  const current = chain[chain.length - 1];
  const proposal = await proposalOf(store, current);
  if (proposal === undefined || current === undefined) throw errors.usage('no change to the trust document is waiting for signatures', 'redb trust list');
  const me = await loadIdentity({ ...keyOptions(ctx), create: true });
  if (!admins(current.doc).some((a) => a.card.id === me.card.id)) throw errors.trustNotAdmin(me.card.id);
  const rev = await readRevision(store, proposal.revision);
  const signatures = { ...rev.signatures, [me.card.id]: await hybridSign(me.keys, revisionPayload(current.text, rev.text), 'redb/trust') };
  const id = await writeRevision(store, {
    doc: rev.doc,
    signatures,
    parent: current.id,
    summary: rev.summary,
    author: await author(store, ctx.env ?? process.env),
  });
  const count = Object.keys(signatures).filter((s) => admins(current.doc).some((a) => a.card.id === s)).length;
  const applied = count >= current.doc.threshold;
  if (applied) {
    await checkRevision(await readRevision(store, id), current, new Set());
    await moveTrustRef(store, TRUST_REF, id);
    await moveTrustRef(store, PROPOSED_REF, undefined);
  } else {
    await moveTrustRef(store, PROPOSED_REF, id);
  }
  const sealed = applied ? await resealAfterTrustChange(store, ctx, me) : { resealed: [], due: [] };
  return { summary: rev.summary, revision: id, applied, signatures: count, needed: current.doc.threshold, resealed: sealed.resealed, resealDue: sealed.due };
}

export { ADMIN };
