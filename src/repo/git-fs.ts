import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { PromiseFsClient } from 'isomorphic-git';
import { errors } from '../errors.js';
import type { Fs, Store } from './paths.js';
import { safeFsOf, tmpSuffix, type SafeFs } from './safe-fs.js';

/**
 * The file system isomorphic-git is given. isomorphic-git writes a loose object in place and never
 * rewrites one that exists, and writes refs in place: a kill or a full disk could leave a
 * zero-byte object that every later commit trusted, or an empty ref. Through this wrapper:
 *
 * - every write is atomic and durable (temporary file, fsync, rename; see safe-fs.ts), objects
 *   with git's own temporary names (`objects/xx/tmp_obj_*`, which `git fsck` ignores), everything
 *   else through `.redb/tmp/`;
 * - an existing loose object counts as present only when it is whole (it inflates and hashes to
 *   its name), so isomorphic-git writes it again when it has the content at hand; a reader of a
 *   damaged object still fails (REDB_CORRUPT_OBJECT);
 * - nothing is written, created or deleted through a symbolic link inside the project.
 */

const LOOSE_OBJECT = /[\\/]objects[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{38})$/;

/** Whether a loose object file holds exactly the object its name says. */
export function wholeObject(data: Uint8Array, oid: string): boolean {
  try {
    const raw = inflateSync(data);
    const nul = raw.indexOf(0);
    const header = raw.subarray(0, nul).toString('latin1');
    const m = /^(blob|tree|commit|tag) (\d+)$/.exec(header);
    if (nul < 0 || m === null || Number(m[2]) !== raw.length - nul - 1) return false;
    return createHash('sha1').update(raw).digest('hex') === oid;
  } catch {
    return false;
  }
}

const notFound = (path: string): NodeJS.ErrnoException => Object.assign(new Error(`ENOENT: damaged object treated as absent, '${path}'`), { code: 'ENOENT' });

type GitFs = PromiseFsClient;

const cache = new WeakMap<Store, GitFs>();

/** The wrapped file system for a store (one per store, so its checks are cached across calls). */
export function gitFs(store: Store): GitFs {
  const known = cache.get(store);
  if (known !== undefined) return known;
  const made = makeGitFs(store.fs, safeFsOf(store), store.gitdir);
  cache.set(store, made);
  return made;
}

function makeGitFs(fs: Fs, safe: SafeFs, gitdir: string): GitFs {
  const p = fs.promises;
  const tmpDir = join(gitdir, 'tmp');
  const promises = {
    readFile: (path: string, options?: unknown) => p.readFile(path, options as never),
    readdir: (path: string, options?: unknown) => p.readdir(path, options as never),
    lstat: (path: string, options?: unknown) => p.lstat(path, options as never),
    readlink: (path: string, options?: unknown) => p.readlink(path, options as never),
    async stat(path: string, options?: unknown) {
      const st = await p.stat(path, options as never);
      const m = LOOSE_OBJECT.exec(path);
      if (m !== null && !wholeObject(await p.readFile(path), `${m[1]}${m[2]}`)) throw notFound(path);
      return st;
    },
    async writeFile(path: string, data: string | Uint8Array) {
      const object = LOOSE_OBJECT.test(path);
      await safe.writeFile(
        path,
        data,
        object ? { fsync: true, tmpName: `tmp_obj_${tmpSuffix()}` } : { fsync: true, tmpDir, tmpName: `${tmpSuffix()}-${basename(path)}` },
      );
    },
    async mkdir(path: string) {
      await safe.realDir(path, { create: true });
    },
    async unlink(path: string) {
      await safe.remove(path);
    },
    async rm(path: string) {
      await safe.remove(path);
    },
    async rmdir(path: string) {
      if (await safe.realDir(dirname(path))) await p.rmdir(path);
    },
    async symlink(_target: string, path: string) {
      throw errors.symlink(path);
    },
  };
  return { promises } as unknown as GitFs;
}
