import { loadAdapter } from '../adapters/registry.js';
import { headCommit, schemaAtHead, type Store } from '../repo/index.js';
import { isEmptySchema, planStatements, type ChangeLine, type Engine, type Operation } from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { findStore, loadRef, type OpContext } from './context.js';

export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly operations: readonly Operation[];
  readonly changes: readonly ChangeLine[];
  /** With `sql`: the statements that would carry the change out on that engine. */
  readonly sql?: readonly string[] | undefined;
  readonly warnings: readonly string[];
}

/** Compare two refs; by default HEAD with the working tree, as `git diff` does. */
export async function diff(ctx: OpContext & { from?: string; to?: string; sql?: Engine }): Promise<DiffResult> {
  const store = findStore(ctx);
  const fromRef = ctx.from ?? 'HEAD';
  const toRef = ctx.to ?? 'working';
  const from = fromRef === 'HEAD' && ctx.from === undefined ? await loadHeadOrEmpty(store, ctx) : await loadRef(store, fromRef, ctx);
  const to = await loadRef(store, toRef, ctx);
  const { operations, lines } = changesBetween(from.schema, to.schema);
  let sql: string[] | undefined;
  if (ctx.sql !== undefined) {
    const adapter = await loadAdapter(ctx.sql);
    sql = planStatements(adapter.dialect.compile({ operations, from: from.schema, to: to.schema }));
  }
  const warnings = isEmptySchema(to.schema) ? [] : nativeWarnings(to.schema);
  return { from: from.label, to: to.label, operations, changes: lines, sql, warnings };
}

async function loadHeadOrEmpty(store: Store, ctx: OpContext) {
  const head = await headCommit(store);
  if (head !== undefined) return loadRef(store, 'HEAD', ctx);
  return { schema: await schemaAtHead(store), label: 'HEAD (no commits yet)' };
}
