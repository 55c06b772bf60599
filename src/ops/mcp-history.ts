import { headCommit, logFrom, resolveCommit } from '../repo/index.js';
import type { ChangeLine } from '../unified/index.js';
import { findStore, type OpContext } from './context.js';
import { commitChanges, logEntry, type LogEntry } from './log.js';

export interface HistoryEntry extends LogEntry {
  /** The objects the commit changed, against its first parent. */
  readonly changed: readonly ChangeLine[];
}

/** The log with each commit's changed objects (what `redb log` counts, listed). */
export async function history(ctx: OpContext & { ref?: string; limit?: number }): Promise<HistoryEntry[]> {
  const store = findStore(ctx);
  const start = ctx.ref === undefined ? await headCommit(store) : await resolveCommit(store, ctx.ref);
  if (start === undefined) return [];
  const out: HistoryEntry[] = [];
  for (const c of await logFrom(store, start, ctx.limit)) {
    const changed = await commitChanges(store, c);
    out.push({ ...logEntry(c, changed.length), changed });
  }
  return out;
}
