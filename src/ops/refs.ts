import { errors } from '../errors.js';
import {
  checkRefName,
  deleteRef,
  headCommit,
  headRef,
  listRefs,
  PENDING_RENAMES,
  readCommitInfo,
  readMergeState,
  readPendingRenames,
  readTreeEntries,
  readWorkingTree,
  refExists,
  resolveCommit,
  runJournaled,
  schemaAtHead,
  workingSteps,
  writeIndex,
  writeRef,
  type Change,
} from '../repo/index.js';
import { changesBetween } from './changes.js';
import { findStore, type OpContext } from './context.js';
import { writing } from './find-store.js';
import { signerFor, type KeyContext } from './signatures.js';
export interface RefEntry {
  readonly name: string;
  readonly id: string;
  readonly current?: boolean;
}

export async function branchList(ctx: OpContext): Promise<RefEntry[]> {
  const store = findStore(ctx);
  const current = (await headRef(store)).replace(/^refs\/heads\//, '');
  const branches: RefEntry[] = (await listRefs(store, 'heads')).map((b) => ({ ...b, current: b.name === current }));
  return branches;
}

export async function branchCreate(ctx: OpContext & { name: string; start?: string }): Promise<RefEntry> {
  checkRefName('branch', ctx.name);
  return writing(ctx, `branch ${ctx.name}`, async (store) => {
    if (await refExists(store, `refs/heads/${ctx.name}`)) throw errors.nameTaken('branch', ctx.name);
    const id = await resolveCommit(store, ctx.start ?? 'HEAD');
    await writeRef(store, `refs/heads/${ctx.name}`, id);
    return { name: ctx.name, id };
  });
}

export async function branchDelete(ctx: OpContext & { name: string }): Promise<RefEntry> {
  return writing(ctx, `branch -d ${ctx.name}`, async (store) => {
    if ((await headRef(store)) === `refs/heads/${ctx.name}`) {
      throw errors.usage(`cannot delete branch '${ctx.name}': it is checked out`, 'redb switch <other branch> first');
    }
    if (!(await refExists(store, `refs/heads/${ctx.name}`))) throw errors.refNotFound(ctx.name);
    const id = await resolveCommit(store, ctx.name);
    await deleteRef(store, `refs/heads/${ctx.name}`);
    return { name: ctx.name, id };
  });
}

export interface SwitchResult {
  readonly branch: string;
  readonly id?: string | undefined;
  readonly created: boolean;
}

/**
 * Move HEAD to a branch and make the working tree match it; uncommitted edits are kept safe. The
 * files and HEAD change in one journal (see repo/journal.ts): a kill leaves the old branch with its
 * files, or the new one with its own, never one branch with the other's files.
 */
export async function switchBranch(ctx: OpContext & { branch: string; create?: boolean; discardChanges?: boolean }): Promise<SwitchResult> {
  return writing(ctx, `switch ${ctx.branch}`, async (store) => {
    if ((await readMergeState(store)) !== undefined) throw errors.mergeInProgress('switching branches');
    const full = `refs/heads/${ctx.branch}`;
    if (ctx.create) {
      checkRefName('branch', ctx.branch);
      if (await refExists(store, full)) throw errors.nameTaken('branch', ctx.branch);
      const head = await headCommit(store);
      // A new branch starts where HEAD is, so the working tree (edits included) carries over as git does.
      await runJournaled(store, 'switch', [...(head === undefined ? [] : [{ ref: full, oid: head }]), { head: ctx.branch }]);
      return { branch: ctx.branch, id: head, created: true };
    }
    if (!(await refExists(store, full))) throw errors.refNotFound(ctx.branch);
    // Edits that are to be discarded are not read: a file that no longer parses is exactly what --discard-changes recovers from.
    if (!ctx.discardChanges) {
      const [working, headSchema] = await Promise.all([readWorkingTree(store), schemaAtHead(store)]);
      const dirty = changesBetween(headSchema, working).operations.length;
      if (dirty > 0) throw errors.dirtyWorkingTree(`switching to '${ctx.branch}'`, dirty);
    }
    const id = await resolveCommit(store, ctx.branch);
    // The branch's files exactly as committed: blobs, not parsed and written again.
    const entries = await readTreeEntries(store, (await readCommitInfo(store, id)).tree);
    const steps: Change[] = await workingSteps(store, new Map([...entries].map(([path, blob]) => [path, { blob }])));
    // Renames recorded against the old branch mean nothing on the new one.
    if (ctx.discardChanges || (await readPendingRenames(store)).length > 0) steps.push({ remove: PENDING_RENAMES });
    steps.push({ head: ctx.branch });
    await runJournaled(store, 'switch', steps);
    await writeIndex(store, id, entries).catch(() => undefined);
    return { branch: ctx.branch, id, created: false };
  });
}

export async function tagList(ctx: OpContext): Promise<RefEntry[]> {
  return listRefs(findStore(ctx), 'tags');
}

export async function tagCreate(ctx: KeyContext & { name: string; ref?: string; message?: string; sign?: boolean }): Promise<RefEntry> {
  checkRefName('tag', ctx.name);
  // Annotated (and signed) tags are objects of their own, as git's `tag -a/-s`.
  if (ctx.sign === true || ctx.message !== undefined) {
    // Unlocked before the lock is taken: a passphrase prompt never holds the repository.
    const signer = await signerFor(findStore(ctx), ctx);
    return writing(ctx, `tag ${ctx.name}`, async (store) => {
      if (await refExists(store, `refs/tags/${ctx.name}`)) throw errors.nameTaken('tag', ctx.name);
      return (await import('./annotated-tag.js')).annotatedTag(store, ctx, signer);
    });
  }
  return writing(ctx, `tag ${ctx.name}`, async (store) => {
    if (await refExists(store, `refs/tags/${ctx.name}`)) throw errors.nameTaken('tag', ctx.name);
    const id = await resolveCommit(store, ctx.ref ?? 'HEAD');
    await writeRef(store, `refs/tags/${ctx.name}`, id);
    return { name: ctx.name, id };
  });
}

export async function tagDelete(ctx: OpContext & { name: string }): Promise<RefEntry> {
  return writing(ctx, `tag -d ${ctx.name}`, async (store) => {
    if (!(await refExists(store, `refs/tags/${ctx.name}`))) throw errors.refNotFound(ctx.name);
    const id = await resolveCommit(store, ctx.name);
    await deleteRef(store, `refs/tags/${ctx.name}`);
    return { name: ctx.name, id };
  });
}
