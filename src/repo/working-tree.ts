import { join, relative, sep } from 'node:path';
import { isNotFound } from '../errors.js';
import { schemaFromFiles, schemaToFiles, type Schema } from '../unified/index.js';
import { WORKING_DIR, type Store } from './paths.js';

/** The working tree: `schema/`, one human-editable YAML file per object. */

/** A merge conflict sits beside the object's file as `<object>.conflict.yaml` until resolved. */
export const CONFLICT_SUFFIX = '.conflict.yaml';
export const conflictPath = (objectPath: string): string => objectPath.replace(/\.yaml$/, CONFLICT_SUFFIX);

async function listFiles(fs: Store['fs'], dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    // Absent is empty; unreadable is an error (read as empty, a commit would record every file deleted).
    if (isNotFound(e)) return out;
    throw e;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(fs, path)));
    else out.push(path);
  }
  return out;
}

/** The working tree's files, path → text; `only` limits which paths are read. */
export async function readWorkingFiles(store: Store, only?: ReadonlySet<string>): Promise<Map<string, string>> {
  const base = join(store.root, WORKING_DIR);
  const files = new Map<string, string>();
  const paths = (await listFiles(store.fs, base)).map((path) => ({ path, key: relative(base, path).split(sep).join('/') })).filter(({ key }) => !key.endsWith(CONFLICT_SUFFIX));
  await eachLimited(paths.filter(({ key }) => only === undefined || only.has(key)), 32, async ({ path, key }) => {
    files.set(key, await store.fs.promises.readFile(path, 'utf8'));
  });
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Any folder laid out like `schema/` (say, the base branch's checkout in CI), as a model. */
export async function readSchemaDir(fs: Store['fs'], dir: string): Promise<Schema> {
  const files = new Map<string, string>();
  for (const path of await listFiles(fs, dir)) {
    const key = relative(dir, path).split(sep).join('/');
    if (!key.endsWith(CONFLICT_SUFFIX)) files.set(key, await fs.promises.readFile(path, 'utf8'));
  }
  return schemaFromFiles(files, `${dir}/`, { edited: true, whole: true });
}

/** The working tree as a model, validated: a bad file is reported with its path and field. */
export async function readWorkingTree(store: Store): Promise<Schema> {
  return schemaFromFiles(await readWorkingFiles(store), `${WORKING_DIR}/`, { edited: true, whole: true });
}

/** Run `work` over `items`, a bounded number at a time: file I/O overlaps without exhausting handles. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Make `schema/` hold exactly this schema: changed files rewritten, stale ones removed. Returns the files. */
export async function writeWorkingTree(store: Store, schema: Schema): Promise<Map<string, string>> {
  const files = schemaToFiles(schema);
  await writeWorkingFiles(store, files);
  return files;
}

/** Make `schema/` hold exactly these files (path → text). */
export async function writeWorkingFiles(store: Store, next: ReadonlyMap<string, string>): Promise<void> {
  const base = join(store.root, WORKING_DIR);
  const current = await readWorkingFiles(store);
  await eachLimited([...current.keys()].filter((p) => !next.has(p)), 32, (path) => store.fs.promises.rm(join(base, path), { force: true }));
  const dirs = new Set([...next.keys()].map((p) => join(base, p, '..')));
  for (const dir of dirs) await store.fs.promises.mkdir(dir, { recursive: true });
  await eachLimited([...next].filter(([path, text]) => current.get(path) !== text), 32, ([path, text]) => store.fs.promises.writeFile(join(base, path), text));
  // Drop folders the change left empty.
  for (const entry of await store.fs.promises.readdir(base, { withFileTypes: true }).catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e)))) {
    if (!entry.isDirectory()) continue;
    const dir = join(base, entry.name);
    if ((await store.fs.promises.readdir(dir)).length === 0) await store.fs.promises.rmdir(dir);
  }
}

/** Conflict files left by a merge, relative to `schema/`. */
export async function listConflicts(store: Store): Promise<string[]> {
  const base = join(store.root, WORKING_DIR);
  return (await listFiles(store.fs, base)).map((path) => relative(base, path).split(sep).join('/')).filter((key) => key.endsWith(CONFLICT_SUFFIX)).sort();
}

export async function clearConflicts(store: Store): Promise<void> {
  for (const key of await listConflicts(store)) await store.fs.promises.rm(join(store.root, WORKING_DIR, key), { force: true });
}
