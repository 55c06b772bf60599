import * as nodeFs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errors } from '../errors.js';
import { REDB_DIR, openStore, type Fs, type Store } from '../repo/paths.js';

/** What every operation takes: where it runs, and the side effects it may use. */
export interface OpContext {
  readonly cwd: string;
  readonly fs?: Fs;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** The project whose `.redb/` is in `cwd` or the nearest parent. Light: on the start-up path. */
export function findStore(ctx: OpContext): Store {
  const fs = ctx.fs ?? nodeFs;
  let dir = resolve(ctx.cwd);
  for (;;) {
    if (fs.existsSync(join(dir, REDB_DIR, 'HEAD'))) return openStore(fs, dir);
    const parent = dirname(dir);
    if (parent === dir) throw errors.notARepository(resolve(ctx.cwd));
    dir = parent;
  }
}
