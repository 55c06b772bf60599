import { factsOf } from '../adapters/registry.js';
import { userInfo, hostname } from 'node:os';
import { join } from 'node:path';
import { errors } from '../errors.js';
import {
  changedSchemas,
  headCommit,
  headRef,
  listConflicts,
  readCommitInfo,
  readConfig,
  readDbState,
  readMergeState,
  readPendingRenames,
  readTreeEntries,
  readWorkingFiles,
  readWorkingTree,
  runJournaled,
  PENDING_RENAMES,
  WORKING_DIR,
  writeBlobs,
  writeCommit,
  writeEntriesTree,
  writeIndex,
  type Store,
} from '../repo/index.js';
import {
  allObjects,
  emptySchema,
  entriesDigest,
  limitProblems,
  losesReferable,
  META_FILE,
  objectPath,
  referencedRelations,
  refuseLimitProblems,
  renameTrailers,
  schemaFromFiles,
  schemaProblems,
  schemaToFiles,
  type ChangeLine,
  type Rename,
  type Schema,
} from '../unified/index.js';
import { changesBetween } from './changes.js';
import { findStore } from './context.js';
import { writing } from './find-store.js';
import { signerFor, type KeyContext } from './signatures.js';

export interface CommitResult {
  readonly id: string;
  readonly branch: string;
  readonly changes: readonly ChangeLine[];
  /** Databases whose last pull this commit records, so their drift is tracked from here on. */
  readonly recorded: readonly string[];
}

export async function author(store: Store, env: NodeJS.ProcessEnv): Promise<{ name: string; email: string }> {
  const config = await readConfig(store);
  const name = env.REDB_AUTHOR_NAME ?? config.user?.name ?? env.GIT_AUTHOR_NAME ?? userInfo().username;
  const email = env.REDB_AUTHOR_EMAIL ?? config.user?.email ?? env.GIT_AUTHOR_EMAIL ?? `${userInfo().username}@${hostname()}`;
  return { name, email };
}

interface NextTree {
  /** The new commit's tree: path → blob id. */
  readonly entries: Map<string, string>;
  readonly changes: readonly ChangeLine[];
}

/** The first commit: every object, validated and written in canonical form. */
async function firstTree(store: Store): Promise<NextTree> {
  const working = await readWorkingTree(store);
  refuseOverLimits(working);
  return { entries: await writeBlobs(store, schemaToFiles(working)), changes: changesBetween(emptySchema(working.engine), working).lines };
}

/**
 * Every later commit: HEAD's tree with the objects whose files changed replaced. Unchanged files are
 * HEAD's blobs, already validated and canonical, so a commit costs what changed.
 */
async function nextTree(store: Store, head: string, renames: readonly Rename[]): Promise<NextTree> {
  const headEntries = await readTreeEntries(store, (await readCommitInfo(store, head)).tree);
  const { from, to } = await changedSchemas(store, { commit: head }, 'working');
  await checkReferences(store, from, to);
  refuseOverLimits(to);
  const entries = new Map(headEntries);
  for (const { kind, object } of allObjects(from)) entries.delete(objectPath(kind, object));
  for (const [path, oid] of await writeBlobs(store, schemaToFiles(to))) entries.set(path, oid);
  return { entries, changes: changesBetween(from, to, renames).lines };
}

/**
 * A commit reads only the changed objects; what they refer to (and what refers to what they remove)
 * must exist too. The tables the changed objects name are read beside them; when something another
 * object may refer to went away, or a reference looks broken, the whole tree is read, which reports
 * the file and field at fault.
 */
async function checkReferences(store: Store, from: Schema, to: Schema): Promise<void> {
  if (losesReferable(from, to)) {
    await readWorkingTree(store);
    return;
  }
  const own = new Set(schemaToFiles(to).keys());
  const wanted = new Set<string>();
  for (const r of referencedRelations(to)) for (const kind of ['table', 'view'] as const) wanted.add(objectPath(kind, r));
  for (const path of own) wanted.delete(path);
  if (referencedRelations(to).length === 0) return;
  const context = schemaFromFiles(new Map([...schemaToFiles(to), ...(await readWorkingFiles(store, wanted))]), 'schema/');
  // Only the changed objects' own references are complete here (the tables read beside them have theirs unread).
  if (schemaProblems(context, factsOf(context.engine)).some((p) => p.level === 'error' && own.has(objectPath(p.kind, p.object)))) await readWorkingTree(store);
}

/** What the schema's own engine would refuse or change (a name PostgreSQL cuts to 63 bytes) is not committed: a migrate could never match it. */
function refuseOverLimits(changed: Schema): void {
  const facts = factsOf(changed.engine);
  refuseLimitProblems(limitProblems(changed, facts), `a ${facts.limits.label} schema`, 'nothing was committed');
}

/**
 * Record the working tree. Objects first (each whole and fsynced), then one journal (see
 * repo/journal.ts) moves the branch, ends a merge, drops the renames the commit carries and records
 * the databases it matches: a kill leaves either no commit, or the commit with all of that done.
 */
export async function commit(ctx: KeyContext & { message: string; allowEmpty?: boolean; sign?: boolean }): Promise<CommitResult> {
  if (ctx.message.trim() === '') throw errors.usage('a commit needs a message', 'redb commit -m "what changed"');
  // Unlocked before the lock is taken: a passphrase prompt never holds the repository.
  const signer = await signerFor(findStore(ctx), ctx);
  return writing(ctx, 'commit', async (store) => {
    const conflicts = await listConflicts(store);
    if (conflicts.length > 0) throw errors.unresolvedConflicts(conflicts);
    const [head, ref, merging] = await Promise.all([headCommit(store), headRef(store), readMergeState(store)]);
    const renames = await readPendingRenames(store);
    const { entries, changes } = head === undefined ? await firstTree(store) : await nextTree(store, head, renames);
    // Concluding a merge is a commit even when the result equals this branch. The first commit of
    // a pulled, empty database records its (empty) schema, so that migrate can bring others to it.
    const pulledEmpty = head === undefined && store.fs.existsSync(join(store.root, WORKING_DIR, META_FILE));
    if (changes.length === 0 && merging === undefined && ctx.allowEmpty !== true && !pulledEmpty) throw errors.nothingToCommit(head === undefined);
    const id = await writeCommit(store, {
      tree: await writeEntriesTree(store, entries),
      parents: [...(head === undefined ? [] : [head]), ...(merging === undefined ? [] : [merging.theirs])],
      message: ctx.message.trimEnd() + renameTrailers(renames),
      author: await author(store, ctx.env ?? process.env),
      signer,
    });
    // A database whose pulled schema is exactly what was committed is now at this commit.
    const digest = entriesDigest(entries);
    const state = await readDbState(store);
    const recorded = Object.entries(state)
      .filter(([, s]) => s.pulled === digest)
      .map(([name]) => name);
    await runJournaled(store, 'commit', [
      { ref, oid: id },
      ...(merging === undefined ? [] : [{ merge: null }]),
      ...(renames.length === 0 ? [] : [{ remove: PENDING_RENAMES }]),
      ...recorded.map((name) => ({ database: name, at: id })),
    ]);
    await writeIndex(store, id, entries).catch(() => undefined);
    return { id, branch: ref.replace(/^refs\/heads\//, ''), changes, recorded };
  });
}
