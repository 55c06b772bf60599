import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { errors, RedbError, systemError, withPath } from '../errors.js';
import type { Fs, Store } from './paths.js';

/**
 * Every write redb makes inside a project goes through here, so that two promises hold everywhere:
 *
 * - Nothing is written, deleted or created through a symbolic link. Every folder between the
 *   project root and the file is checked with lstat; a link is refused (REDB_SYMLINK), or, where
 *   the caller says the working tree is being replaced (`--discard-changes`, a switch, a merge),
 *   the link itself is removed and a real file or folder takes its place. Its target is never
 *   touched. (A process racing us on the same folders could still swap one in between the check
 *   and the write; the threat here is a project received from someone else, not a local attacker.)
 * - A file is never seen half-written: it is written to a temporary file beside it and renamed
 *   over the old one, so a kill or a full disk leaves the old file or the new one, nothing else.
 *   Repository files (objects, refs, the journal) are also fsynced before the rename.
 */

export interface WriteOptions {
  /** Flush the data (and the folder entry) to disk before the write counts as done. */
  readonly fsync?: boolean;
  /** Where the temporary file goes; default: beside the file. */
  readonly tmpDir?: string;
  /** Name of the temporary file; default: a hidden name beside the file. */
  readonly tmpName?: string;
  /** Replace a link in the way (the link, not its target) instead of refusing. */
  readonly replaceLinks?: boolean;
}

/** A failure of the file system, as a coded error where a user can act on it. */
export function osError(e: unknown, path: string): unknown {
  if (e instanceof RedbError) return e;
  // One mapping for every operating-system failure (errors.ts), with the path this write was for.
  return systemError(withPath(e, path)) ?? e;
}

const isMissing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** A unique temporary name that says which process made it, so a leftover of a killed one can be told apart. */
export const tmpSuffix = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

/** The pid a temporary name carries (see tmpSuffix), if any. */
export const tmpOwner = (name: string): number | undefined => {
  const m = /(?:^|[-._])(\d+)-[0-9a-f]{12}(?:[-.]|$)/.exec(name);
  return m === null ? undefined : Number(m[1]);
};

export interface SafeFs {
  readonly fs: Fs;
  /** The project directory: nothing above it is checked, nothing outside it is written. */
  readonly root: string;
  /** Make sure `dir` and every folder above it (up to the root) is a real folder; create missing ones. */
  realDir(dir: string, options?: { create?: boolean; replaceLinks?: boolean }): Promise<boolean>;
  writeFile(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>;
  stageFile(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<string>;
  /** Delete a file (a link is removed as a link); missing is fine. */
  remove(path: string, options?: { replaceLinks?: boolean }): Promise<void>;
  /** Remove a folder if it is empty (and real). */
  removeEmptyDir(dir: string): Promise<void>;
  /** Append to a log file: never through a link, in the folders on the way or as the file itself (O_NOFOLLOW). */
  appendFile(path: string, text: string): Promise<void>;
}

export function safeFs(fs: Fs, root: string): SafeFs {
  // Folders already seen to be real in this process: a commit writes thousands of objects into 256 folders.
  const real = new Set<string>();
  const shown = (path: string) => relative(root, path).split(sep).join('/') || '.';

  async function realDir(dir: string, options: { create?: boolean; replaceLinks?: boolean } = {}): Promise<boolean> {
    if (real.has(dir)) return true;
    const rel = relative(root, dir);
    if (rel.startsWith('..') || rel.split(sep).includes('..')) throw errors.writeDenied(dir, `it is outside the project ${root}`);
    let current = root;
    for (const part of rel === '' ? [] : rel.split(sep)) {
      current = join(current, part);
      if (real.has(current)) continue;
      let st: import('node:fs').Stats | undefined;
      try {
        st = await fs.promises.lstat(current);
      } catch (e) {
        if (!isMissing(e)) throw osError(e, shown(current));
      }
      if (st?.isSymbolicLink()) {
        if (options.replaceLinks !== true) throw errors.symlink(shown(current));
        try {
          await fs.promises.unlink(current);
        } catch (e) {
          // Another write of the same command replaced it first.
          if (!isMissing(e)) throw osError(e, shown(current));
          return realDir(dir, options);
        }
        st = undefined;
      }
      if (st === undefined) {
        if (options.create !== true) return false;
        try {
          await fs.promises.mkdir(current);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // Made meanwhile by another writer: check what it is.
          if (code === 'EEXIST') return realDir(dir, options);
          throw osError(e, shown(current));
        }
      } else if (!st.isDirectory()) {
        throw errors.writeDenied(shown(current), 'a file stands where a folder should be');
      }
      real.add(current);
    }
    return true;
  }

  /** Write `data` in full under a temporary name beside `path` (or in `tmpDir`); returns that name's path. */
  async function stageFile(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<string> {
    const dir = dirname(path);
    await realDir(dir, { create: true, ...(options.replaceLinks === undefined ? {} : { replaceLinks: options.replaceLinks }) });
    if (options.tmpDir !== undefined) await realDir(options.tmpDir, { create: true });
    // A link where the file goes: the rename would replace the link itself, never its target; still,
    // outside the working tree a link is a sign of tampering, and says so.
    const st = await fs.promises.lstat(path).catch(() => undefined);
    if (st?.isSymbolicLink() && options.replaceLinks !== true) throw errors.symlink(shown(path));
    if (st?.isDirectory()) throw errors.writeDenied(shown(path), 'a folder stands where a file should be');
    const tmp = join(options.tmpDir ?? dir, options.tmpName ?? `.${basename(path)}.redb-${tmpSuffix()}`);
    let handle: import('node:fs/promises').FileHandle | undefined;
    try {
      // 'wx' is O_CREAT|O_EXCL: it never opens an existing file, link or not.
      handle = await fs.promises.open(tmp, 'wx');
      await handle.writeFile(data);
      if (options.fsync === true) await handle.sync();
      await handle.close();
      return tmp;
    } catch (e) {
      await handle?.close().catch(() => undefined);
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw osError(e, shown(path));
    }
  }

  async function writeFile(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    const tmp = await stageFile(path, data, options);
    try {
      await fs.promises.rename(tmp, path);
      if (options.fsync === true) await syncDir(fs, dirname(path));
    } catch (e) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw osError(e, shown(path));
    }
  }

  async function remove(path: string, options: { replaceLinks?: boolean } = {}): Promise<void> {
    if (!(await realDir(dirname(path), options))) return;
    // Only files and links are removed: a folder here is a link to one that a write of the same
    // command has replaced with a real folder already.
    if ((await fs.promises.lstat(path).catch(() => undefined))?.isDirectory() === true) return;
    try {
      await fs.promises.unlink(path);
    } catch (e) {
      if (!isMissing(e)) throw osError(e, shown(path));
    }
  }

  async function removeEmptyDir(dir: string): Promise<void> {
    const st = await fs.promises.lstat(dir).catch(() => undefined);
    if (st === undefined || !st.isDirectory()) return;
    if ((await fs.promises.readdir(dir)).length > 0) return;
    await fs.promises.rmdir(dir).catch(() => undefined);
    real.delete(dir);
  }

  async function appendFile(path: string, text: string): Promise<void> {
    await realDir(dirname(path), { create: true });
    const { O_APPEND, O_CREAT, O_WRONLY, O_NOFOLLOW } = constants;
    try {
      const handle = await fs.promises.open(path, O_APPEND | O_CREAT | O_WRONLY | O_NOFOLLOW, 0o644);
      try {
        await handle.write(text);
      } finally {
        await handle.close();
      }
    } catch (e) {
      throw osError(e, shown(path));
    }
  }

  return { fs, root, realDir, writeFile, stageFile, remove, removeEmptyDir, appendFile };
}

const perStore = new WeakMap<Store, SafeFs>();

/** The safe writer of a store, kept per store so that its checks of folders are made once per command. */
export function safeFsOf(store: Store): SafeFs {
  let made = perStore.get(store);
  if (made === undefined) perStore.set(store, (made = safeFs(store.fs, store.root)));
  return made;
}

/** Flush a folder's entries (a rename in it) to disk. Some systems cannot open a folder for that: then the rename stands as it is. */
export async function syncDir(fs: Fs, dir: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on platforms without directory fsync.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * A file's lstat, refusing a link: reading through a link would read outside the project (and,
 * echoed in an error, show it).
 */
export async function lstatNoLink(fs: Fs, root: string, path: string): Promise<import('node:fs').Stats | undefined> {
  let st: import('node:fs').Stats;
  try {
    st = await fs.promises.lstat(path);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  if (st.isSymbolicLink()) throw errors.symlink(relative(root, path).split(sep).join('/'));
  return st;
}
