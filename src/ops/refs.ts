import { errors } from '../errors.js';
import {
  checkRefName,
  deleteRef,
  headCommit,
  headRef,
  listRefs,
  readMergeState,
  readSchemaAt,
  readWorkingTree,
  refExists,
  resolveCommit,
  schemaAtHead,
  setHead,
  writeRef,
  fileOids,
  writeIndex,
  writeWorkingTree,
} from '../repo/index.js';
import { schemaToFiles } from '../unified/index.js';
import { changesBetween } from './changes.js';
import { findStore, type OpContext } from './context.js';
import type { KeyContext } from './signatures.js';

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
  const store = findStore(ctx);
  checkRefName('branch', ctx.name);
  if (await refExists(store, `refs/heads/${ctx.name}`)) throw errors.nameTaken('branch', ctx.name);
  const id = await resolveCommit(store, ctx.start ?? 'HEAD');
  await writeRef(store, `refs/heads/${ctx.name}`, id);
  return { name: ctx.name, id };
}

export async function branchDelete(ctx: OpContext & { name: string }): Promise<RefEntry> {
  const store = findStore(ctx);
  if ((await headRef(store)) === `refs/heads/${ctx.name}`) {
    throw errors.usage(`cannot delete branch '${ctx.name}': it is checked out`, 'redb switch <other branch> first');
  }
  if (!(await refExists(store, `refs/heads/${ctx.name}`))) throw errors.refNotFound(ctx.name);
  const id = await resolveCommit(store, ctx.name);
  await deleteRef(store, `refs/heads/${ctx.name}`);
  return { name: ctx.name, id };
}

export interface SwitchResult {
  readonly branch: string;
  readonly id?: string | undefined;
  readonly created: boolean;
}

/** Move HEAD to a branch and make the working tree match it; uncommitted edits are kept safe. */
export async function switchBranch(ctx: OpContext & { branch: string; create?: boolean; discardChanges?: boolean }): Promise<SwitchResult> {
  const store = findStore(ctx);
  if ((await readMergeState(store)) !== undefined) throw errors.mergeInProgress('switching branches');
  const full = `refs/heads/${ctx.branch}`;
  let created = false;
  if (ctx.create) {
    checkRefName('branch', ctx.branch);
    if (await refExists(store, full)) throw errors.nameTaken('branch', ctx.branch);
  } else if (!(await refExists(store, full))) {
    throw errors.refNotFound(ctx.branch);
  }
  if (ctx.create) {
    const head = await headCommit(store);
    if (head !== undefined) await writeRef(store, full, head);
    await setHead(store, ctx.branch);
    created = true;
    // A new branch starts where HEAD is, so the working tree (edits included) carries over as git does.
    return { branch: ctx.branch, id: head, created };
  }
  // Edits that are to be discarded are not read: a file that no longer parses is exactly what --discard-changes recovers from.
  if (!ctx.discardChanges) {
    const [working, headSchema] = await Promise.all([readWorkingTree(store), schemaAtHead(store)]);
    const dirty = changesBetween(headSchema, working).operations.length;
    if (dirty > 0) throw errors.dirtyWorkingTree(`switching to '${ctx.branch}'`, dirty);
  }
  const id = await resolveCommit(store, ctx.branch);
  await setHead(store, ctx.branch);
  const schema = await readSchemaAt(store, id);
  await writeWorkingTree(store, schema);
  await writeIndex(store, id, fileOids(schemaToFiles(schema)));
  return { branch: ctx.branch, id, created };
}

export async function tagList(ctx: OpContext): Promise<RefEntry[]> {
  return listRefs(findStore(ctx), 'tags');
}

export async function tagCreate(ctx: KeyContext & { name: string; ref?: string; message?: string; sign?: boolean }): Promise<RefEntry> {
  const store = findStore(ctx);
  checkRefName('tag', ctx.name);
  if (await refExists(store, `refs/tags/${ctx.name}`)) throw errors.nameTaken('tag', ctx.name);
  // Annotated (and signed) tags are objects of their own, as git's `tag -a/-s`.
  if (ctx.sign === true || ctx.message !== undefined) return (await import('./annotated-tag.js')).annotatedTag(store, ctx);
  const id = await resolveCommit(store, ctx.ref ?? 'HEAD');
  await writeRef(store, `refs/tags/${ctx.name}`, id);
  return { name: ctx.name, id };
}

export async function tagDelete(ctx: OpContext & { name: string }): Promise<RefEntry> {
  const store = findStore(ctx);
  if (!(await refExists(store, `refs/tags/${ctx.name}`))) throw errors.refNotFound(ctx.name);
  const id = await resolveCommit(store, ctx.name);
  await deleteRef(store, `refs/tags/${ctx.name}`);
  return { name: ctx.name, id };
}
