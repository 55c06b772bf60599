import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { errors } from '../errors.js';
import {
  changedSchemas,
  clearConflicts,
  clearMergeState,
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
  writeCommit,
  writeFilesTree,
  writeIndex,
  writeMergeState,
  writeRef,
  writeWorkingFiles,
  WORKING_DIR,
  type Store,
} from '../repo/index.js';
import { emitYaml, META_FILE, objectPath, schemaFromFiles, schemaProblems, schemaToFiles, type ChangeLine } from '../unified/index.js';
import { changesBetween } from './changes.js';
import { author } from './commit.js';
import { findStore } from './context.js';
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

async function abort(store: Store): Promise<MergeResult> {
  if ((await readMergeState(store)) === undefined) throw errors.usage('there is no merge to abort');
  const head = await headCommit(store);
  const files = head === undefined ? new Map<string, string>() : schemaToFiles(await readSchemaAt(store, head));
  await clearConflicts(store);
  await writeWorkingFiles(store, files);
  await clearMergeState(store);
  await writeIndex(store, head, fileOids(files));
  return { outcome: 'aborted', changes: [], conflicts: [] };
}

/**
 * Three-way merge at object level. Each object is one blob, so the merge compares blob ids:
 * an object changed on one side only takes that side, the same change on both sides is no conflict,
 * and different changes to one object are a conflict left in the working tree for a person.
 */
export async function merge(ctx: KeyContext & { branch?: string; abort?: boolean; message?: string; sign?: boolean }): Promise<MergeResult> {
  const store = findStore(ctx);
  if (ctx.abort) return abort(store);
  if (ctx.branch === undefined) throw errors.usage('which branch should be merged?', 'redb merge <branch>');
  if ((await readMergeState(store)) !== undefined) throw errors.mergeInProgress('another merge');
  const head = await headCommit(store);
  if (head === undefined) throw errors.noCommits('HEAD');
  if ((await quickClean(store)) === undefined) {
    const dirty = changesBetween(await readSchemaAt(store, head), await readWorkingTree(store)).operations.length;
    if (dirty > 0) throw errors.dirtyWorkingTree('merge', dirty);
  }
  const theirs = await resolveCommit(store, ctx.branch);
  const base = await mergeBase(store, head, theirs);
  const ref = await headRef(store);
  if (base === theirs || theirs === head) return { outcome: 'up-to-date', id: head, changes: [], conflicts: [] };

  if (base === head) {
    const files = schemaToFiles(await readSchemaAt(store, theirs));
    await writeRef(store, ref, theirs);
    await writeWorkingFiles(store, files);
    await writeIndex(store, theirs, fileOids(files));
    const pair = await changedSchemas(store, { commit: head }, { commit: theirs });
    return { outcome: 'fast-forward', id: theirs, changes: changesBetween(pair.from, pair.to).lines, conflicts: [] };
  }

  // Unlocked before anything is written: a wrong passphrase leaves everything as it was.
  const signer = await signerFor(store, ctx);
  const treeOf = async (commit: string | undefined) => (commit === undefined ? new Map<string, string>() : readTreeEntries(store, (await readCommitInfo(store, commit)).tree));
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
    if (path === META_FILE) throw errors.usage(`the branches disagree on the engine or model version (${META_FILE})`, 'a schema can only be merged with one of the same engine');
    const texts = { base: await text(bo, path), ours: await text(oo, path), theirs: await text(to, path) };
    if (texts.ours !== undefined) merged.set(path, texts.ours);
    conflicts.push({ path, conflict: conflictPath(path), ours: side(bo, oo), theirs: side(bo, to) });
    conflictFiles.set(conflictPath(path), conflictText(path, texts));
  }
  // Each file is valid on its own; the merged whole must read back too, and be a schema that can exist.
  const schema = schemaFromFiles(merged, `${WORKING_DIR}/`);
  const problems = schemaProblems(schema)
    .filter((p) => p.level === 'error')
    .map((p) => ({ path: objectPath(p.kind, p.object), field: p.field, detail: p.detail }));
  const message = ctx.message ?? `Merge branch '${ctx.branch}'`;
  await writeWorkingFiles(store, merged);

  if (conflicts.length > 0 || problems.length > 0) {
    for (const [path, content] of conflictFiles) await store.fs.promises.writeFile(join(store.root, WORKING_DIR, path), content);
    await writeMergeState(store, { theirs, message });
    return { outcome: 'conflicts', changes: [], conflicts, ...(problems.length > 0 ? { problems } : {}) };
  }
  const tree = await writeFilesTree(store, schemaToFiles(schema));
  const id = await writeCommit(store, { tree, parents: [head, theirs], message, author: await author(store, ctx.env ?? process.env), ref, signer });
  await writeIndex(store, id, fileOids(schemaToFiles(schema)));
  const changes = await commitChanges(store, await readCommitInfo(store, id));
  return { outcome: 'merged', id, changes, conflicts: [] };
}
