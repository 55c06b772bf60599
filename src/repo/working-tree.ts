import { join, relative, sep } from 'node:path';
import { errors, isNotFound } from '../errors.js';
import { schemaFromFiles, type Schema } from '../unified/index.js';
import { blobOid, scanForReplace } from './index-cache.js';
import type { Change } from './journal.js';
import { WORKING_DIR, type Store } from './paths.js';

/** The working tree: `schema/`, one human-editable YAML file per object. */

/** A merge conflict sits beside the object's file as `<object>.conflict.yaml` until resolved. */
export const CONFLICT_SUFFIX = '.conflict.yaml';
export const conflictPath = (objectPath: string): string => objectPath.replace(/\.yaml$/, CONFLICT_SUFFIX);

/**
 * The files under `dir`, recursively, skipping hidden names. A symbolic link anywhere (the folder
 * itself included) is refused with its path shown relative to `shownFrom`: following it would read
 * outside the project.
 */
async function listFiles(fs: Store['fs'], dir: string, shownFrom: string, shownAs = ''): Promise<string[]> {
  const show = (path: string) => `${shownAs}${relative(shownFrom, path).split(sep).join('/')}`;
  const top = await fs.promises.lstat(dir).catch(() => undefined);
  if (top?.isSymbolicLink()) throw errors.symlink(show(dir));
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true });
    } catch (e) {
      // Absent is empty; unreadable is an error (read as empty, a commit would record every file deleted).
      if (isNotFound(e)) return;
      throw e;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) throw errors.symlink(show(path));
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(dir);
  return out;
}

/** The working tree's files, path → text; `only` limits which paths are read. */
export async function readWorkingFiles(store: Store, only?: ReadonlySet<string>): Promise<Map<string, string>> {
  const base = join(store.root, WORKING_DIR);
  const files = new Map<string, string>();
  const paths = (await listFiles(store.fs, base, store.root))
    .map((path) => ({ path, key: relative(base, path).split(sep).join('/') }))
    .filter(({ key }) => !key.endsWith(CONFLICT_SUFFIX));
  await eachLimited(
    paths.filter(({ key }) => only === undefined || only.has(key)),
    32,
    async ({ path, key }) => {
      files.set(key, await store.fs.promises.readFile(path, 'utf8'));
    },
  );
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Any folder laid out like `schema/` (say, the base branch's checkout in CI), as a model. */
export async function readSchemaDir(fs: Store['fs'], dir: string, loadFacts: Store['loadFacts']): Promise<Schema> {
  const files = new Map<string, string>();
  for (const path of await listFiles(fs, dir, dir, `${dir}/`)) {
    const key = relative(dir, path).split(sep).join('/');
    if (!key.endsWith(CONFLICT_SUFFIX)) files.set(key, await fs.promises.readFile(path, 'utf8'));
  }
  return schemaFromFiles(files, `${dir}/`, { edited: true, whole: true, facts: await loadFacts() });
}

/** The working tree as a model, validated: a bad file is reported with its path and field. */
export async function readWorkingTree(store: Store): Promise<Schema> {
  const [files, facts] = await Promise.all([readWorkingFiles(store), store.loadFacts()]);
  return schemaFromFiles(files, `${WORKING_DIR}/`, { edited: true, whole: true, facts });
}

/** Run `work` over `items`, a bounded number at a time: file I/O overlaps without exhausting handles. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What a file of the working tree is to become: a text (with its blob id, if the caller has it), or a blob of the store. */
export type FileSource = { readonly text: string; readonly oid?: string } | { readonly blob: string };

/**
 * The journal steps (see journal.ts) that make `schema/` hold exactly `next` (paths relative to
 * it): only what differs is written, files not in `next` are removed, and links in the way are
 * removed as links, never followed. Conflict files are left alone unless `conflicts: 'remove'`.
 * Pending renames (`.renames.yaml`) are the caller's business.
 */
export async function workingSteps(
  store: Store,
  next: ReadonlyMap<string, FileSource>,
  options: { conflicts?: 'keep' | 'remove'; scanned?: { readonly files: ReadonlyMap<string, string>; readonly links: readonly string[] } } = {},
): Promise<Change[]> {
  const { files, links } = options.scanned ?? (await scanForReplace(store));
  const keep = (path: string) => options.conflicts !== 'remove' && path.endsWith(CONFLICT_SUFFIX);
  const steps: Change[] = links.map((path) => ({ remove: path }));
  for (const path of [...files.keys()].sort()) if (!next.has(path) && !keep(path)) steps.push({ remove: path });
  for (const [path, source] of [...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const oid = 'blob' in source ? source.blob : (source.oid ?? blobOid(Buffer.from(source.text, 'utf8')));
    if (files.get(path) !== oid || links.includes(path)) steps.push('blob' in source ? { write: path, blob: source.blob } : { write: path, text: source.text });
  }
  return steps;
}

/** Conflict files left by a merge, relative to `schema/`. */
export async function listConflicts(store: Store): Promise<string[]> {
  const base = join(store.root, WORKING_DIR);
  return (await listFiles(store.fs, base, store.root))
    .map((path) => relative(base, path).split(sep).join('/'))
    .filter((key) => key.endsWith(CONFLICT_SUFFIX))
    .sort();
}
