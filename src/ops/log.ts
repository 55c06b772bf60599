import { errors } from '../errors.js';
import { changedSchemas, headCommit, logFrom, readSchemaAt, resolveCommit, type CommitInfo, type Store } from '../repo/index.js';
import { emptySchema, parseRenameTrailers, type ChangeLine } from '../unified/index.js';
import type { SignatureCheck } from '../repo/signature-check.js';
import { changesBetween } from './changes.js';
import { findStore, type OpContext } from './context.js';

export interface LogEntry {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: string;
  readonly email: string;
  /** ISO 8601. */
  readonly date: string;
  /** Number of object-level changes against the first parent. */
  readonly changes: number;
  /** With `showSignature`: what the commit's signatures say against the trust document. */
  readonly signature?: SignatureCheck;
}

/** A commit's changes against its first parent, reading only the objects that differ. */
export async function commitChanges(store: Store, c: CommitInfo): Promise<ChangeLine[]> {
  const parent = c.parents[0];
  if (parent === undefined) {
    const schema = await readSchemaAt(store, c.id);
    return [...changesBetween(emptySchema(schema.engine), schema).lines];
  }
  const { from, to } = await changedSchemas(store, { commit: parent }, { commit: c.id });
  return [...changesBetween(from, to, parseRenameTrailers(c.message)).lines];
}

export const logEntry = (c: CommitInfo, changes: number): LogEntry => ({
  id: c.id,
  parents: c.parents,
  message: c.message,
  author: c.author.name,
  email: c.author.email,
  date: new Date(c.author.timestamp * 1000).toISOString(),
  changes,
});

export async function log(ctx: OpContext & { ref?: string; limit?: number; showSignature?: boolean }): Promise<LogEntry[]> {
  if (ctx.limit !== undefined && !(Number.isSafeInteger(ctx.limit) && ctx.limit >= 0))
    throw errors.usage(`the number of commits to show must be 0 or more, not ${ctx.limit}`);
  const store = findStore(ctx);
  const start = ctx.ref === undefined ? await headCommit(store) : await resolveCommit(store, ctx.ref);
  if (start === undefined) return [];
  const commits = await logFrom(store, start, ctx.limit);
  const out: LogEntry[] = [];
  for (const c of commits) out.push(logEntry(c, (await commitChanges(store, c)).length));
  if (ctx.showSignature !== true) return out;
  const verifier = await (await import('./signatures.js')).signatureVerifier(store, ctx.env ?? process.env);
  const signed: LogEntry[] = [];
  for (const e of out) signed.push({ ...e, signature: await verifier.check(e.id) });
  await verifier.done();
  return signed;
}
