import { hostname } from 'node:os';
import { errors } from '../errors.js';
import { jobRunning, type JobRecord } from '../replicate/job-record.js';
import { resyncJob, type ResyncEvent, type ResyncResult } from '../replicate/job-resync.js';
import { isNatsUrl } from '../replicate/nats-url.js';
import { sourceMasking } from './clone.js';
import { findStore, openEndpoint, type OpContext } from './context.js';
import { listJobs, readJob, writeJob } from './replicate-jobs.js';

export type { ResyncEvent, ResyncResult } from '../replicate/job-resync.js';

export interface ResyncOptions {
  readonly job: string;
  /** Tables copied again whatever the comparison says (each table of the job is compared). */
  readonly tables?: readonly string[];
  readonly onEvent?: (e: ResyncEvent) => void;
}

/**
 * Set a stopped job going again after its source lost the changes after its position (a slot
 * invalidated, a binary log purged): a new hand-off, and only the tables that differ from the
 * source at it copied again (replicate/job-resync.ts). Returns the job's record as it is now, so
 * that the caller can stream on with the job's own options.
 */
export async function replicateResync(ctx: OpContext & ResyncOptions): Promise<ResyncResult & { readonly record: JobRecord }> {
  const store = findStore(ctx);
  const record = await readJob(store, ctx.job);
  if (record === undefined)
    throw errors.replicateJobNotFound(
      ctx.job,
      (await listJobs(store)).map((j) => j.job),
    );
  if (jobRunning(record, hostname()) && record.pid !== null) throw errors.replicateJobRunning(ctx.job, record.pid);
  if (isNatsUrl(record.source) || isNatsUrl(record.target))
    throw errors.usage(`replication job ${ctx.job} reads or writes a JetStream stream`, 'resync copies between two databases: drop the job and start it again');
  const source = await openEndpoint(store, record.source, ctx);
  const target = await openEndpoint(store, record.target, ctx);
  const { masker, log } = await sourceMasking(
    store,
    source.name,
    { ...ctx, ...(record.mask === null ? {} : { mask: record.mask.file }), tables: record.tables },
    'replicate',
  );
  try {
    const result = await resyncJob({
      job: record.job,
      source,
      target,
      sourceUrl: record.source,
      tables: record.tables,
      force: ctx.tables,
      masker,
      onEvent: ctx.onEvent,
      signal: ctx.signal,
    });
    const now = new Date().toISOString();
    const tablesState = { ...record.tablesState };
    // A table copied again is the snapshot's: the stream maps it by the columns there (a table compared equal keeps what the stream said of it).
    for (const t of result.recopied) {
      const columns = result.columns[t.table];
      tablesState[t.table] = { changes: tablesState[t.table]?.changes ?? 0, state: 'streaming', ...(columns === undefined ? {} : { columns: [...columns] }) };
    }
    const next: JobRecord = { ...record, phase: 'streaming', position: result.position, tablesState, lastError: null, stoppedAt: now, seenAt: now, pid: null };
    await writeJob(store, next);
    return { ...result, record: next };
  } finally {
    await log();
  }
}
