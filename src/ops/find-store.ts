import * as nodeFs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errors, isRedbError } from '../errors.js';
import { acquireLock, tryLock } from '../repo/lock.js';
import { REDB_DIR, WORKING_DIR, openStore, type Fs, type Store } from '../repo/paths.js';

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

/** `.redb/` and `schema/` are the project's own folders, never links to somewhere else. */
function checkProjectDirs(store: Store): void {
  for (const name of [REDB_DIR, WORKING_DIR]) {
    let link = false;
    try {
      link = store.fs.lstatSync(join(store.root, name)).isSymbolicLink();
    } catch {
      // Absent: a command that needs it says so.
    }
    if (link) throw errors.symlink(name);
  }
}

/** How long a writer waits for another one: REDB_LOCK_WAIT_MS, default a few seconds. */
const lockWait = (env: NodeJS.ProcessEnv | undefined): number | undefined => {
  const raw = (env ?? process.env).REDB_LOCK_WAIT_MS;
  const ms = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
};

const JOURNAL = join('state', 'journal.json');

/**
 * Run a command that writes `.redb/` or `schema/`: one writer at a time (the repository lock,
 * waited for briefly), and a command an earlier writer left interrupted is finished first (see
 * repo/journal.ts). `work` gets a store marked as holding the lock.
 */
export async function writing<T>(ctx: OpContext, command: string, work: (store: Store) => Promise<T>): Promise<T> {
  const found = findStore(ctx);
  checkProjectDirs(found);
  const lock = await acquireLock(found.gitdir, { command: `redb ${command}`, signal: ctx.signal, waitMs: lockWait(ctx.env), fs: found.fs });
  try {
    const store: Store = { ...found, locked: true };
    // Also sweeps what killed writers left in .redb/tmp/.
    const { recoverJournal } = await import('../repo/journal.js');
    await recoverJournal(store);
    return await work(store);
  } finally {
    await lock.release();
  }
}

/**
 * Before any command reads the project: if a writer was killed in the middle of a command, finish
 * it (the only time a reading command writes). A writer still at work is left alone; a read-only
 * project cannot be finished, and says so.
 */
export async function finishInterrupted(ctx: OpContext): Promise<void> {
  let store: Store;
  try {
    store = findStore(ctx);
  } catch {
    return;
  }
  if (!store.fs.existsSync(join(store.gitdir, JOURNAL))) return;
  const { pendingCommand, recoverJournal } = await import('../repo/journal.js');
  let lock;
  try {
    checkProjectDirs(store);
    lock = await tryLock(store.gitdir, { command: 'redb (finishing an interrupted command)', signal: ctx.signal, fs: store.fs });
  } catch (e) {
    if (isRedbError(e, 'REDB_WRITE_DENIED')) throw errors.interrupted((await pendingCommand(store)) ?? 'command', `${e.message}`);
    throw e;
  }
  if (lock === undefined) return;
  try {
    await recoverJournal({ ...store, locked: true });
  } finally {
    await lock.release();
  }
}
