import { join, relative, sep } from 'node:path';
import { schemaFromFiles, schemaToFiles, type Schema } from '../unified/index.js';
import { WORKING_DIR, type Store } from './paths.js';

/** The working tree: `schema/`, one human-editable YAML file per object. */

async function listFiles(store: Store, dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await store.fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(store, path)));
    else out.push(path);
  }
  return out;
}

/** The working tree's files, path → text; `only` limits which paths are read. */
export async function readWorkingFiles(store: Store, only?: ReadonlySet<string>): Promise<Map<string, string>> {
  const base = join(store.root, WORKING_DIR);
  const files = new Map<string, string>();
  for (const path of await listFiles(store, base)) {
    const key = relative(base, path).split(sep).join('/');
    if (only === undefined || only.has(key)) files.set(key, await store.fs.promises.readFile(path, 'utf8'));
  }
  return files;
}

/** The working tree as a model, validated: a bad file is reported with its path and field. */
export async function readWorkingTree(store: Store): Promise<Schema> {
  return schemaFromFiles(await readWorkingFiles(store), `${WORKING_DIR}/`);
}

/** Make `schema/` hold exactly this schema: changed files rewritten, stale ones removed. */
export async function writeWorkingTree(store: Store, schema: Schema): Promise<void> {
  const base = join(store.root, WORKING_DIR);
  const next = schemaToFiles(schema);
  const current = await readWorkingFiles(store);
  for (const path of current.keys()) {
    if (!next.has(path)) await store.fs.promises.rm(join(base, path), { force: true });
  }
  for (const [path, text] of next) {
    if (current.get(path) === text) continue;
    const file = join(base, path);
    await store.fs.promises.mkdir(join(file, '..'), { recursive: true });
    await store.fs.promises.writeFile(file, text);
  }
  // Drop folders the change left empty.
  for (const entry of await store.fs.promises.readdir(base, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const dir = join(base, entry.name);
    if ((await store.fs.promises.readdir(dir)).length === 0) await store.fs.promises.rmdir(dir);
  }
}
