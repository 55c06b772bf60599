import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../errors.js';
import type { Fs } from './paths.js';
import { osError } from './safe-fs.js';

/**
 * One writer at a time: `.redb/redb.lock`, as git's `index.lock`. Whoever holds it may change
 * `.redb/` and `schema/`; everyone else waits a little, then gives up with REDB_LOCKED naming the
 * holder. The file is written whole and then hard-linked into place, so it never exists
 * half-written and two writers can never both create it (link fails if the name exists, like
 * O_EXCL). A lock whose process is gone (this host, pid not alive, or alive but started at
 * another time: the pid was reused) is broken and taken over. Node built-ins only, so the CLI,
 * the MCP server and the daemon can all take it cheaply.
 */

export const LOCK_FILE = 'redb.lock';
/** How long a writer waits for the lock by default. */
export const LOCK_WAIT_MS = 5000;
/** A lock file that cannot be read is taken as being created for this long, then as stale. */
const UNREADABLE_GRACE_MS = 10_000;

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** What holds it, e.g. `redb commit`. */
  readonly command: string;
  /** ISO 8601. */
  readonly started: string;
  /** Linux: the boot and the process start time, so a reused pid or a reboot is not mistaken for the holder. */
  readonly boot?: string | undefined;
  readonly procStart?: string | undefined;
  readonly token: string;
}

export interface RepoLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface LockOptions {
  readonly command: string;
  readonly signal?: AbortSignal | undefined;
  /** How long to wait for another writer; 0 tries once. */
  readonly waitMs?: number | undefined;
  readonly fs?: Fs | undefined;
}

const readText = (path: string): string | undefined => {
  try {
    return nodeFs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const bootId = (): string | undefined => readText('/proc/sys/kernel/random/boot_id')?.trim();

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function procStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const raw = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof raw.pid !== 'number' ||
      typeof raw.host !== 'string' ||
      typeof raw.command !== 'string' ||
      typeof raw.started !== 'string' ||
      typeof raw.token !== 'string'
    )
      return undefined;
    return raw as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether the holder's process is certainly gone. A lock of another host is never judged: its owner may be alive. */
export function holderGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  const boot = bootId();
  if (holder.boot !== undefined && boot !== undefined && holder.boot !== boot) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  if (holder.procStart !== undefined) {
    const now = procStart(holder.pid);
    if (now !== undefined && now !== holder.procStart) return true;
  }
  return false;
}

/** The current holder, if any (a lock being written or unreadable counts as held by nobody known). */
export async function readLock(gitdir: string, fs: Fs = nodeFs): Promise<LockHolder | undefined> {
  const text = await fs.promises.readFile(join(gitdir, LOCK_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseHolder(text);
}

type Attempt = { readonly lock: RepoLock } | { readonly holder: LockHolder | undefined; readonly text: string | undefined; readonly stale: boolean };

async function attempt(fs: Fs, gitdir: string, holder: LockHolder): Promise<Attempt> {
  const path = join(gitdir, LOCK_FILE);
  const text = `${JSON.stringify(holder)}\n`;
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await fs.promises.writeFile(tmp, text, { flag: 'wx' });
  } catch (e) {
    throw osError(e, path);
  }
  let created = false;
  try {
    await fs.promises.link(tmp, path);
    created = true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // File systems without hard links: O_EXCL on the name itself (a kill between create and write leaves an empty file, stale after a grace period).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      try {
        await fs.promises.writeFile(path, text, { flag: 'wx' });
        created = true;
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
      }
    } else if (code !== 'EEXIST') {
      throw e;
    }
  } finally {
    await fs.promises.unlink(tmp).catch(() => undefined);
  }
  if (created) {
    return {
      lock: {
        holder,
        release: async () => {
          // Only our own lock is removed: never one a later writer took after ours was (wrongly) broken.
          if ((await fs.promises.readFile(path, 'utf8').catch(() => undefined)) === text) await fs.promises.unlink(path).catch(() => undefined);
        },
      },
    };
  }
  const st = await fs.promises.lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) throw errors.symlink(`.redb/${LOCK_FILE}`);
  const current = await fs.promises.readFile(path, 'utf8').catch(() => undefined);
  if (current === undefined) return { holder: undefined, text: undefined, stale: false }; // released meanwhile: try again
  const found = parseHolder(current);
  const stale = found === undefined ? st !== undefined && Date.now() - st.mtimeMs > UNREADABLE_GRACE_MS : holderGone(found);
  return { holder: found, text: current, stale };
}

/**
 * Remove a stale lock, but only the one judged stale: two waiters may judge it at once, and the
 * second must not remove the lock the first has just taken. A short-lived `.break` file serialises them.
 */
async function breakStale(fs: Fs, gitdir: string, seen: string): Promise<void> {
  const path = join(gitdir, LOCK_FILE);
  const breaker = `${path}.break`;
  try {
    await fs.promises.writeFile(breaker, `${process.pid}\n`, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await fs.promises.lstat(breaker).catch(() => undefined);
    // A breaker killed mid-break.
    if (st !== undefined && Date.now() - st.mtimeMs > UNREADABLE_GRACE_MS) await fs.promises.unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    if ((await fs.promises.readFile(path, 'utf8').catch(() => undefined)) === seen) await fs.promises.unlink(path).catch(() => undefined);
  } finally {
    await fs.promises.unlink(breaker).catch(() => undefined);
  }
}

function newHolder(command: string): LockHolder {
  return {
    pid: process.pid,
    host: hostname(),
    command,
    started: new Date().toISOString(),
    boot: bootId(),
    procStart: procStart(process.pid),
    token: randomBytes(8).toString('hex'),
  };
}

async function take(gitdir: string, options: LockOptions, wait: boolean): Promise<RepoLock | { busy: LockHolder | undefined }> {
  const fs = options.fs ?? nodeFs;
  const holder = newHolder(options.command);
  const deadline = Date.now() + (wait ? (options.waitMs ?? LOCK_WAIT_MS) : 0);
  let delay = 20;
  let breaks = 0;
  for (;;) {
    if (options.signal?.aborted) throw errors.aborted(`waiting for the repository lock (${options.command})`);
    const got = await attempt(fs, gitdir, holder);
    if ('lock' in got) return got.lock;
    if (got.stale && got.text !== undefined && breaks++ < 10) {
      await breakStale(fs, gitdir, got.text);
      continue;
    }
    if (got.text === undefined) continue;
    if (Date.now() >= deadline) return { busy: got.holder };
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      throw errors.aborted(`waiting for the repository lock (${options.command})`);
    }
    delay = Math.min(delay * 2, 200);
  }
}

const lockError = (gitdir: string, holder: LockHolder | undefined) =>
  errors.locked(holder ?? { pid: 0, host: 'unknown', command: 'a redb command', started: 'a moment ago' }, join(gitdir, LOCK_FILE));

/** Take the lock, waiting up to `waitMs` for another writer; REDB_LOCKED names the holder if it does not let go. */
export async function acquireLock(gitdir: string, options: LockOptions): Promise<RepoLock> {
  const got = await take(gitdir, options, true);
  if ('busy' in got) throw lockError(gitdir, got.busy);
  return got;
}

/** Take the lock if nobody (alive) holds it; otherwise undefined, at once. */
export async function tryLock(gitdir: string, options: LockOptions): Promise<RepoLock | undefined> {
  const got = await take(gitdir, options, false);
  return 'busy' in got ? undefined : got;
}

/** Run `work` holding the lock; it is released however `work` ends. */
export async function withLock<T>(gitdir: string, options: LockOptions, work: (lock: RepoLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(gitdir, options);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}
