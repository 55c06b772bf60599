import { headCommit, logFrom, readSchemaAt, resolveCommit, type CommitInfo } from '../repo/index.js';
import { emptySchema } from '../unified/index.js';
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

export async function log(ctx: OpContext & { ref?: string; limit?: number }): Promise<LogEntry[]> {
  const store = findStore(ctx);
  const start = ctx.ref === undefined ? await headCommit(store) : await resolveCommit(store, ctx.ref);
  if (start === undefined) return [];
  const commits = await logFrom(store, start, ctx.limit);
  const out: LogEntry[] = [];
  let next = commits[0] === undefined ? undefined : await readSchemaAt(store, commits[0].id);
  for (let i = 0; i < commits.length; i++) {
    const c = commits[i] as CommitInfo;
    const parent = c.parents[0];
    const parentSchema = parent === undefined ? emptySchema('sqlite') : await readSchemaAt(store, parent);
    out.push(logEntry(c, next === undefined ? 0 : changesBetween(parentSchema, next).lines.length));
    next = parentSchema;
  }
  return out;
}
