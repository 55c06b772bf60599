import { readCommitInfo, readSchemaAt } from '../repo/index.js';
import { emptySchema, type ChangeLine, type Schema } from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { findStore, loadRef, type OpContext } from './context.js';
import { logEntry, type LogEntry } from './log.js';

export interface ShowResult {
  readonly ref: string;
  /** Present when the ref names a commit. */
  readonly commit?: LogEntry | undefined;
  /** The commit's changes against its first parent. */
  readonly changes: readonly ChangeLine[];
  readonly schema: Schema;
  readonly warnings: readonly string[];
}

/** A commit with its changes, or the schema of `working` / `db:<name>`. */
export async function show(ctx: OpContext & { ref?: string }): Promise<ShowResult> {
  const store = findStore(ctx);
  const ref = ctx.ref ?? 'HEAD';
  const loaded = await loadRef(store, ref, ctx);
  if (loaded.commit === undefined) {
    return { ref: loaded.label, changes: [], schema: loaded.schema, warnings: nativeWarnings(loaded.schema) };
  }
  const info = await readCommitInfo(store, loaded.commit);
  const parent = info.parents[0];
  const before = parent === undefined ? emptySchema(loaded.schema.engine) : await readSchemaAt(store, parent);
  const { lines } = changesBetween(before, loaded.schema);
  return { ref: loaded.label, commit: logEntry(info, lines.length), changes: lines, schema: loaded.schema, warnings: nativeWarnings(loaded.schema) };
}
