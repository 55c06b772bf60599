import { historyCommit } from '../adapters/history-rows.js';
import { isRedbError, RedbError } from '../errors.js';
import {
  aheadBehind,
  changedSchemas,
  headCommit,
  headRef,
  listConflicts,
  readCommitInfo,
  readConfig,
  readDbState,
  readMergeState,
  readPendingRenames,
  readSchemaAt,
  readTreeEntries,
  readWorkingTree,
  schemaAtHead,
  tryLock,
  writeIndex,
  type Store,
} from '../repo/index.js';
import { changesBetween } from './changes.js';
import { withDb, type OpContext } from './context.js';
import type { DbStatus, StatusResult } from './status.js';

const hasCommit = (store: Store, id: string): Promise<boolean> =>
  readCommitInfo(store, id).then(
    () => true,
    (e: unknown) => {
      if (isRedbError(e, 'REDB_REF_NOT_FOUND')) return false;
      throw e;
    },
  );

/**
 * Where a database is: the last commit its own history (`redb_migrations`) records, else what this
 * repository last saw; and whether its live schema still matches that commit.
 */
async function databaseStatus(store: Store, name: string, seen: string | undefined, head: string | undefined, ctx: OpContext): Promise<DbStatus> {
  return withDb(store, name, ctx, async ({ connection }) => {
    const history = (await connection.readHistory?.()) ?? [];
    const at = historyCommit(history) ?? seen;
    if (at === undefined) return { name, state: 'untracked', changes: [] };
    if (!(await hasCommit(store, at))) return { name, at, state: 'unknown-commit', changes: [] };
    const [expected, live] = await Promise.all([readSchemaAt(store, at), connection.introspect({ signal: ctx.signal })]);
    const { lines } = changesBetween(expected, live);
    // Where its commit stands against HEAD, as git says of a branch and its upstream.
    const { ahead, behind } = head === undefined ? { ahead: 0, behind: 0 } : await aheadBehind(store, at, head);
    return { name, at, state: lines.length === 0 ? 'in-sync' : 'drift', changes: lines, ahead, behind };
  });
}

/**
 * The index is a cache: status refreshes it when nobody is writing and the project can be written,
 * and otherwise goes without (a read-only checkout, a writer at work). It never fails for it.
 */
async function refreshIndex(store: Store, head: string | undefined): Promise<void> {
  try {
    const lock = await tryLock(store.gitdir, { command: 'redb status (refreshing the index)', fs: store.fs });
    if (lock === undefined) return;
    try {
      await writeIndex(store, head, head === undefined ? new Map() : await readTreeEntries(store, (await readCommitInfo(store, head)).tree));
    } finally {
      await lock.release();
    }
  } catch {
    // Read-only, permission denied, disk full: the next status takes the full path again.
  }
}

/** The full status: parse and compare the working tree, and look at every bound database. */
export async function fullStatus(store: Store, ctx: OpContext & { databases?: boolean }): Promise<StatusResult> {
  const [ref, head, config, state] = await Promise.all([headRef(store), headCommit(store), readConfig(store), readDbState(store)]);
  // Only the files that differ from HEAD are parsed.
  const pair =
    head === undefined ? { from: await schemaAtHead(store), to: await readWorkingTree(store) } : await changedSchemas(store, { commit: head }, 'working');
  const databases: DbStatus[] = [];
  if (ctx.databases !== false) {
    for (const name of Object.keys(config.databases).sort()) {
      try {
        databases.push(await databaseStatus(store, name, state[name]?.at, head, ctx));
      } catch (e) {
        if (!(e instanceof RedbError)) throw e;
        databases.push({ name, at: state[name]?.at, state: 'unreachable', changes: [], error: { code: e.code, message: e.message } });
      }
    }
  }
  const changes = changesBetween(pair.from, pair.to, await readPendingRenames(store)).lines;
  // A clean tree is recorded so that the next status can skip all of this.
  if (changes.length === 0) await refreshIndex(store, head);
  const merge = await readMergeState(store);
  const merging = merge === undefined ? undefined : { theirs: merge.theirs, conflicts: await listConflicts(store) };
  return { branch: ref.replace(/^refs\/heads\//, ''), head, changes, databases, drift: databases.some((d) => d.state === 'drift'), merging };
}
