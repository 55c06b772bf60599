import * as nodeFs from 'node:fs';
import { join, resolve } from 'node:path';
import { errors } from '../errors.js';
import { DEFAULT_BRANCH, REDB_DIR, WORKING_DIR, initStore, openStore, writeConfig } from '../repo/index.js';
import type { OpContext } from './context.js';
import { loadFacts } from './find-store.js';

export interface InitResult {
  readonly root: string;
  readonly branch: string;
}

/** Create `.redb/` (a bare git repository) and the `schema/` working tree in `dir`. */
export async function init(ctx: OpContext & { dir?: string }): Promise<InitResult> {
  const fs = ctx.fs ?? nodeFs;
  const root = resolve(ctx.cwd, ctx.dir ?? '.');
  if (fs.existsSync(join(root, REDB_DIR))) throw errors.repositoryExists(root);
  await fs.promises.mkdir(root, { recursive: true });
  const store = openStore(fs, root, loadFacts);
  await initStore(store);
  await writeConfig(store, { version: 1, databases: {} });
  await fs.promises.mkdir(join(root, WORKING_DIR), { recursive: true });
  return { root, branch: DEFAULT_BRANCH };
}
