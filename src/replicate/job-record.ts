import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A replication job as the project knows it, in `.redb/state/replicate/<job>.json`: what it reads
 * and writes (URLs as given, passwords as `${VAR}`), its options, its phase, and what the running
 * process last reported (for `status`). The position itself lives in the target, committed with
 * the rows; nothing here is needed to resume without loss. Validated on every read.
 */

export const JobRecord = z
  .object({
    version: z.literal(1),
    job: z.string(),
    source: z.string(),
    target: z.string(),
    /** Source tables in the job (`name` or `schema.name`); empty: all of them, as when it started. */
    tables: z.array(z.string()),
    mask: z.object({ file: z.string(), policy: z.string(), secret: z.string() }).strict().nullable(),
    allowLossy: z.boolean(),
    createdAt: z.string(),
    /** copying: the initial copy began and has not been recorded in the target; streaming: it has. */
    phase: z.enum(['copying', 'streaming']),
    /** The process that runs it, while it runs. */
    pid: z.number().int().nullable(),
    host: z.string().nullable(),
    /** What the running process last reported. */
    seenAt: z.string().nullable(),
    position: z.string().nullable(),
    transactions: z.number().int(),
    changes: z.number().int(),
    /** Changes per second over the last report period. */
    rate: z.number(),
    /** End-to-end lag (source commit to target commit) over recent transactions, in milliseconds. */
    lagMs: z.object({ p50: z.number(), p99: z.number(), last: z.number() }).strict().nullable(),
    /** Per source table; a paused one says why, and the command that goes on. */
    tablesState: z.record(
      z.string(),
      z
        .object({
          changes: z.number().int(),
          state: z.enum(['copying', 'streaming', 'paused']),
          reason: z.string().optional(),
          command: z.string().optional(),
          /**
           * The table's columns as the job maps them (as the stream last described them, the
           * target following): a run starts from them, not from the source's catalog, so that a
           * change made while the job was stopped, or one a pause left unfollowed, is seen as one.
           */
          columns: z.array(z.object({ name: z.string(), type: z.string(), key: z.boolean() }).strict()).optional(),
          /**
           * The stream has not described the table yet: `columns` are the ones the job maps, as the
           * catalog had them. Their names count (a column dropped while the job was stopped is still
           * known to the target); their types are not the stream's spelling.
           */
          catalog: z.literal(true).optional(),
        })
        .strict(),
    ),
    lastError: z.object({ at: z.string(), code: z.string(), message: z.string() }).strict().nullable(),
    /**
     * Where the stream after the initial copy starts (the hand-off), recorded before the copy's
     * first row: a copy a crash cut short goes on in a later snapshot while the source keeps it.
     */
    copyFrom: z.string().nullable().optional(),
    /**
     * Tables copied (wholly or in part) in a snapshot later than the hand-off: the stream does not
     * apply to them the transactions that snapshot saw, until it is past `until`.
     */
    replay: z.record(z.string(), z.object({ snapshot: z.string(), until: z.string() }).strict()).optional(),
    stoppedAt: z.string().nullable(),
  })
  .strict();
export type JobRecord = z.infer<typeof JobRecord>;

/** Where a running job keeps its record: the project (ops hands it in, so this layer reads no repository). */
export interface JobRecords {
  read(job: string): Promise<JobRecord | undefined>;
  write(record: JobRecord): Promise<void>;
}

/** A job name from the two databases: their bound names where they are short and plain, else a digest of the URLs. */
export function defaultJobName(source: { name: string; url: string }, target: { name: string; url: string }): string {
  const plain = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const a = plain(source.name);
  const b = plain(target.name);
  const joined = `${a}_to_${b}`;
  if (/^[a-z]/.test(a) && a !== '' && b !== '' && joined.length <= 40 && !/[:/]/.test(source.name + target.name)) return joined;
  return `job_${createHash('sha1').update(`${source.url}\u0000${target.url}`).digest('hex').slice(0, 12)}`;
}

/** Whether the process a record names still runs (on this machine; another machine's cannot be told). */
export function jobRunning(record: JobRecord, host: string): boolean {
  if (record.pid === null || record.host !== host) return false;
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
