import git from 'isomorphic-git';
import { errors, type RedbError } from '../errors.js';
import { checkCard, hybridVerify } from '../crypto/identity.js';
import type { Store } from './paths.js';
import { admins, documentText, revisionPayload, ruleProblem, SIGNATURES_FILE, TRUST_FILE, TrustDocument, TrustSignatures } from './trust-document.js';

/**
 * The trust document lives in the repository on its own ref, `refs/redb/trust`: a chain of
 * commits, one per revision, each tree holding `trust.json` and `signatures.json`. It travels
 * with the repository (fetch and push carry refs/redb/*) and git shows its history. A change that
 * still needs more admins' signatures waits on `refs/redb/trust-proposed`.
 */
export const TRUST_REF = 'refs/redb/trust';
export const PROPOSED_REF = 'refs/redb/trust-proposed';

export interface TrustRevision {
  /** The revision's commit id. */
  readonly id: string;
  /** 1 for the first revision. */
  readonly number: number;
  readonly doc: TrustDocument;
  readonly text: string;
  readonly signatures: TrustSignatures;
  readonly summary: string;
  readonly parent?: string | undefined;
}

async function tryResolve(store: Store, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs: store.fs, gitdir: store.gitdir, ref });
  } catch {
    return undefined;
  }
}

const invalid = (id: string, detail: string): RedbError => errors.trustInvalid(id.slice(0, 7), detail);

/** One revision, parsed and checked for shape (signatures are checked by verifyChain). */
export async function readRevision(store: Store, id: string): Promise<Omit<TrustRevision, 'number'>> {
  const { fs, gitdir } = store;
  let commit;
  try {
    ({ commit } = await git.readCommit({ fs, gitdir, oid: id }));
  } catch (e) {
    throw invalid(id, `its commit cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (commit.parent.length > 1) throw invalid(id, 'a revision has one parent at most');
  const file = async (path: string): Promise<string> => {
    try {
      const { blob } = await git.readBlob({ fs, gitdir, oid: commit.tree, filepath: path });
      return Buffer.from(blob).toString('utf8');
    } catch {
      throw invalid(id, `it has no ${path}`);
    }
  };
  const parse = <T>(
    path: string,
    text: string,
    schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  ): T => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw invalid(id, `${path} is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const r = schema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw invalid(id, `${path}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return r.data;
  };
  const text = await file(TRUST_FILE);
  const doc = parse(TRUST_FILE, text, TrustDocument);
  const signatures = parse(SIGNATURES_FILE, await file(SIGNATURES_FILE), TrustSignatures);
  return { id, doc, text, signatures, summary: commit.message.trim(), parent: commit.parent[0] };
}

/** Signers among `signers` (admins of the deciding revision) whose signature over the revision holds. */
async function validSigners(rev: Omit<TrustRevision, 'number'>, previousText: string | undefined, deciding: TrustDocument): Promise<Set<string>> {
  const payload = revisionPayload(previousText, rev.text);
  const ok = new Set<string>();
  for (const { card } of admins(deciding)) {
    const sig = rev.signatures[card.id];
    if (sig === undefined) continue;
    const bad = await hybridVerify(card, payload, sig, 'redb/trust');
    if (bad !== undefined) throw invalid(rev.id, `the signature of ${card.id} does not hold (${bad})`);
    ok.add(card.id);
  }
  return ok;
}

/** Check one revision against the one before it (undefined for the first); returns it numbered. */
export async function checkRevision(
  rev: Omit<TrustRevision, 'number'>,
  previous: TrustRevision | undefined,
  knownCards: Set<string>,
  checked = false,
): Promise<TrustRevision> {
  if (rev.text !== documentText(rev.doc)) throw invalid(rev.id, `${TRUST_FILE} is not in canonical form`);
  const rule = ruleProblem(rev.doc);
  if (rule !== undefined) throw invalid(rev.id, rule);
  if (checked) return { ...rev, number: (previous?.number ?? 0) + 1 };
  for (const m of Object.values(rev.doc.members)) {
    const key = `${m.card.id} ${m.card.mldsa65} ${m.card.recipient}`;
    if (knownCards.has(key)) continue;
    const bad = await checkCard(m.card);
    if (bad !== undefined) throw invalid(rev.id, `the card of ${m.card.id}: ${bad}`);
    knownCards.add(key);
  }
  const deciding = previous?.doc ?? rev.doc;
  const signers = await validSigners(rev, previous?.text, deciding);
  if (signers.size < deciding.threshold) {
    throw invalid(
      rev.id,
      `it is signed by ${signers.size} admin${signers.size === 1 ? '' : 's'} of ${previous === undefined ? 'itself' : 'the revision before'}, and needs ${deciding.threshold}`,
    );
  }
  return { ...rev, number: (previous?.number ?? 0) + 1 };
}

/**
 * Every revision from the first, each checked against the one before; [] when there is no document.
 * `checked`: the chain up to `head` was verified before (an authenticated cache says so), so the
 * signatures are not checked again.
 */
export async function verifyChain(store: Store, head?: string, checked = false): Promise<TrustRevision[]> {
  const tip = head ?? (await tryResolve(store, TRUST_REF));
  if (tip === undefined) return [];
  const raw: Omit<TrustRevision, 'number'>[] = [];
  for (let id: string | undefined = tip; id !== undefined; ) {
    const rev = await readRevision(store, id);
    raw.unshift(rev);
    id = rev.parent;
  }
  const out: TrustRevision[] = [];
  const known = new Set<string>();
  for (const rev of raw) out.push(await checkRevision(rev, out[out.length - 1], known, checked));
  return out;
}

export const trustHead = (store: Store): Promise<string | undefined> => tryResolve(store, TRUST_REF);
export const proposedHead = (store: Store): Promise<string | undefined> => tryResolve(store, PROPOSED_REF);

/** Write a revision commit (not moving any ref). */
export async function writeRevision(
  store: Store,
  options: { doc: TrustDocument; signatures: TrustSignatures; parent: string | undefined; summary: string; author: { name: string; email: string } },
): Promise<string> {
  const { fs, gitdir } = store;
  const blob = async (text: string) => git.writeBlob({ fs, gitdir, blob: Buffer.from(text, 'utf8') });
  const tree = await git.writeTree({
    fs,
    gitdir,
    tree: [
      { mode: '100644', path: SIGNATURES_FILE, oid: await blob(`${JSON.stringify(options.signatures, null, 2)}\n`), type: 'blob' },
      { mode: '100644', path: TRUST_FILE, oid: await blob(documentText(options.doc)), type: 'blob' },
    ],
  });
  return git.commit({
    fs,
    gitdir,
    message: options.summary,
    author: options.author,
    tree,
    parent: options.parent === undefined ? [] : [options.parent],
    noUpdateBranch: true,
  });
}

export async function moveTrustRef(store: Store, ref: typeof TRUST_REF | typeof PROPOSED_REF, oid: string | undefined): Promise<void> {
  if (oid === undefined) {
    await git.deleteRef({ fs: store.fs, gitdir: store.gitdir, ref }).catch(() => undefined);
    return;
  }
  await git.writeRef({ fs: store.fs, gitdir: store.gitdir, ref, value: oid, force: true });
}
