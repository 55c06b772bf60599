import { describeOperation, diffSchemas, type ChangeLine, type NativeObject, type Operation, type Schema } from '../unified/index.js';

export interface Changes {
  readonly operations: readonly Operation[];
  readonly lines: readonly ChangeLine[];
}

export function changesBetween(from: Schema, to: Schema): Changes {
  const operations = diffSchemas(from, to);
  return { operations, lines: operations.map(describeOperation) };
}

/** What the model keeps only as native text: listed wherever it matters, never dropped in silence. */
export const nativeWarnings = (schema: Schema): string[] =>
  schema.natives.map((n: NativeObject) => `${n.type} ${n.schema === undefined ? '' : `${n.schema}.`}${n.name} is kept as native DDL${n.reason === undefined ? '' : ` (${n.reason})`}`);
