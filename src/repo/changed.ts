import { META_FILE, schemaFromFiles, type Schema } from '../unified/index.js';
import { fileOids, workingEntries } from './index-cache.js';
import { WORKING_DIR, type Store } from './paths.js';
import { readCommitInfo, readSchemaAt, readTreeEntries } from './store.js';
import { readWorkingFiles } from './working-tree.js';

/** One side of a comparison: a commit, or the working tree. */
export type Side = { readonly commit: string } | 'working';

/**
 * The working tree's files as a command has just written them (path → text, and their blob ids if
 * known): not read back. A path in `oids` without a text is a file the command left as it was, read
 * from the working tree if needed.
 */
export type Written = { readonly written: ReadonlyMap<string, string>; readonly oids?: ReadonlyMap<string, string> };

async function entries(store: Store, side: Side | Written): Promise<ReadonlyMap<string, string>> {
  if (side === 'working') return workingEntries(store);
  if ('written' in side) return side.oids ?? fileOids(side.written);
  return readTreeEntries(store, (await readCommitInfo(store, side.commit)).tree);
}

async function load(store: Store, side: Side | Written, only: ReadonlySet<string>): Promise<Schema> {
  if (typeof side === 'object' && 'written' in side) {
    const files = new Map([...side.written].filter(([path]) => only.has(path)));
    const unread = new Set([...only].filter((path) => !side.written.has(path) && side.oids?.has(path) === true));
    if (unread.size > 0) for (const [path, text] of await readWorkingFiles(store, unread)) files.set(path, text);
    return schemaFromFiles(files, `${WORKING_DIR}/`, { edited: true, facts: await store.loadFacts() });
  }
  if (side !== 'working') return readSchemaAt(store, side.commit, only);
  const [files, facts] = await Promise.all([readWorkingFiles(store, only), store.loadFacts()]);
  return schemaFromFiles(files, `${WORKING_DIR}/`, { edited: true, facts });
}

/**
 * The two sides restricted to the objects whose files differ. Every object is its own blob, so an
 * unchanged object has the same id on both sides and is never read or parsed: diffing two large
 * schemas costs what changed, not what exists.
 */
export async function changedSchemas(store: Store, from: Side | Written, to: Side | Written): Promise<{ from: Schema; to: Schema }> {
  const [a, b] = await Promise.all([entries(store, from), entries(store, to)]);
  const changed = new Set<string>([META_FILE]);
  for (const [path, oid] of a) if (b.get(path) !== oid) changed.add(path);
  for (const path of b.keys()) if (!a.has(path)) changed.add(path);
  const [left, right] = await Promise.all([load(store, from, changed), load(store, to, changed)]);
  return { from: left, to: right };
}
