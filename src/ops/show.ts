import { readCommitInfo } from '../repo/index.js';
import { loadExpressionTranslator } from '../adapters/expressions/index.js';
import { factsOf, loadAdapter } from '../adapters/registry.js';
import {
  diffSchemas,
  emptySchema,
  limitProblems,
  planStatements,
  translateSchema,
  type ChangeLine,
  type Engine,
  type LimitProblem,
  type Loss,
  type Schema,
} from '../unified/index.js';
import { nativeWarnings } from './changes.js';
import { findStore, loadRef, type OpContext } from './context.js';
import { commitChanges, logEntry, type LogEntry } from './log.js';

/** What `show` of a ref lists, named as diff and log name them. */
export { allObjects, objectId } from '../unified/index.js';

export interface ShowResult {
  readonly ref: string;
  /** Present when the ref names a commit. */
  readonly commit?: LogEntry | undefined;
  /** The commit's changes against its first parent. */
  readonly changes: readonly ChangeLine[];
  readonly schema: Schema;
  readonly warnings: readonly string[];
  /** With `as`: the schema as that engine's DDL, and every lossy choice made to get there. */
  readonly as?:
    | {
        readonly engine: Engine;
        readonly ddl: readonly string[];
        readonly losses: readonly Loss[];
        readonly notes: readonly Loss[];
        readonly limits: readonly LimitProblem[];
      }
    | undefined;
}

/** Render a schema in another engine's DDL (the cross-engine type view). */
export async function renderAs(schema: Schema, engine: Engine): Promise<NonNullable<ShowResult['as']>> {
  const adapter = await loadAdapter(engine);
  const expressions = schema.engine === engine ? undefined : await loadExpressionTranslator(schema.engine, engine);
  const { schema: translated, losses, notes } = translateSchema(schema, factsOf(engine), { expressions });
  const empty = emptySchema(engine);
  const plan = adapter.dialect.compile({ operations: diffSchemas(empty, translated), from: empty, to: translated });
  // What that engine would refuse (names, columns, row sizes): a clone there stops on these.
  const limits = schema.engine === engine ? [] : limitProblems(translated, factsOf(engine));
  return { engine, ddl: planStatements(plan), losses, notes, limits };
}

/** A commit with its changes, or the schema of `working` / `db:<name>`. */
export async function show(ctx: OpContext & { ref?: string; as?: Engine }): Promise<ShowResult> {
  const store = findStore(ctx);
  const ref = ctx.ref ?? 'HEAD';
  const loaded = await loadRef(store, ref, ctx);
  const as = ctx.as === undefined ? undefined : await renderAs(loaded.schema, ctx.as);
  if (loaded.commit === undefined || as !== undefined) {
    return { ref: loaded.label, changes: [], schema: loaded.schema, warnings: nativeWarnings(loaded.schema), as };
  }
  const info = await readCommitInfo(store, loaded.commit);
  const lines = await commitChanges(store, info);
  return { ref: loaded.label, commit: logEntry(info, lines.length), changes: lines, schema: loaded.schema, warnings: nativeWarnings(loaded.schema) };
}
