import { factsOf } from '../adapters/registry.js';
import { load as parseYaml } from 'js-yaml';
import { errors } from '../errors.js';
import {
  changedSchemas,
  conflictPath,
  fileOids,
  headCommit,
  headRef,
  mergeBase,
  quickClean,
  readBlobText,
  readCommitInfo,
  readMergeState,
  readSchemaAt,
  readTreeEntries,
  readWorkingTree,
  resolveCommit,
  runJournaled,
  workingSteps,
  writeCommit,
  writeFilesTree,
  writeIndex,
  WORKING_DIR,
  type FileSource,
  type Store,
} from '../repo/index.js';
import { emitYaml, META_FILE, objectPath, schemaFromFiles, schemaProblems, schemaToFiles, type ChangeLine } from '../unified/index.js';
import { changesBetween } from './changes.js';
import { author } from './commit.js';
import { writing } from './find-store.js';
import { signerFor, type KeyContext } from './signatures.js';
import { commitChanges } from './log.js';

export interface MergeConflict {
  /** The object's file, relative to `schema/`. */
  readonly path: string;
  /** Its conflict file beside it. */
  readonly conflict: string;
  readonly ours: 'changed' | 'deleted' | 'added';
  readonly theirs: 'changed' | 'deleted' | 'added';
}

/** A merged schema that cannot exist, each side valid on its own (one adds a foreign key to a table the other drops). */
export interface MergeProblem {
  /** The object's file, relative to `schema/`. */
  readonly path: string;
  readonly field: string;
  readonly detail: string;
}

export interface MergeResult {
  readonly outcome: 'up-to-date' | 'fast-forward' | 'merged' | 'conflicts' | 'aborted';
  readonly id?: string | undefined;
  /** What the merge brought into the current branch. */
  readonly changes: readonly ChangeLine[];
  readonly conflicts: readonly MergeConflict[];
  /** With outcome `conflicts`: what makes the merged schema impossible, to fix before `redb commit`. */
  readonly problems?: readonly MergeProblem[] | undefined;
}

const side = (base: string | undefined, mine: string | undefined): MergeConflict['ours'] =>
  base === undefined ? 'added' : mine === undefined ? 'deleted' : 'changed';

function conflictText(path: string, texts: { base?: string | undefined; ours?: string | undefined; theirs?: string | undefined }): string {
  const doc = (t: string | undefined) => (t === undefined ? null : (parseYaml(t) as unknown));
  const header = [
    `# Merge conflict: both branches changed ${path} since their common ancestor.`,
    `# ${path} holds this branch's version. Edit it to the schema you want (or delete it to drop the object),`,
    '# then delete this file and run redb commit. redb merge --abort gives up the merge.',
  ].join('\n');
  return `${header}\n${emitYaml({ ours: doc(texts.ours), theirs: doc(texts.theirs), base: doc(texts.base) } as Record<string, unknown>)}`;
}

/** Back to HEAD: its files, no conflict files, no merge. One journal, so a kill cannot stop half-way. */
async function abort(store: Store): Promise<MergeResult> {
  if ((await readMergeState(store)) === undefined) throw errors.usage('there is no merge to abort');
  const head = await headCommit(store);
  const entries = head === undefined ? new Map<string, string>() : await readTreeEntries(store, (await readCommitInfo(store, head)).tree);
  const steps = await workingSteps(store, blobs(entries), { conflicts: 'remove' });
  await runJournaled(store, 'merge --abort', [...steps, { merge: null }]);
  await writeIndex(store, head, entries).catch(() => undefined);
  return { outcome: 'aborted', changes: [], conflicts: [] };
}

const blobs = (entries: ReadonlyMap<string, string>): Map<string, FileSource> => new Map([...entries].map(([path, blob]) => [path, { blob }]));
const texts = (files: ReadonlyMap<string, string>): Map<string, FileSource> => new Map([...files].map(([path, text]) => [path, { text }]));

/**
 * Three-way merge at object level. Each object is one blob, so the merge compares blob ids:
 * an object changed on one side only takes that side, the same change on both sides is no conflict,
 * and different changes to one object are a conflict left in the working tree for a person.
 *
 * Whatever the outcome, the files, the conflict files, MERGE_HEAD and the branch change together in
 * one journal (see repo/journal.ts): a kill leaves the branch as it was, or the merge done (or
 * waiting on its conflicts, with MERGE_HEAD, so that --abort works).
 */
export async function merge(ctx: KeyContext & { branch?: string; abort?: boolean; message?: string; sign?: boolean }): Promise<MergeResult> {
  if (!ctx.abort && ctx.branch === undefined) throw errors.usage('which branch should be merged?', 'redb merge <branch>');
  return writing(ctx, ctx.abort ? 'merge --abort' : `merge ${ctx.branch}`, (store) => (ctx.abort ? abort(store) : mergeInto(store, ctx, ctx.branch as string)));
}

async function mergeInto(store: Store, ctx: KeyContext & { message?: string; sign?: boolean }, branch: string): Promise<MergeResult> {
  if ((await readMergeState(store)) !== undefined) throw errors.mergeInProgress('another merge');
  const head = await headCommit(store);
  if (head === undefined) throw errors.noCommits('HEAD');
  if ((await quickClean(store)) === undefined) {
    const dirty = changesBetween(await readSchemaAt(store, head), await readWorkingTree(store)).operations.length;
    if (dirty > 0) throw errors.dirtyWorkingTree('merge', dirty);
  }
  const theirs = await resolveCommit(store, branch);
  const base = await mergeBase(store, head, theirs);
  const ref = await headRef(store);
  if (base === theirs || theirs === head) return { outcome: 'up-to-date', id: head, changes: [], conflicts: [] };

  const treeOf = async (commit: string | undefined) =>
    commit === undefined ? new Map<string, string>() : readTreeEntries(store, (await readCommitInfo(store, commit)).tree);
  if (base === head) {
    const entries = await treeOf(theirs);
    await runJournaled(store, 'merge', [...(await workingSteps(store, blobs(entries))), { ref, oid: theirs }]);
    await writeIndex(store, theirs, entries).catch(() => undefined);
    const pair = await changedSchemas(store, { commit: head }, { commit: theirs });
    return { outcome: 'fast-forward', id: theirs, changes: changesBetween(pair.from, pair.to).lines, conflicts: [] };
  }

  // Unlocked before anything is written: a wrong passphrase leaves everything as it was.
  const signer = await signerFor(store, ctx);
  const [b, o, t] = await Promise.all([treeOf(base), treeOf(head), treeOf(theirs)]);
  const text = (oid: string | undefined, path: string) => (oid === undefined ? Promise.resolve(undefined) : readBlobText(store, oid, path));
  const merged = new Map<string, string>();
  const conflicts: MergeConflict[] = [];
  const conflictFiles = new Map<string, string>();
  for (const path of [...new Set([...b.keys(), ...o.keys(), ...t.keys()])].sort()) {
    const [bo, oo, to] = [b.get(path), o.get(path), t.get(path)];
    // Same on both sides (both deleted included), or changed on one side only: no conflict.
    const resolved = oo === to ? { oid: oo } : bo === oo ? { oid: to } : bo === to ? { oid: oo } : undefined;
    if (resolved !== undefined) {
      const content = await text(resolved.oid, path);
      if (content !== undefined) merged.set(path, content);
      continue;
    }
    if (path === META_FILE)
      throw errors.usage(`the branches disagree on the engine or model version (${META_FILE})`, 'a schema can only be merged with one of the same engine');
    const sides = { base: await text(bo, path), ours: await text(oo, path), theirs: await text(to, path) };
    if (sides.ours !== undefined) merged.set(path, sides.ours);
    conflicts.push({ path, conflict: conflictPath(path), ours: side(bo, oo), theirs: side(bo, to) });
    conflictFiles.set(conflictPath(path), conflictText(path, sides));
  }
  // Each file is valid on its own; the merged whole must read back too, and be a schema that can exist.
  const schema = schemaFromFiles(merged, `${WORKING_DIR}/`);
  const problems = schemaProblems(schema, factsOf(schema.engine))
    .filter((p) => p.level === 'error')
    .map((p) => ({ path: objectPath(p.kind, p.object), field: p.field, detail: p.detail }));
  const message = ctx.message ?? `Merge branch '${branch}'`;

  if (conflicts.length > 0 || problems.length > 0) {
    const steps = await workingSteps(store, texts(new Map([...merged, ...conflictFiles])));
    // MERGE_HEAD last: the files are all there by the time a merge is said to be on.
    await runJournaled(store, 'merge', [...steps, { merge: { theirs, message } }]);
    return { outcome: 'conflicts', changes: [], conflicts, ...(problems.length > 0 ? { problems } : {}) };
  }
  const files = schemaToFiles(schema);
  const tree = await writeFilesTree(store, files);
  const id = await writeCommit(store, { tree, parents: [head, theirs], message, author: await author(store, ctx.env ?? process.env), signer });
  await runJournaled(store, 'merge', [...(await workingSteps(store, texts(files))), { ref, oid: id }]);
  await writeIndex(store, id, fileOids(files)).catch(() => undefined);
  const changes = await commitChanges(store, await readCommitInfo(store, id));
  return { outcome: 'merged', id, changes, conflicts: [] };
}
