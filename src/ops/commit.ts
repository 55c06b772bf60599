import { userInfo, hostname } from 'node:os';
import { errors } from '../errors.js';
import { clearMergeState, headCommit, headRef, listConflicts, readConfig, readMergeState, readDbState, readWorkingTree, schemaAtHead, writeCommit, writeDbState, writeIndex, writeSchemaTree, type Store } from '../repo/index.js';
import { schemaToFiles, type ChangeLine } from '../unified/index.js';
import { changesBetween } from './changes.js';
import { findStore, schemaHash, type OpContext } from './context.js';

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

export async function commit(ctx: OpContext & { message: string }): Promise<CommitResult> {
  const store = findStore(ctx);
  if (ctx.message.trim() === '') throw errors.usage('a commit needs a message', 'redb commit -m "what changed"');
  const conflicts = await listConflicts(store);
  if (conflicts.length > 0) throw errors.unresolvedConflicts(conflicts);
  const [working, headSchema, head, ref, merging] = await Promise.all([readWorkingTree(store), schemaAtHead(store), headCommit(store), headRef(store), readMergeState(store)]);
  const { lines } = changesBetween(headSchema, working);
  // Concluding a merge is a commit even when the result equals this branch.
  if (lines.length === 0 && merging === undefined) throw errors.nothingToCommit();
  const tree = await writeSchemaTree(store, working);
  const id = await writeCommit(store, {
    tree,
    parents: [...(head === undefined ? [] : [head]), ...(merging === undefined ? [] : [merging.theirs])],
    message: ctx.message,
    author: await author(store, ctx.env ?? process.env),
    ref,
  });
  await clearMergeState(store);
  await writeIndex(store, id, schemaToFiles(working));
  // A database whose pulled schema is exactly what was committed is now at this commit.
  const hash = schemaHash(working);
  const state = await readDbState(store);
  const recorded = Object.entries(state).filter(([, s]) => s.pulled === hash).map(([name]) => name);
  if (recorded.length > 0) {
    await writeDbState(store, Object.fromEntries(Object.entries(state).map(([name, s]) => [name, recorded.includes(name) ? { ...s, at: id } : s])));
  }
  return { id, branch: ref.replace(/^refs\/heads\//, ''), changes: lines, recorded };
}
