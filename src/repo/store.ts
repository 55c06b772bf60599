import { createHash } from 'node:crypto';
import { gitLib } from './git-lib.js';
import { errors, isRedbError } from '../errors.js';
import { DEFAULT_ENGINE, schemaFromFiles, schemaToFiles, emptySchema, type Schema } from '../unified/index.js';

import { gitFs } from './git-fs.js';
import type { ObjectSigner } from '../crypto/object-signer.js';
import { DEFAULT_BRANCH, type Store } from './paths.js';
import { writeCommitObject } from './signed-objects.js';

export interface CommitInfo {
  readonly id: string;
  readonly parents: readonly string[];
  readonly tree: string;
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number; readonly timezoneOffset: number };
}

const isGitError = (e: unknown, code: string): boolean => typeof e === 'object' && e !== null && (e as { code?: string }).code === code;

export async function initStore(store: Store): Promise<void> {
  const git = await gitLib();
  await git.init({ fs: gitFs(store), gitdir: store.gitdir, bare: true, defaultBranch: DEFAULT_BRANCH });
}

/** Write a tree from blob ids (path → oid), nesting folders; returns the root tree id. */
export async function writeEntriesTree(store: Store, entries: ReadonlyMap<string, string>): Promise<string> {
  const git = await gitLib();
  const fs = gitFs(store);
  const { gitdir } = store;
  const dirs = new Map<string, { mode: string; path: string; oid: string; type: 'blob' }[]>();
  const top: { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[] = [];
  for (const [path, oid] of entries) {
    const slash = path.indexOf('/');
    if (slash === -1) top.push({ mode: '100644', path, oid, type: 'blob' });
    else {
      const dir = path.slice(0, slash);
      const list = dirs.get(dir) ?? [];
      list.push({ mode: '100644', path: path.slice(slash + 1), oid, type: 'blob' });
      dirs.set(dir, list);
    }
  }
  for (const [dir, tree] of dirs) top.push({ mode: '040000', path: dir, oid: await git.writeTree({ fs, gitdir, tree }), type: 'tree' });
  return git.writeTree({ fs, gitdir, tree: top });
}

/** Store files (path → text) as blobs; returns path → blob id. Several at a time: each one is fsynced. */
export async function writeBlobs(store: Store, files: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const git = await gitLib();
  const out = new Map<string, string>();
  const list = [...files];
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const [path, text] = list[next++] as [string, string];
      out.set(path, await git.writeBlob({ fs: gitFs(store), gitdir: store.gitdir, blob: Buffer.from(text, 'utf8') }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, list.length) }, worker));
  // In the order given, as callers expect.
  return new Map(list.map(([path]) => [path, out.get(path) as string]));
}

/** Write files (path → text) as blobs in nested trees; returns the root tree id. */
export const writeFilesTree = async (store: Store, files: ReadonlyMap<string, string>): Promise<string> =>
  writeEntriesTree(store, await writeBlobs(store, files));

/** Write a schema as one canonical blob per object; returns the root tree id. */
export const writeSchemaTree = (store: Store, schema: Schema): Promise<string> => writeFilesTree(store, schemaToFiles(schema));

/** Read a blob and check it hashes to its id: a hand-edited object is caught here. */
async function readVerifiedBlob(store: Store, oid: string, path: string): Promise<string> {
  const git = await gitLib();
  let blob: Uint8Array;
  try {
    ({ blob } = await git.readBlob({ fs: gitFs(store), gitdir: store.gitdir, oid }));
  } catch (e) {
    throw errors.corruptObject(`${oid.slice(0, 7)} (${path})`, e instanceof Error ? e.message : String(e)).because(e);
  }
  const actual = createHash('sha1').update(`blob ${blob.length}\0`).update(blob).digest('hex');
  if (actual !== oid) throw errors.corruptObject(`${oid.slice(0, 7)} (${path})`, `its content hashes to ${actual.slice(0, 7)}`);
  return Buffer.from(blob).toString('utf8');
}

/** Every blob of a tree, path → blob id, reading tree objects only. */
export async function readTreeEntries(store: Store, treeOid: string): Promise<Map<string, string>> {
  const git = await gitLib();
  const entries = new Map<string, string>();
  const walk = async (oid: string, prefix: string): Promise<void> => {
    let tree;
    try {
      ({ tree } = await git.readTree({ fs: gitFs(store), gitdir: store.gitdir, oid }));
    } catch (e) {
      throw errors.corruptObject(`tree ${oid.slice(0, 7)}${prefix === '' ? '' : ` (${prefix})`}`, e instanceof Error ? e.message : String(e)).because(e);
    }
    for (const entry of tree) {
      const path = `${prefix}${entry.path}`;
      if (entry.type === 'tree') await walk(entry.oid, `${path}/`);
      else if (entry.type === 'blob') entries.set(path, entry.oid);
    }
  };
  await walk(treeOid, '');
  return entries;
}

/** The files of a tree, path → text; `only` limits which paths are read. */
export async function readTreeFiles(store: Store, treeOid: string, only?: ReadonlySet<string>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [path, oid] of await readTreeEntries(store, treeOid)) {
    if (only === undefined || only.has(path)) files.set(path, await readVerifiedBlob(store, oid, path));
  }
  return files;
}

export async function readCommitInfo(store: Store, oid: string): Promise<CommitInfo> {
  const git = await gitLib();
  try {
    const { commit } = await git.readCommit({ fs: gitFs(store), gitdir: store.gitdir, oid });
    return { id: oid, parents: commit.parent, tree: commit.tree, message: commit.message.trimEnd(), author: commit.author };
  } catch (e) {
    if (isGitError(e, 'NotFoundError')) throw errors.refNotFound(oid);
    throw errors.corruptObject(`commit ${oid.slice(0, 7)}`, e instanceof Error ? e.message : String(e)).because(e);
  }
}

export async function readSchemaAt(store: Store, commitOid: string, only?: ReadonlySet<string>): Promise<Schema> {
  const { tree } = await readCommitInfo(store, commitOid);
  const files = await readTreeFiles(store, tree, only);
  try {
    return schemaFromFiles(files);
  } catch (e) {
    if (isRedbError(e, 'REDB_INVALID_SCHEMA_FILE')) {
      throw errors.corruptObject(`${commitOid.slice(0, 7)}:${e.data.file}`, e.message).because(e);
    }
    throw e;
  }
}

/**
 * Write a commit object; no ref moves. The caller moves the branch through a journal step (see
 * journal.ts), so a ref never points at a commit before its objects are all written.
 */
export async function writeCommit(
  store: Store,
  options: { tree: string; parents: readonly string[]; message: string; author: { name: string; email: string }; signer?: ObjectSigner | undefined },
): Promise<string> {
  // A signed commit has two signature headers, which isomorphic-git cannot write: see signed-objects.ts.
  if (options.signer !== undefined) return writeCommitObject(store, options, options.signer);
  const git = await gitLib();
  return git.commit({
    fs: gitFs(store),
    gitdir: store.gitdir,
    message: options.message,
    author: options.author,
    tree: options.tree,
    parent: [...options.parents],
    noUpdateBranch: true,
  });
}

/** The full ref HEAD points at (`refs/heads/main`), even when the branch has no commits yet. */
export async function headRef(store: Store): Promise<string> {
  const git = await gitLib();
  const branch = await git.currentBranch({ fs: gitFs(store), gitdir: store.gitdir, fullname: true });
  return branch ?? 'HEAD';
}

/** The commit HEAD is at, or undefined on an unborn branch. */
export async function headCommit(store: Store): Promise<string | undefined> {
  const git = await gitLib();
  try {
    return await git.resolveRef({ fs: gitFs(store), gitdir: store.gitdir, ref: 'HEAD' });
  } catch (e) {
    if (isGitError(e, 'NotFoundError')) return undefined;
    throw e;
  }
}

export async function schemaAtHead(store: Store): Promise<Schema> {
  const head = await headCommit(store);
  return head === undefined ? emptySchema(DEFAULT_ENGINE) : readSchemaAt(store, head);
}

async function tryResolve(store: Store, ref: string): Promise<string | undefined> {
  const git = await gitLib();
  try {
    return await git.resolveRef({ fs: gitFs(store), gitdir: store.gitdir, ref });
  } catch (e) {
    if (isGitError(e, 'NotFoundError')) return undefined;
    throw e;
  }
}

/**
 * A commit id for a git-style ref: full or short id, branch, tag, HEAD, and any of them followed by
 * `~n` or `^` (first parent).
 */
export async function resolveCommit(store: Store, spec: string): Promise<string> {
  const git = await gitLib();
  const m = /^(.*?)((?:~\d*|\^)*)$/.exec(spec);
  const base = m?.[1] ?? spec;
  const suffix = m?.[2] ?? '';
  if (base === '') throw errors.refNotFound(spec);
  let oid: string | undefined;
  if (base === 'HEAD') {
    oid = await headCommit(store);
    if (oid === undefined) throw errors.noCommits('HEAD');
  } else {
    oid = (await tryResolve(store, `refs/heads/${base}`)) ?? (await tryResolve(store, `refs/tags/${base}`));
    if (oid === undefined && /^[0-9a-f]{4,40}$/i.test(base)) {
      try {
        oid = await git.expandOid({ fs: gitFs(store), gitdir: store.gitdir, oid: base.toLowerCase() });
      } catch (e) {
        if (isGitError(e, 'AmbiguousError')) throw errors.ambiguousRef(base, (e as { data?: { matches?: string[] } }).data?.matches ?? []);
        if (!isGitError(e, 'NotFoundError')) throw e;
      }
    }
  }
  if (oid === undefined) throw errors.refNotFound(spec);
  return walkParents(store, await peel(store, oid), suffix, spec);
}

async function peel(store: Store, oid: string): Promise<string> {
  const git = await gitLib();
  // Annotated tags point at a tag object; peel to the commit.
  const { type } = await git.readObject({ fs: gitFs(store), gitdir: store.gitdir, oid, format: 'parsed' }).catch(() => ({ type: 'commit' }));
  return type === 'tag' ? (await git.readTag({ fs: gitFs(store), gitdir: store.gitdir, oid })).tag.object : oid;
}

async function walkParents(store: Store, start: string, suffix: string, spec: string): Promise<string> {
  let oid = start;
  for (const step of suffix.match(/~\d*|\^/g) ?? []) {
    const n = step === '^' || step === '~' ? 1 : Number(step.slice(1));
    for (let i = 0; i < n; i++) {
      const parent: string | undefined = (await readCommitInfo(store, oid)).parents[0];
      if (parent === undefined) throw errors.refNotFound(spec);
      oid = parent;
    }
  }
  return oid;
}

/** Every commit reachable from `oid`, merged branches included, newest first (as `git log`); ties keep first parents first. */
export async function logFrom(store: Store, oid: string, limit?: number): Promise<CommitInfo[]> {
  const out: CommitInfo[] = [];
  const seen = new Set([oid]);
  const waiting = [await readCommitInfo(store, oid)];
  while (waiting.length > 0 && (limit === undefined || out.length < limit)) {
    let newest = 0;
    for (let i = 1; i < waiting.length; i++) if ((waiting[i] as CommitInfo).author.timestamp > (waiting[newest] as CommitInfo).author.timestamp) newest = i;
    const [info] = waiting.splice(newest, 1) as [CommitInfo];
    out.push(info);
    for (const parent of info.parents) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      waiting.push(await readCommitInfo(store, parent));
    }
  }
  return out;
}

const REF_NAME = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<![./])$/;

export function checkRefName(what: 'branch' | 'tag', name: string): void {
  if (!REF_NAME.test(name) || name.endsWith('.lock') || name === 'HEAD' || name === 'working' || name.startsWith('db:')) {
    throw errors.invalidName(what, name, 'use letters, digits, . _ - and /, not starting with - or ending with . or /; HEAD, working and db: are reserved');
  }
}

export async function listRefs(store: Store, kind: 'heads' | 'tags'): Promise<{ name: string; id: string }[]> {
  const git = await gitLib();
  const names =
    kind === 'heads' ? await git.listBranches({ fs: gitFs(store), gitdir: store.gitdir }) : await git.listTags({ fs: gitFs(store), gitdir: store.gitdir });
  const out: { name: string; id: string }[] = [];
  for (const name of names.sort()) {
    const id = await tryResolve(store, `refs/${kind}/${name}`);
    if (id !== undefined) out.push({ name, id });
  }
  return out;
}

export async function refExists(store: Store, fullRef: string): Promise<boolean> {
  return (await tryResolve(store, fullRef)) !== undefined;
}

export async function writeRef(store: Store, fullRef: string, oid: string): Promise<void> {
  const git = await gitLib();
  await git.writeRef({ fs: gitFs(store), gitdir: store.gitdir, ref: fullRef, value: oid, force: true });
}

export async function deleteRef(store: Store, fullRef: string): Promise<void> {
  const git = await gitLib();
  await git.deleteRef({ fs: gitFs(store), gitdir: store.gitdir, ref: fullRef });
}

/** Point HEAD at a branch (which may not have commits yet). */
export async function setHead(store: Store, branch: string): Promise<void> {
  const git = await gitLib();
  await git.writeRef({ fs: gitFs(store), gitdir: store.gitdir, ref: 'HEAD', value: `refs/heads/${branch}`, symbolic: true, force: true });
}

/** The nearest common ancestor of two commits, if any. */
export async function mergeBase(store: Store, a: string, b: string): Promise<string | undefined> {
  const git = await gitLib();
  const [base] = (await git.findMergeBase({ fs: gitFs(store), gitdir: store.gitdir, oids: [a, b] })) as string[];
  return base;
}

/** The text of one blob, verified. */
export const readBlobText = (store: Store, oid: string, path: string): Promise<string> => readVerifiedBlob(store, oid, path);

/** Every commit reachable from `oid`, itself included. */
async function ancestry(store: Store, oid: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [oid];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(await readCommitInfo(store, id)).parents);
  }
  return seen;
}

/** As git counts a branch against its upstream: commits `of` has that `against` lacks (ahead), and the other way (behind). */
export async function aheadBehind(store: Store, of: string, against: string): Promise<{ ahead: number; behind: number }> {
  if (of === against) return { ahead: 0, behind: 0 };
  const [mine, theirs] = await Promise.all([ancestry(store, of), ancestry(store, against)]);
  let ahead = 0;
  let behind = 0;
  for (const id of mine) if (!theirs.has(id)) ahead++;
  for (const id of theirs) if (!mine.has(id)) behind++;
  return { ahead, behind };
}
