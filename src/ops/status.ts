import { join } from 'node:path';
import { quickClean } from '../repo/index-cache.js';
import type { Store } from '../repo/paths.js';
import type { ChangeLine } from '../unified/describe.js';
import { findStore, type OpContext } from './find-store.js';

export interface DbStatus {
  readonly name: string;
  /** The commit the database was last brought to, if redb knows it. */
  readonly at?: string | undefined;
  /**
   * in-sync: live schema equals `at`; drift: it does not; untracked: no commit recorded;
   * unknown-commit: its history names a commit this repository does not have; unreachable: could not look.
   */
  readonly state: 'in-sync' | 'drift' | 'untracked' | 'unknown-commit' | 'unreachable';
  readonly changes: readonly ChangeLine[];
  /** Commits HEAD has that `at` lacks: how far behind the database is (as git counts a branch against its upstream). */
  readonly behind?: number | undefined;
  /** Commits `at` has that HEAD lacks (a database migrated from another branch). */
  readonly ahead?: number | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

export interface StatusResult {
  readonly branch: string;
  readonly head?: string | undefined;
  /** Working tree compared with HEAD. */
  readonly changes: readonly ChangeLine[];
  readonly databases: readonly DbStatus[];
  readonly drift: boolean;
  /** A merge waiting to be committed: the commit being merged and the conflict files left to resolve. */
  readonly merging?: { readonly theirs: string; readonly conflicts: readonly string[] } | undefined;
}

/** Whether any database is bound. Unreadable config counts as yes: the full path reports it properly. */
async function hasBindings(store: Store): Promise<boolean> {
  try {
    const raw: unknown = JSON.parse(await store.fs.promises.readFile(join(store.gitdir, 'redb.json'), 'utf8'));
    const databases = (raw as { databases?: unknown }).databases;
    return typeof databases !== 'object' || databases === null || Object.keys(databases).length > 0;
  } catch {
    return true;
  }
}

/**
 * Working tree against HEAD, and each bound database against the commit it is at. A clean tree
 * with no databases to look at is answered from the index alone; everything else takes the full path.
 */
export async function status(ctx: OpContext & { databases?: boolean }): Promise<StatusResult> {
  const store = findStore(ctx);
  if (ctx.databases === false || !(await hasBindings(store))) {
    const clean = await quickClean(store);
    if (clean !== undefined) return { branch: clean.branch, head: clean.commit, changes: [], databases: [], drift: false };
  }
  const { fullStatus } = await import('./status-full.js');
  return fullStatus(store, ctx);
}
