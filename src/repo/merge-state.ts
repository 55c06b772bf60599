import { join } from 'node:path';
import type { Store } from './paths.js';

/** A merge waiting for its conflicts to be resolved: `.redb/MERGE_HEAD` and `MERGE_MSG`, as git keeps them (written by a journal, see journal.ts). */
export interface MergeState {
  readonly theirs: string;
  readonly message: string;
}

export async function readMergeState(store: Store): Promise<MergeState | undefined> {
  try {
    const theirs = (await store.fs.promises.readFile(join(store.gitdir, 'MERGE_HEAD'), 'utf8')).trim();
    const message = await store.fs.promises.readFile(join(store.gitdir, 'MERGE_MSG'), 'utf8').catch(() => 'Merge');
    return /^[0-9a-f]{40}$/.test(theirs) ? { theirs, message: message.trim() } : undefined;
  } catch {
    return undefined;
  }
}
