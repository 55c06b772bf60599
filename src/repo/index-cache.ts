import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { errors, isNotFound } from '../errors.js';
import { WORKING_DIR, type Store } from './paths.js';
import { safeFsOf } from './safe-fs.js';

/**
 * A cache in the spirit of git's index: the blob ids of HEAD's files and the size, mtime and blob
 * id of each working file as last seen. With it, a clean `redb status` compares ids and stats
 * without parsing YAML, validating schemas or opening git objects, so it costs about what Node
 * does. It is only a cache: anything unexpected sends the caller down the full path.
 *
 * This module must stay light (node built-ins only): it is on the start-up path.
 */

export interface StatEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly oid: string;
}

interface IndexFile {
  readonly version: 1;
  /** HEAD's commit when the index was written; null on an unborn branch. */
  readonly commit: string | null;
  /** HEAD's tree: path → blob id. */
  readonly head: Readonly<Record<string, string>>;
  readonly stat: Readonly<Record<string, StatEntry>>;
  /**
   * What the last pull made of each object it read: object key (unified/known-objects.ts) → the
   * path and blob id of the file it gave. Believed only while that file is in the working tree with
   * that blob id, so an entry that is stale, or edited, is never trusted.
   */
  readonly catalog?: Readonly<Record<string, CatalogEntry>>;
}

/** [path, blob id] */
export type CatalogEntry = readonly [string, string];

const INDEX_FILE = join('state', 'index.json');
/** Files changed this recently may change again within the same mtime tick: never trust their stat. */
const RACY_MS = 2000;
/** How many files a scan stats (and, where it must, reads) at a time. */
const SCAN_PARALLEL = 32;

export const blobOid = (content: Uint8Array): string => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The index as last read, and the stat it was read at: a command reads it several times over, and
 * it is only ever replaced whole (by a rename, so a new inode), by this module or another process.
 */
let lastRead: { readonly path: string; readonly stat: string; readonly index: IndexFile | undefined } | undefined;

/** Read the index; a missing or malformed one is simply absent (it is a cache, rebuilt on demand). */
async function readIndex(store: Store): Promise<IndexFile | undefined> {
  const path = join(store.gitdir, INDEX_FILE);
  let st: import('node:fs').BigIntStats | undefined;
  try {
    st = store.fs.statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (st === undefined) return undefined;
  const stat = `${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`;
  if (lastRead?.path === path && lastRead.stat === stat) return lastRead.index;
  const index = await parseIndex(store, path);
  lastRead = { path, stat, index };
  return index;
}

async function parseIndex(store: Store, path: string): Promise<IndexFile | undefined> {
  try {
    const raw: unknown = JSON.parse(await store.fs.promises.readFile(path, 'utf8'));
    if (!isRecord(raw) || raw.version !== 1 || !isRecord(raw.head) || !isRecord(raw.stat)) return undefined;
    if (raw.commit !== null && typeof raw.commit !== 'string') return undefined;
    if (!Object.values(raw.head).every((v) => typeof v === 'string')) return undefined;
    const statOk = Object.values(raw.stat).every(
      (e) => isRecord(e) && typeof e.size === 'number' && typeof e.mtimeMs === 'number' && typeof e.oid === 'string',
    );
    if (!statOk) return undefined;
    // The catalog part is checked on its own: a malformed one is dropped, the rest of the index kept.
    const catalogOk =
      isRecord(raw.catalog) &&
      Object.values(raw.catalog).every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
    const { catalog: _, ...rest } = raw as unknown as IndexFile;
    return catalogOk ? (raw as unknown as IndexFile) : rest;
  } catch {
    return undefined;
  }
}

/** HEAD without isomorphic-git: the branch, and its commit (undefined when unborn). Undefined if not a plain layout. */
export async function readHeadFast(store: Store): Promise<{ branch: string; commit: string | undefined } | undefined> {
  try {
    const head = (await store.fs.promises.readFile(join(store.gitdir, 'HEAD'), 'utf8')).trim();
    const ref = /^ref: (refs\/heads\/.+)$/.exec(head)?.[1];
    if (ref === undefined) return undefined;
    const branch = ref.slice('refs/heads/'.length);
    let commit: string | undefined;
    try {
      commit = (await store.fs.promises.readFile(join(store.gitdir, ref), 'utf8')).trim();
    } catch {
      // No loose ref: unborn, unless git packed it, which only the full path reads.
      if (store.fs.existsSync(join(store.gitdir, 'packed-refs'))) return undefined;
    }
    if (commit !== undefined && !/^[0-9a-f]{40}$/.test(commit)) return undefined;
    return { branch, commit };
  } catch {
    return undefined;
  }
}

/**
 * The files under `dir`, recursively. A symbolic link is refused (reading through it would read
 * outside the project), or, with `links`, collected there so that a writer can replace it.
 */
async function listWorking(store: Store, dir: string, out: string[], links: string[] | undefined): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await store.fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      if (links === undefined) throw errors.symlink(relative(store.root, path).split(sep).join('/'));
      links.push(path);
    } else if (entry.isDirectory()) await listWorking(store, path, out, links);
    else if (entry.isFile()) out.push(path);
  }
}

/** `schema/` itself must be a real folder (or absent). */
async function workingBase(store: Store): Promise<string> {
  const base = join(store.root, WORKING_DIR);
  const st = await store.fs.promises.lstat(base).catch(() => undefined);
  if (st?.isSymbolicLink()) throw errors.symlink(WORKING_DIR);
  return base;
}

// The paths are joined onto `base` by the listing: its prefix comes off as is (relative() costs more, per file).
const keyOf = (base: string, path: string): string => {
  const key = path.startsWith(base + sep) ? path.slice(base.length + 1) : relative(base, path);
  return sep === '/' ? key : key.split(sep).join('/');
};

/** The working tree's files as blob ids, reusing cached ids where size and mtime match. */
async function scanWorking(store: Store, cache: Readonly<Record<string, StatEntry>>, links?: string[]): Promise<Map<string, StatEntry>> {
  const base = await workingBase(store);
  const paths: string[] = [];
  await listWorking(store, base, paths, links);
  const entries: StatEntry[] = new Array<StatEntry>(paths.length);
  // Several files at a time: a stat each, and a read only where the cache cannot answer. The stat is
  // synchronous: through the thread pool, its round trip costs more than the call (a few times more
  // over thousands of files); reads still overlap.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      const path = paths[i] as string;
      const st = store.fs.lstatSync(path);
      const cached = cache[keyOf(base, path)];
      entries[i] =
        cached !== undefined && cached.size === st.size && cached.mtimeMs === st.mtimeMs
          ? cached
          : { size: st.size, mtimeMs: st.mtimeMs, oid: blobOid(await store.fs.promises.readFile(path)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_PARALLEL, paths.length) }, worker));
  return new Map(paths.map((path, i) => [keyOf(base, path), entries[i] as StatEntry]));
}

/** The working tree as a scan saw it: blob ids, and the stats they were read at (see `recordStats`). */
export interface WorkingScan {
  readonly files: Map<string, string>;
  readonly links: string[];
  readonly stats: ReadonlyMap<string, StatEntry>;
}

/**
 * The working tree as a writer about to replace it sees it: its files as blob ids, and the links
 * in it (relative to `schema/`), which are not followed but listed so that they can be replaced.
 */
export async function scanForReplace(store: Store): Promise<WorkingScan> {
  const links: string[] = [];
  const working = await scanWorking(store, (await readIndex(store))?.stat ?? {}, links);
  const base = join(store.root, WORKING_DIR);
  return { files: new Map([...working].map(([path, entry]) => [path, entry.oid])), links: links.map((l) => keyOf(base, l)), stats: working };
}

/**
 * After a command that rewrote some working files without moving HEAD (a pull), record the stats a
 * scan saw of the files it left alone, so that the next scan stats them instead of reading them.
 * HEAD's part of the index is kept as it was; files just written are racy and go unrecorded until
 * a later scan. Writes nothing when the recorded stats would not change. The caller holds the lock.
 */
export async function recordStats(
  store: Store,
  scan: WorkingScan,
  touched: ReadonlySet<string>,
  catalog?: Readonly<Record<string, CatalogEntry>>,
): Promise<void> {
  const index = await readIndex(store);
  const now = Date.now();
  const stat: Record<string, StatEntry> = {};
  for (const [path, entry] of scan.stats) if (!touched.has(path) && now - entry.mtimeMs > RACY_MS) stat[path] = entry;
  const old = index?.stat ?? {};
  const same = (a: StatEntry, b: StatEntry | undefined) => b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.oid === b.oid;
  const nextCatalog = catalog ?? index?.catalog;
  if (
    sameCatalog(nextCatalog, index?.catalog) &&
    Object.keys(old).length === Object.keys(stat).length &&
    Object.entries(stat).every(([path, entry]) => same(entry, old[path]))
  )
    return;
  // Without an index, commit null says nothing of HEAD's tree unless HEAD is unborn, whose tree is empty.
  const next: IndexFile = {
    version: 1,
    commit: index?.commit ?? null,
    head: index?.head ?? {},
    stat,
    ...(nextCatalog === undefined ? {} : { catalog: nextCatalog }),
  };
  lastRead = undefined;
  await safeFsOf(store).writeFile(join(store.gitdir, INDEX_FILE), JSON.stringify(next), { tmpDir: join(store.gitdir, 'tmp') });
}

function sameCatalog(a: Readonly<Record<string, CatalogEntry>> | undefined, b: Readonly<Record<string, CatalogEntry>> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key] as CatalogEntry;
    const y = b[key];
    return y !== undefined && x[0] === y[0] && x[1] === y[1];
  });
}

/**
 * The files the last pull made of the objects it read (see `IndexFile.catalog`), as a lookup by
 * object key that answers only for files in `working` (path → blob id, as just scanned) unchanged.
 */
export async function catalogLookup(store: Store, working: ReadonlyMap<string, string>): Promise<(key: string) => { path: string; oid: string } | undefined> {
  const catalog = (await readIndex(store))?.catalog ?? {};
  return (key) => {
    const entry = Object.hasOwn(catalog, key) ? catalog[key] : undefined;
    return entry !== undefined && working.get(entry[0]) === entry[1] ? { path: entry[0], oid: entry[1] } : undefined;
  };
}

/** The working tree's files, path → blob id, using the index's stats to skip unchanged files. */
export async function workingEntries(store: Store): Promise<Map<string, string>> {
  const working = await scanWorking(store, (await readIndex(store))?.stat ?? {});
  return new Map([...working].map(([path, entry]) => [path, entry.oid]));
}

/** If the working tree is byte-for-byte HEAD's tree, say where HEAD is; otherwise undefined. */
export async function quickClean(store: Store, scanned?: ReadonlyMap<string, string>): Promise<{ branch: string; commit: string | undefined } | undefined> {
  const [index, head] = await Promise.all([readIndex(store), readHeadFast(store)]);
  if (index === undefined || head === undefined || (head.commit ?? null) !== index.commit) return undefined;
  // The working tree's blob ids, unless the caller has just read them.
  const working = scanned ?? new Map([...(await scanWorking(store, index.stat))].map(([path, entry]) => [path, entry.oid]));
  const expected = Object.entries(index.head);
  if (working.size !== expected.length) return undefined;
  for (const [path, oid] of expected) if (working.get(path) !== oid) return undefined;
  return head;
}

/** HEAD's commit and tree (path → blob id) as the index recorded them, if it was recorded at HEAD; otherwise undefined. */
export async function indexedHead(store: Store): Promise<{ commit: string; entries: ReadonlyMap<string, string> } | undefined> {
  const [index, head] = await Promise.all([readIndex(store), readHeadFast(store)]);
  if (index === undefined || head?.commit === undefined || index.commit !== head.commit) return undefined;
  return { commit: head.commit, entries: new Map(Object.entries(index.head)) };
}

/** Blob ids of files given as text. */
export const fileOids = (files: ReadonlyMap<string, string>): Map<string, string> =>
  new Map([...files].map(([path, text]) => [path, blobOid(Buffer.from(text, 'utf8'))]));

/** Record HEAD's tree (path → blob id) and the working tree's current stats. */
export async function writeIndex(store: Store, commit: string | undefined, headEntries: ReadonlyMap<string, string>): Promise<void> {
  const old = await readIndex(store);
  const working = await scanWorking(store, old?.stat ?? {});
  const now = Date.now();
  const stat: Record<string, StatEntry> = {};
  for (const [path, entry] of working) if (now - entry.mtimeMs > RACY_MS) stat[path] = entry;
  const head: Record<string, string> = Object.fromEntries(headEntries);
  const catalog = old?.catalog;
  const index: IndexFile = { version: 1, commit: commit ?? null, head, stat, ...(catalog === undefined ? {} : { catalog }) };
  lastRead = undefined;
  await safeFsOf(store).writeFile(join(store.gitdir, INDEX_FILE), JSON.stringify(index), { tmpDir: join(store.gitdir, 'tmp') });
}
