import { join } from 'node:path';
import { isNotFound } from '../errors.js';
import type { Store } from './paths.js';

/** A merge waiting for its conflicts to be resolved: `.redb/MERGE_HEAD` and `MERGE_MSG`, as git keeps them. */
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
  const message = await store.fs.promises.readFile(join(store.gitdir, 'MERGE_MSG'), 'utf8').catch((e: unknown) => (isNotFound(e) ? 'Merge' : Promise.reject(e)));
  return /^[0-9a-f]{40}$/.test(theirs) ? { theirs, message: message.trim() } : undefined;
}

export async function writeMergeState(store: Store, state: MergeState): Promise<void> {
  await store.fs.promises.writeFile(join(store.gitdir, 'MERGE_MSG'), `${state.message}\n`);
  await store.fs.promises.writeFile(join(store.gitdir, 'MERGE_HEAD'), `${state.theirs}\n`);
}

export async function clearMergeState(store: Store): Promise<void> {
  await store.fs.promises.rm(join(store.gitdir, 'MERGE_HEAD'), { force: true });
  await store.fs.promises.rm(join(store.gitdir, 'MERGE_MSG'), { force: true });
}
