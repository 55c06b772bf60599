import { loadAdapter } from '../adapters/registry.js';
import { isEmptySchema, planStatements, type ChangeLine, type Engine, type Operation, type RenameSuggestion } from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { findStore, loadPair, renamesFor, resolveSide, type OpContext } from './context.js';

export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly operations: readonly Operation[];
  readonly changes: readonly ChangeLine[];
  /** With `sql`: the statements that would carry the change out on that engine. */
  readonly sql?: readonly string[] | undefined;
  readonly warnings: readonly string[];
  /** Drops and adds that look like renames; `redb mv` records them. */
  readonly suggestions: readonly RenameSuggestion[];
}

/** Compare two refs; by default HEAD with the working tree, as `git diff` does. */
export async function diff(ctx: OpContext & { from?: string; to?: string; sql?: Engine }): Promise<DiffResult> {
  const store = findStore(ctx);
  const [a, b] = await Promise.all([resolveSide(store, ctx.from ?? 'HEAD', ctx), resolveSide(store, ctx.to ?? 'working', ctx)]);
  // Compiling SQL needs the whole models (a SQLite rebuild re-creates a table's triggers, views are ordered...).
  const { from, to } = await loadPair(store, a, b, ctx.sql !== undefined);
  const changes = changesBetween(from, to, await renamesFor(store, a, b));
  let sql: string[] | undefined;
  if (ctx.sql !== undefined) {
    const adapter = await loadAdapter(ctx.sql);
    sql = planStatements(adapter.dialect.compile({ operations: changes.operations, from: changes.from, to }));
  }
  const warnings = isEmptySchema(to) ? [] : nativeWarnings(to);
  return { from: a.label, to: b.label, operations: changes.operations, changes: changes.lines, sql, warnings, suggestions: changes.suggestions };
}
