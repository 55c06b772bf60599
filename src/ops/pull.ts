import { updateDbState, readDbState, readWorkingTree, schemaAtHead, writeWorkingTree } from '../repo/index.js';
import { errors } from '../errors.js';
import type { ChangeLine } from '../unified/index.js';
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
  const [working, head, state] = await Promise.all([readWorkingTree(store), schemaAtHead(store), readDbState(store)]);
  const dirty = changesBetween(head, working).operations.length;
  if (dirty > 0 && !ctx.discardChanges) {
    const hash = schemaHash(working);
    const onlyPulled = Object.values(state).some((s) => s.pulled === hash);
    if (!onlyPulled) throw errors.dirtyWorkingTree('pull', dirty);
  }
  const { schema, name, engine } = await withDb(store, ctx.db, ctx, async ({ connection, db }) => ({
    schema: await connection.introspect({ signal: ctx.signal }),
    name: db.name,
    engine: db.engine,
  }));
  await writeWorkingTree(store, schema);
  await updateDbState(store, name, { pulled: schemaHash(schema) });
  const objects = schema.tables.length + schema.views.length + schema.triggers.length + schema.routines.length + schema.sequences.length + schema.enums.length + schema.domains.length + schema.composites.length + schema.extensions.length + schema.natives.length + schema.namespaces.length;
  return { db: name, engine, objects, changes: changesBetween(head, schema).lines, warnings: nativeWarnings(schema) };
}
