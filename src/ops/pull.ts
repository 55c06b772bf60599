import { changedSchemas, headCommit, quickClean, updateDbState, readDbState, readWorkingTree, schemaAtHead, writeWorkingTree } from '../repo/index.js';
import { errors } from '../errors.js';
import { allObjects, emptySchema, filesDigest, type ChangeLine } from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { findStore, schemaHash, withDb, type OpContext } from './context.js';

export interface PullResult {
  readonly db: string;
  readonly engine: string;
  readonly objects: number;
  /** The working tree after the pull, compared with HEAD. */
  readonly changes: readonly ChangeLine[];
  readonly warnings: readonly string[];
}

/**
 * Bring a database's live schema into the working tree. Edits made by hand since the last commit
 * would be overwritten, so the pull refuses unless they are only what an earlier pull wrote.
 */
export async function pull(ctx: OpContext & { db: string; discardChanges?: boolean }): Promise<PullResult> {
  const store = findStore(ctx);
  if (!ctx.discardChanges && (await quickClean(store)) === undefined) {
    const [working, headSchema, state] = await Promise.all([readWorkingTree(store), schemaAtHead(store), readDbState(store)]);
    const dirty = changesBetween(headSchema, working).operations.length;
    const onlyPulled = Object.values(state).some((s) => s.pulled === schemaHash(working));
    if (dirty > 0 && !onlyPulled) throw errors.dirtyWorkingTree('pull', dirty);
  }
  const { schema, name, engine } = await withDb(store, ctx.db, ctx, async ({ connection, db }) => ({
    schema: await connection.introspect({ signal: ctx.signal }),
    name: db.name,
    engine: db.engine,
  }));
  const files = await writeWorkingTree(store, schema);
  await updateDbState(store, name, { pulled: filesDigest(files) });
  // Compare with HEAD through blob ids: only what the pull changed is parsed again.
  const headId = await headCommit(store);
  const pair = headId === undefined ? { from: emptySchema(schema.engine), to: schema } : await changedSchemas(store, { commit: headId }, 'working');
  const objects = [...allObjects(schema)].length;
  return { db: name, engine, objects, changes: changesBetween(pair.from, pair.to).lines, warnings: nativeWarnings(schema) };
}
