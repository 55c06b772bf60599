import { join } from 'node:path';
import type { FactsOf } from '../unified/engine-facts.js';

/** Where things live in a project. Kept free of heavy imports: the start-up path reads it. */
export type Fs = typeof import('node:fs');

export const REDB_DIR = '.redb';
export const WORKING_DIR = 'schema';
export const DEFAULT_BRANCH = 'main';

export interface Store {
  readonly fs: Fs;
  /** The project directory (holds .redb/ and schema/). */
  readonly root: string;
  readonly gitdir: string;
  /**
   * What each engine's schemas may hold, to check hand-edited files by: the manifests', passed in
   * so repo/ knows no engine, and loaded only by what reads such files (not by `status --no-db`).
   */
  readonly loadFacts: () => Promise<FactsOf>;
  /** Set on the store a command gets while it holds the repository lock (see ops/find-store.ts `writing`). */
  readonly locked?: boolean;
}

export const openStore = (fs: Fs, root: string, loadFacts: () => Promise<FactsOf>): Store => ({ fs, root, gitdir: join(root, REDB_DIR), loadFacts });
