import { join } from 'node:path';
import { isNotFound } from '../errors.js';
import type { Store } from './paths.js';

/** A merge waiting for its conflicts to be resolved: `.redb/MERGE_HEAD` and `MERGE_MSG`, as git keeps them (written by a journal, see journal.ts). */
export interface MergeState {
  readonly theirs: string;
  readonly message: string;
}

export async function readMergeState(store: Store): Promise<MergeState | undefined> {
  let theirs: string;
  try {
    theirs = (await store.fs.promises.readFile(join(store.gitdir, 'MERGE_HEAD'), 'utf8')).trim();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const message = await store.fs.promises
    .readFile(join(store.gitdir, 'MERGE_MSG'), 'utf8')
    .catch((e: unknown) => (isNotFound(e) ? 'Merge' : Promise.reject(e)));
  return /^[0-9a-f]{40}$/.test(theirs) ? { theirs, message: message.trim() } : undefined;
}
