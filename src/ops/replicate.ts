import { hostname } from 'node:os';
import { captureKind, loadChanges, validateJobName, type CaptureStatus, type OwnedObject } from '../adapters/changes.js';
import { openChangeTarget, type StoredPosition } from '../adapters/change-apply.js';
import { redactUrl } from '../adapters/url.js';
import { errors, isRedbError } from '../errors.js';
import { defaultJobName, jobRunning, type JobRecord } from '../replicate/job-record.js';
import { jobRecords, listJobs, readJob, removeJob } from './replicate-jobs.js';
import { renamesBetween } from '../repo/renames.js';
import { runJob, type JobEvent, type JobResult } from '../replicate/job.js';
import type { Endpoint } from '../replicate/endpoint.js';
import { isNatsUrl } from '../replicate/nats-url.js';
import type { TargetShapePlan } from '../replicate/target-shape.js';
import { sourceMasking } from './clone.js';
import { findStore, openEndpoint, type OpContext } from './context.js';

export type { JobEvent, JobResult } from '../replicate/job.js';
export type { TargetShapePlan } from '../replicate/target-shape.js';

export interface ReplicateOptions {
  /** Bound names or database URLs. */
  readonly source: string;
  readonly target: string;
  readonly tables?: readonly string[];
  readonly mask?: string;
  readonly allowLossy?: boolean;
  /** Follow columns dropped on the source by dropping them on the target (else that table pauses). */
  readonly allowDrops?: boolean;
  /** The job's name (default: from the two databases' names). */
  readonly name?: string;
  /** An idle source reports its position this often (ms). */
  readonly heartbeatMs?: number;
  /** Apply a plan that brings the target's existing tables to the source's shape without asking. */
  readonly yes?: boolean;
  /** Asks a person to confirm that plan; absent where nobody can be asked (the core never prompts). */
  readonly confirm?: (plan: TargetShapePlan) => Promise<boolean>;
  readonly onEvent?: (e: JobEvent) => void;
}

/**
 * Replicate a database into another, in the foreground: the initial copy, then every committed
 * change, until the signal aborts (at a transaction boundary). The same call again resumes.
 * Jobs live in the project (.redb/state/replicate/), so a project is needed.
 */
export async function replicate(ctx: OpContext & ReplicateOptions): Promise<JobResult> {
  const store = findStore(ctx);
  if (isNatsUrl(ctx.source) || isNatsUrl(ctx.target)) return (await import('./replicate-nats.js')).replicateNats(ctx, store);
  const source = await openEndpoint(store, ctx.source, ctx);
  const target = await openEndpoint(store, ctx.target, ctx);
  const job =
    ctx.name === undefined ? defaultJobName({ name: source.name, url: source.db.url }, { name: target.name, url: target.db.url }) : validateJobName(ctx.name);
  // The project's access policy decides whether the local user may replicate the source, and which
  // tables and columns go clear, masked or not at all (as for clone); refusals are logged.
  const { masker, log } = await sourceMasking(store, source.name, ctx, 'replicate');
  try {
    return await runJob({
      records: jobRecords(store),
      renamesTo: (commit) => renamesBetween(store, undefined, commit),
      job,
      source,
      target,
      sourceUrl: source.db.url,
      targetUrl: target.db.url,
      tables: ctx.tables,
      masker,
      allowLossy: ctx.allowLossy,
      allowDrops: ctx.allowDrops,
      heartbeatMs: ctx.heartbeatMs,
      copyBatchRows: copyBatchRows((ctx.env ?? process.env).REDB_REPLICATE_COPY_ROWS),
      yes: ctx.yes,
      confirm: ctx.confirm,
      daemon: (ctx.env ?? process.env).REDB_DAEMON_JOB !== undefined,
      onEvent: ctx.onEvent,
      signal: ctx.signal,
    });
  } finally {
    await log();
  }
}

/** REDB_REPLICATE_COPY_ROWS: rows per batch of the initial copy (its page chunks hold about 50 batches); a tuning knob, ignored unless a positive whole number. */
function copyBatchRows(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

export interface JobStatus {
  readonly job: string;
  readonly source: string;
  readonly target: string;
  /** running: its process is alive; copying: stopped during the initial copy; failed: stopped by an error; stopped. */
  readonly state: 'running' | 'copying' | 'stopped' | 'failed';
  readonly pid: number | null;
  /** The position committed in the target, and when. */
  readonly position: string | null;
  readonly appliedAt: string | null;
  readonly transactions: number;
  readonly changes: number;
  readonly rate: number;
  readonly lagMs: JobRecord['lagMs'];
  readonly tables: JobRecord['tablesState'];
  readonly lastError: JobRecord['lastError'];
  /** Whether the job ran on after its last error (so it is history, not its state). */
  readonly recovered: boolean;
  /** The source's side: its log's head, what it was told is done, the log it keeps for the job. */
  readonly capture: CaptureStatus | null;
  /** What could not be read (a server down, a file another process holds). */
  readonly problems: readonly string[];
  /** The source lost the changes after the job's position: the error the job stops with, and the command that goes on. */
  readonly resync: { readonly code: 'REDB_REPLICATE_RESYNC_NEEDED'; readonly message: string; readonly command: string } | null;
}

export interface ReplicateStatus {
  readonly jobs: readonly JobStatus[];
  /** What redb made on the jobs' sources for jobs this project does not have (left by a dropped project, or another machine's). */
  readonly unowned: readonly (OwnedObject & { readonly source: string })[];
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] as string;

async function statusOf(ctx: OpContext, store: ReturnType<typeof findStore>, record: JobRecord): Promise<JobStatus> {
  const problems: string[] = [];
  let stored: StoredPosition | undefined;
  let capture: CaptureStatus | null = null;
  const running = jobRunning(record, hostname());
  // A JetStream stream on either side has no position table or capture to ask (its publisher's place is the stream's).
  if (!isNatsUrl(record.target)) {
    try {
      const target = await openEndpoint(store, record.target, ctx);
      const t = await openChangeTarget(target.engine, target.target);
      try {
        stored = await t.readPosition(record.job);
      } finally {
        await t.close();
      }
    } catch (e) {
      // A single-writer file (DuckDB) is held by the job that writes it: that is no problem to report.
      const heldByJob = running && record.pid !== null && firstLine(e).includes(`PID ${record.pid})`);
      if (!heldByJob) problems.push(`target: ${firstLine(e)}`);
    }
  }
  if (!isNatsUrl(record.source)) {
    try {
      const source = await openEndpoint(store, record.source, ctx);
      const c = await (await loadChanges(source.engine)).open(source.target, record.job);
      try {
        capture = await c.status();
      } finally {
        await c.close();
      }
    } catch (e) {
      problems.push(`source: ${firstLine(e)}`);
    }
  }
  // An error recorded when the job stopped (not one a retry got past earlier) is what stopped it.
  const failed = record.lastError !== null && record.stoppedAt !== null && record.lastError.at >= record.stoppedAt;
  // One a run reported past since is history: shown as such, not as what is wrong now.
  const recovered = record.lastError !== null && !failed && record.seenAt !== null && record.seenAt > record.lastError.at;
  const state = running ? 'running' : stored === undefined && record.phase === 'copying' ? 'copying' : failed ? 'failed' : 'stopped';
  return {
    job: record.job,
    source: redactUrl(record.source),
    target: redactUrl(record.target),
    state,
    pid: running ? record.pid : null,
    position: stored?.position ?? record.position,
    appliedAt: stored?.appliedAt ?? null,
    transactions: record.transactions,
    changes: record.changes,
    rate: running ? record.rate : 0,
    lagMs: record.lagMs,
    // The columns a run starts from are the job's own bookkeeping, not part of its status.
    tables: Object.fromEntries(Object.entries(record.tablesState).map(([id, { columns: _columns, catalog: _catalog, ...table }]) => [id, table])),
    lastError: record.lastError,
    recovered,
    capture,
    problems,
    resync: resyncNeeded(record, capture),
  };
}

function resyncNeeded(record: JobRecord, capture: CaptureStatus | null): JobStatus['resync'] {
  const stoppedBy = record.lastError?.code === 'REDB_REPLICATE_RESYNC_NEEDED' ? record.lastError.message : undefined;
  if (capture?.lost === undefined && stoppedBy === undefined) return null;
  const e = errors.replicateResyncNeeded(record.job, redactUrl(record.source), capture?.lost ?? stoppedBy ?? '');
  return { code: e.code, message: capture?.lost === undefined ? (stoppedBy as string) : e.message, command: e.data.command };
}

/** The project's jobs (or one), each with what its target and source say now. */
export async function replicateStatus(ctx: OpContext & { readonly job?: string }): Promise<ReplicateStatus> {
  const store = findStore(ctx);
  const all = await listJobs(store);
  const records = ctx.job === undefined ? all : all.filter((j) => j.job === ctx.job);
  if (ctx.job !== undefined && records.length === 0)
    throw errors.replicateJobNotFound(
      ctx.job,
      all.map((j) => j.job),
    );
  const jobs: JobStatus[] = [];
  for (const r of records) jobs.push(await statusOf(ctx, store, r));
  const known = new Set(all.map((j) => j.job));
  const unowned: (OwnedObject & { source: string })[] = [];
  for (const url of new Set(records.map((r) => r.source).filter((u) => !isNatsUrl(u)))) {
    try {
      const source = await openEndpoint(store, url, ctx);
      if (captureKind(source.engine) === 'none') continue;
      for (const o of await (await loadChanges(source.engine)).listOwned(source.target)) if (!known.has(o.job)) unowned.push({ ...o, source: redactUrl(url) });
    } catch (e) {
      if (!isRedbError(e)) throw e;
    }
  }
  return { jobs, unowned };
}

/** Remove a stopped job: what it made on its source (slot, publication, triggers), its position in the target, and its record. */
export async function replicateDrop(
  ctx: OpContext & { readonly job: string; readonly waitMs?: number; readonly force?: boolean },
): Promise<{ readonly job: string; readonly removed: readonly string[]; readonly kept: readonly string[]; readonly left: readonly string[] }> {
  const store = findStore(ctx);
  let record = await readJob(store, ctx.job);
  if (record === undefined)
    throw errors.replicateJobNotFound(
      ctx.job,
      (await listJobs(store)).map((j) => j.job),
    );
  // A job the daemon was just told to stop may take a moment to reach its transaction boundary.
  const deadline = Date.now() + (ctx.waitMs ?? 0);
  while (jobRunning(record, hostname()) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    record = (await readJob(store, ctx.job)) ?? record;
  }
  if (jobRunning(record, hostname()) && record.pid !== null) throw errors.replicateJobRunning(ctx.job, record.pid);
  // Both ends are resolved (names, variables, sealed secrets) before anything is removed: a URL that cannot be
  // filled in stops the drop with nothing changed, not after the source's slot or triggers are gone.
  const source = isNatsUrl(record.source) ? undefined : await openEndpoint(store, record.source, ctx);
  const target = isNatsUrl(record.target) ? undefined : await openEndpoint(store, record.target, ctx);
  // A stream may feed consumers of other projects and machines: the publisher's drop leaves it, and says so.
  const stream = target === undefined ? (await import('../replicate/nats-url.js')).parseNatsUrl(record.target, ctx.env ?? process.env).name : undefined;
  const removed: string[] = [];
  // What an unreachable side holds: refused (nothing more removed), or with --force forgotten and listed.
  const left: string[] = [];
  const reach = async (side: 'source' | 'target', what: string, drop: () => Promise<void>) => {
    try {
      await drop();
    } catch (e) {
      if (!isRedbError(e, 'REDB_DB_UNREACHABLE') && !isRedbError(e, 'REDB_NATS_UNREACHABLE')) throw e;
      if (ctx.force !== true) throw errors.replicateDropUnreachable(record.job, side, e.message, removed).because(e);
      left.push(what);
    }
  };
  const recordedRecord = record;
  await reach('source', `what ${record.job} made on ${redactUrl(record.source)}`, async () => {
    if (source === undefined) await (await import('./replicate-nats.js')).dropNatsConsumer(ctx, recordedRecord, removed);
    else await dropCapture(source, recordedRecord, removed);
  });
  if (target !== undefined) await reach('target', `the position of ${record.job} in ${target.name}`, () => dropPosition(target, recordedRecord, removed));
  await removeJob(store, record.job);
  const kept = stream === undefined ? [] : [stream];
  return { job: record.job, removed, kept, left };
}

async function dropCapture(source: Endpoint, record: JobRecord, removed: string[]): Promise<void> {
  const capture = await (await loadChanges(source.engine)).open(source.target, record.job);
  try {
    const owned = (await (await loadChanges(source.engine)).listOwned(source.target)).filter((o) => o.job === record.job);
    await capture.drop();
    removed.push(...owned.map((o) => `${o.kind} ${o.name} on ${source.name}`));
  } finally {
    await capture.close();
  }
}

async function dropPosition(target: Endpoint, record: JobRecord, removed: string[]): Promise<void> {
  const t = await openChangeTarget(target.engine, target.target);
  try {
    if ((await t.readPosition(record.job)) !== undefined) removed.push(`position of ${record.job} in ${target.name}`);
    await t.dropPosition(record.job);
  } finally {
    await t.close();
  }
}
