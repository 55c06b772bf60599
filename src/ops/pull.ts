import { join } from 'node:path';
import {
  blobOid,
  catalogLookup,
  changedSchemas,
  CONFLICT_SUFFIX,
  headCommit,
  indexedHead,
  PENDING_RENAMES,
  quickClean,
  readDbState,
  readHeadFast,
  readWorkingTree,
  recordStats,
  runJournaled,
  scanForReplace,
  schemaAtHead,
  WORKING_DIR,
  workingSteps,
  type CatalogEntry,
  type Change,
  type FileSource,
  type Store,
  type WorkingScan,
} from '../repo/index.js';
import { errors } from '../errors.js';
import {
  allObjects,
  emptySchema,
  entriesDigest,
  knownObjects,
  objectPath,
  schemaToFiles,
  type ChangeLine,
  type KnownObjects,
  type Schema,
} from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import type { Connection } from '../adapters/adapter.js';
import { findStore, resolveDb, schemaHash, withDb, type OpContext, type ResolvedDb } from './context.js';
import { type EarlyRead, takeIfFor } from './pull-early.js';
import { writing } from './find-store.js';

export interface PullResult {
  readonly db: string;
  readonly engine: string;
  readonly objects: number;
  /** The working tree after the pull, compared with HEAD. */
  readonly changes: readonly ChangeLine[];
  /** HEAD's commit; undefined before the first commit. */
  readonly head?: string | undefined;
  readonly warnings: readonly string[];
}

/** The digest a pull records of the files it wrote (see `pulled`), of a scan of the working tree. */
const scannedDigest = (scanned: ReadonlyMap<string, string>): string =>
  entriesDigest(new Map([...scanned].filter(([path]) => !path.endsWith(CONFLICT_SUFFIX))));

/** Edits made by hand since the last commit would be overwritten: refused unless they are only what an earlier pull wrote. */
async function refuseDirty(store: Store, scanned?: ReadonlyMap<string, string>): Promise<void> {
  if ((await quickClean(store, scanned)) !== undefined) return;
  const state = await readDbState(store);
  // The files are byte for byte what a pull wrote: nothing to parse (the repeated pull's usual case).
  if (scanned !== undefined) {
    const digest = scannedDigest(scanned);
    if (Object.values(state).some((s) => s.pulled === digest)) return;
  }
  const [working, headSchema] = await Promise.all([readWorkingTree(store), schemaAtHead(store)]);
  const dirty = changesBetween(headSchema, working).operations.length;
  const onlyPulled = Object.values(state).some((s) => s.pulled === schemaHash(working));
  if (dirty > 0 && !onlyPulled) throw errors.dirtyWorkingTree('pull', dirty);
}

const sameEntries = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean =>
  a.size === b.size && [...a].every(([path, oid]) => b.get(path) === oid);

/** What a pull read: the schema of the objects it canonicalised, and the files it knew already (see unified/known-objects.ts). */
interface Read {
  readonly schema: Schema;
  readonly known?: KnownObjects | undefined;
  readonly name: string;
  readonly engine: string;
}

/**
 * Bring a database's live schema into the working tree. The database is read first, without the
 * lock; the files are then written under it, in one journal (see repo/journal.ts), so a kill leaves
 * the old tree or the new one, never a mix of both or half a file. Like git's index, the working
 * tree is compared by blob ids and file stats: only files that changed are read or written, and a
 * pull that changes nothing writes nothing. An object the catalog gives back as last time, whose file
 * is still as that pull left it, is not canonicalised again: its file is already right.
 */
export async function pull(ctx: OpContext & { db: string; discardChanges?: boolean; early?: EarlyRead | undefined }): Promise<PullResult> {
  let early = ctx.early;
  try {
    return await pullWith(ctx, () => {
      const taken = early;
      early = undefined;
      return taken;
    });
  } finally {
    // Not taken: the pull stopped before reading, or read another way.
    await early?.close();
  }
}

async function pullWith(ctx: OpContext & { db: string; discardChanges?: boolean }, takeEarly: () => EarlyRead | undefined): Promise<PullResult> {
  // The catalog read ends its snapshot in the string it sends, so closing is only the server's
  // goodbye (a round trip): awaited once the pull is done, not before it compares and writes.
  const closing: Promise<unknown>[] = [];
  try {
    return await pullRead(ctx, takeEarly, closing);
  } finally {
    await Promise.all(closing);
  }
}

async function pullRead(
  ctx: OpContext & { db: string; discardChanges?: boolean },
  takeEarly: () => EarlyRead | undefined,
  closing: Promise<unknown>[],
): Promise<PullResult> {
  const found = findStore(ctx);
  // Before connecting, to fail fast; a pull that writes checks again under the lock if the files
  // changed meanwhile. Discarding changes, links in schema/ are replaced, not refused: they are
  // listed, not followed.
  const checked = await scanForReplace(found);
  const link = checked.links[0];
  if (!ctx.discardChanges && link !== undefined) throw errors.symlink(`${WORKING_DIR}/${link}`);
  if (!ctx.discardChanges) await refuseDirty(found, checked.files);
  // Known files are left out of the schema; before the first commit, the changes against the empty
  // tree are every object, so the whole schema is read.
  const known = (await readHeadFast(found))?.commit === undefined ? undefined : knownObjects(await catalogLookup(found, checked.files));
  const read = async (known?: KnownObjects): Promise<Read> => {
    const use = async ({ connection, db }: { connection: Connection; db: ResolvedDb }) => ({
      schema: await connection.introspect({ signal: ctx.signal, ...(known === undefined ? {} : { known }) }),
      known,
      name: db.name,
      engine: db.engine,
    });
    // The read sent at start-up (pull-early.ts) serves, if it went to the database resolved now.
    const taken = takeEarly();
    const db = taken === undefined ? undefined : await resolveDb(found, ctx.db, ctx.cwd);
    const early = db === undefined ? undefined : await takeIfFor(taken, db);
    if (early === undefined || db === undefined) return withDb(found, ctx.db, ctx, use);
    const connection = await early.open();
    try {
      return await use({ connection, db });
    } finally {
      // What was read is read: a failure to say goodbye does not undo it.
      closing.push(connection.close().catch(() => undefined));
    }
  };
  const first = await read(known);
  return writing(ctx, `pull ${ctx.db}`, async (store) => {
    const fastHead = await readHeadFast(store);
    const headId = fastHead === undefined ? await headCommit(store) : fastHead.commit;
    // A known file that changed meanwhile, or HEAD gone: read again, in full.
    const stale = (r: Read, scanned: WorkingScan) =>
      r.known !== undefined &&
      r.known.reused.length > 0 &&
      (headId === undefined || r.known.reused.some(({ file }) => scanned.files.get(file.path) !== file.oid || scanned.links.includes(file.path)));
    const state = await readDbState(store);
    // What the pull would write over the tree as `scanned` saw it.
    const plan = async (r: Read, scanned: WorkingScan) => {
      const files = schemaToFiles(r.schema);
      const oids = new Map([...files].map(([path, text]) => [path, blobOid(Buffer.from(text, 'utf8'))]));
      for (const { file } of r.known?.reused ?? []) oids.set(file.path, file.oid);
      const next = new Map<string, FileSource>([...files].map(([path, text]) => [path, { text, oid: oids.get(path) as string }]));
      for (const { file } of r.known?.reused ?? []) next.set(file.path, { blob: file.oid });
      const steps: Change[] = await workingSteps(store, next, { scanned });
      // Renames recorded by hand describe edits that are being discarded.
      if (ctx.discardChanges && store.fs.lstatSync(join(store.root, WORKING_DIR, PENDING_RENAMES), { throwIfNoEntry: false }) !== undefined)
        steps.push({ remove: PENDING_RENAMES });
      const pulled = entriesDigest(oids);
      if (steps.length > 0 || state[r.name]?.pulled !== pulled) steps.push({ database: r.name, pulled });
      return { read: r, files, oids, steps };
    };
    // A pull that writes nothing over the tree it scanned before the lock is done with that scan: it
    // reads and reports, as if it had run whole before any change made since. One that writes
    // replaces what the tree holds now, scanned again under the lock.
    let scanned = checked;
    let planned = await plan(stale(first, scanned) ? await read() : first, scanned);
    if (planned.steps.length > 0) {
      scanned = await scanForReplace(store);
      if (!ctx.discardChanges && (scanned.links.length > 0 || !sameEntries(checked.files, scanned.files)))
        await refuseDirty(store, scanned.links.length > 0 ? undefined : scanned.files);
      const moved = !sameEntries(checked.files, scanned.files) || scanned.links.join('\0') !== checked.links.join('\0');
      if (moved) planned = await plan(stale(planned.read, scanned) ? await read() : planned.read, scanned);
    }
    const { read: done, files, oids, steps } = planned;
    const { schema, known: used, name, engine } = done;
    const reused = used?.reused ?? [];
    await runJournaled(store, 'pull', steps);
    // The next pull stats the files this one left alone instead of reading them, and knows which
    // objects gave which files; a cache, so never a failure.
    const touched = new Set(steps.flatMap((s) => ('write' in s ? [s.write] : 'remove' in s ? [s.remove] : [])));
    await recordStats(store, scanned, touched, used === undefined ? undefined : catalogOf(schema, used, oids)).catch(() => undefined);
    // Compare with HEAD through blob ids: only what the pull changed is parsed, from the texts just
    // written (or, for files it left as they were, read back); when the index shows HEAD's tree to be
    // these very files, nothing is.
    const indexed = await indexedHead(store);
    const changes =
      indexed !== undefined && indexed.commit === headId && sameEntries(indexed.entries, oids)
        ? []
        : changesOf(
            headId === undefined ? { from: emptySchema(schema.engine), to: schema } : await changedSchemas(store, { commit: headId }, { written: files, oids }),
          );
    const objects = [...allObjects(schema)].length + reused.length;
    return { db: name, engine, objects, changes, head: headId, warnings: nativeWarnings(schema) };
  });
}

const changesOf = (pair: { from: Schema; to: Schema }): readonly ChangeLine[] => changesBetween(pair.from, pair.to).lines;

/** The index's record of which object gave which file: the files it knew, and those it canonicalised. */
function catalogOf(schema: Schema, known: KnownObjects, oids: ReadonlyMap<string, string>): Record<string, CatalogEntry> {
  const catalog: Record<string, CatalogEntry> = {};
  for (const { key, file } of known.reused) catalog[key] = [file.path, file.oid];
  for (const { kind, object } of allObjects(schema)) {
    const key = known.keys.get(object);
    const path = objectPath(kind, object);
    const oid = oids.get(path);
    if (key !== undefined && oid !== undefined) catalog[key] = [path, oid];
  }
  return catalog;
}
