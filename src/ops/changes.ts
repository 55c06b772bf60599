import {
  applyRenames,
  describeOperation,
  diffSchemas,
  suggestRenames,
  type ChangeLine,
  type NativeObject,
  type Operation,
  type Rename,
  type RenameSuggestion,
  type Schema,
} from '../unified/index.js';

export interface Changes {
  readonly operations: readonly Operation[];
  readonly lines: readonly ChangeLine[];
  /** The `from` side with the recorded renames applied: what a compiler plans from. */
  readonly from: Schema;
  /** Drops and adds that look like renames nobody recorded. */
  readonly suggestions: readonly RenameSuggestion[];
}

/** The diff of two models, recorded renames first (see unified/renames.ts). */
export function changesBetween(from: Schema, to: Schema, renames: readonly Rename[] = []): Changes {
  const renamed = applyRenames(from, to, renames);
  const rest = diffSchemas(renamed.from, to);
  const operations = [...renamed.operations, ...rest];
  return { operations, lines: operations.map(describeOperation), from: renamed.from, suggestions: suggestRenames(rest) };
}

/** What the model keeps only as native text: listed wherever it matters, never dropped in silence. */
export const nativeWarnings = (schema: Schema): string[] =>
  schema.natives.map(
    (n: NativeObject) =>
      `${n.type} ${n.schema === undefined ? '' : `${n.schema}.`}${n.name} is kept as native DDL${n.reason === undefined ? '' : ` (${n.reason})`}`,
  );
