import { join } from 'node:path';
import {
  blobOid,
  changedSchemas,
  CONFLICT_SUFFIX,
  headCommit,
  PENDING_RENAMES,
  quickClean,
  readDbState,
  readWorkingTree,
  recordStats,
  runJournaled,
  scanForReplace,
  schemaAtHead,
  WORKING_DIR,
  workingEntries,
  workingSteps,
  type Change,
  type Store,
} from '../repo/index.js';
import { errors } from '../errors.js';
import { allObjects, emptySchema, entriesDigest, schemaToFiles, type ChangeLine } from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { findStore, schemaHash, withDb, type OpContext } from './context.js';
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

/**
 * Bring a database's live schema into the working tree. The database is read first, without the
 * lock; the files are then written under it, in one journal (see repo/journal.ts), so a kill leaves
 * the old tree or the new one, never a mix of both or half a file. Like git's index, the working
 * tree is compared by blob ids and file stats: only files that changed are read or written, and a
 * pull that changes nothing writes nothing.
 */
export async function pull(ctx: OpContext & { db: string; discardChanges?: boolean }): Promise<PullResult> {
  const found = findStore(ctx);
  // Before connecting, to fail fast; under the lock it counts, and is checked again if the files changed meanwhile.
  const checked = ctx.discardChanges ? undefined : await workingEntries(found);
  if (checked !== undefined) await refuseDirty(found, checked);
  const { schema, name, engine } = await withDb(found, ctx.db, ctx, async ({ connection, db }) => ({
    schema: await connection.introspect({ signal: ctx.signal }),
    name: db.name,
    engine: db.engine,
  }));
  return writing(ctx, `pull ${ctx.db}`, async (store) => {
    const scanned = await scanForReplace(store);
    if (checked !== undefined && (scanned.links.length > 0 || !sameEntries(checked, scanned.files)))
      await refuseDirty(store, scanned.links.length > 0 ? undefined : scanned.files);
    const files = schemaToFiles(schema);
    const oids = new Map([...files].map(([path, text]) => [path, blobOid(Buffer.from(text, 'utf8'))]));
    const steps: Change[] = await workingSteps(store, new Map([...files].map(([path, text]) => [path, { text, oid: oids.get(path) as string }])), { scanned });
    // Renames recorded by hand describe edits that are being discarded.
    if (ctx.discardChanges && store.fs.lstatSync(join(store.root, WORKING_DIR, PENDING_RENAMES), { throwIfNoEntry: false }) !== undefined)
      steps.push({ remove: PENDING_RENAMES });
    const pulled = entriesDigest(oids);
    if (steps.length > 0 || (await readDbState(store))[name]?.pulled !== pulled) steps.push({ database: name, pulled });
    await runJournaled(store, 'pull', steps);
    // The next pull stats the files this one left alone instead of reading them; a cache, so never a failure.
    const touched = new Set(steps.flatMap((s) => ('write' in s ? [s.write] : 'remove' in s ? [s.remove] : [])));
    await recordStats(store, scanned, touched).catch(() => undefined);
    // Compare with HEAD through blob ids: only what the pull changed is parsed, from the texts just written.
    const headId = await headCommit(store);
    const pair =
      headId === undefined ? { from: emptySchema(schema.engine), to: schema } : await changedSchemas(store, { commit: headId }, { written: files, oids });
    const objects = [...allObjects(schema)].length;
    return { db: name, engine, objects, changes: changesBetween(pair.from, pair.to).lines, head: headId, warnings: nativeWarnings(schema) };
  });
}
