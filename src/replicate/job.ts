import { hostname } from 'node:os';
import { loadChanges, type ChangeCapture, type ChangeColumn, type LaterSnapshot, type Position } from '../adapters/changes.js';
import { openChangeTarget, type ChangeTarget } from '../adapters/change-apply.js';
import { loadRows } from '../adapters/registry.js';
import type { ChangePlane } from '../adapters/changes.js';
import type { RowSource, TableName } from '../adapters/rows.js';
import { errors, isRedbError } from '../errors.js';
import { maskTableOf } from '../policy/index.js';
import type { Rename, Schema, Table } from '../unified/index.js';
import { cloneDatabase, type CloneRequest, type CloneResult } from './clone.js';
import { introspect, SERVERS, type Endpoint } from './endpoint.js';
import type { CloneEvent } from './events.js';
import type { CatchUp } from './page-copy.js';
import type { JobRecord, JobRecords } from './job-record.js';
import { Stats } from './job-stats.js';
import { applyStream } from './job-stream.js';
import { SchemaFollower, type SchemaFollowOptions } from './job-schema.js';
import { Routes, type TableRoute } from './job-tables.js';
import { plainGenerated, selectTables, tableId, translateTables } from './schema-phases.js';
import { settleTargetShape, type TargetShapePlan } from './target-shape.js';

/**
 * A replication job, run in the foreground: the initial copy (clone's machinery, reading inside
 * the source's hand-off snapshot), then the stream from the hand-off's position. The target keeps
 * the position, committed with the rows; the project's record (job-record.ts) keeps the options and
 * what status shows. Run again after a stop or a crash, the job reads its position from the target
 * and goes on from there; a copy that never reached the target's position table starts over.
 */

export type JobEvent =
  | { readonly type: 'copy'; readonly event: CloneEvent }
  | { readonly type: 'copied'; readonly tables: number; readonly rows: number; readonly position: string }
  /**
   * A copy a crash cut short goes on: how a table was settled (kept as the earlier run left it,
   * continued keeping `chunks` chunks of `rows` rows, or restarted), in a snapshot later than the
   * hand-off, whose transactions the stream does not apply to it again.
   */
  | {
      readonly type: 'copy-resumed';
      readonly table: string;
      readonly how: 'kept' | 'continued' | 'restarted';
      readonly chunks: number;
      readonly rows: number;
    }
  | { readonly type: 'streaming'; readonly from: string; readonly resumed: boolean }
  | {
      readonly type: 'progress';
      readonly position: string;
      readonly transactions: number;
      readonly changes: number;
      readonly rate: number;
      readonly lagMs: { readonly p50: number; readonly p99: number; readonly last: number } | null;
      readonly tables: Readonly<Record<string, number>>;
      /** Log the source keeps for the job (PostgreSQL's WAL behind its slot), where the source can say; looked up every ten seconds. */
      readonly retainedWalBytes?: number;
    }
  | { readonly type: 'retry'; readonly attempt: number; readonly inMs: number; readonly error: string }
  /** Advice about the source's settings (CheckReport notes): the job runs, less well than it could. */
  | { readonly type: 'warning'; readonly message: string }
  /** A source schema change followed on the target (or a new table created and copied). */
  | { readonly type: 'schema'; readonly table: string; readonly change: string; readonly statements: number }
  /** A table whose changes are no longer applied, why, and the command that goes on. */
  | { readonly type: 'paused'; readonly table: string; readonly reason: string; readonly command: string }
  /** A paused table copied afresh, streaming again. */
  | { readonly type: 'resumed'; readonly table: string }
  /** The target's existing tables differ from the source's: the plan that brings them to its shape (applied only when confirmed). */
  | {
      readonly type: 'plan';
      readonly tables: TargetShapePlan['tables'];
      readonly statements: readonly string[];
      readonly hazards: TargetShapePlan['hazards'];
      readonly blocked: readonly string[];
    };

export interface JobRequest {
  /** Where the job's record is kept (the project's `.redb/state/replicate/`). */
  readonly records: JobRecords;
  /** The renames the project's history records up to a commit, to tell a rename from a drop and an add. */
  readonly renamesTo: (commit: string) => Promise<Rename[]>;
  readonly job: string;
  readonly source: Endpoint;
  readonly target: Endpoint;
  /** URLs as given (`${VAR}` kept). */
  readonly sourceUrl: string;
  readonly targetUrl: string;
  readonly tables?: readonly string[] | undefined;
  readonly masker?: CloneRequest['masker'];
  readonly allowLossy?: boolean | undefined;
  /** Columns dropped on the source are dropped on the target (else the table pauses). */
  readonly allowDrops?: boolean | undefined;
  readonly heartbeatMs?: number | undefined;
  /** Rows per batch of the initial copy (a page chunk holds about 50 batches); 10,000 when absent. */
  readonly copyBatchRows?: number | undefined;
  /** Apply a plan that brings the target's existing tables to the source's shape without asking. */
  readonly yes?: boolean | undefined;
  /** Asks a person to confirm that plan; absent where nobody can be asked. */
  readonly confirm?: ((plan: TargetShapePlan) => Promise<boolean>) | undefined;
  /** Run by the daemon: the command that goes on after a pause hands the job back to it (`--daemon`), not a second process beside it. */
  readonly daemon?: boolean | undefined;
  readonly onEvent?: ((e: JobEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface JobResult {
  readonly job: string;
  readonly copied: CloneResult | undefined;
  readonly position: string;
  readonly transactions: number;
  readonly changes: number;
  /** The signal that stopped it. */
  readonly stoppedBy: string | undefined;
}

/** Failures a retry cannot mend: they need someone to act. */
const FINAL = new Set([
  'REDB_CHANGES_POSITION_GONE',
  'REDB_CHANGES_JOB_MISSING',
  'REDB_CHANGES_SLOT_ACTIVE',
  'REDB_REPLICATE_SCHEMA_CHANGED',
  'REDB_CHANGES_NO_KEY',
  'REDB_CHANGES_TABLE_MISSING',
  'REDB_REPLICATE_TARGET_TABLES_GONE',
  'REDB_CHANGES_PRIVILEGE',
  'REDB_CHANGES_WAL_LEVEL',
]);
/**
 * A table's columns as the job maps them, for its record: the stream's description of them, or (not
 * described yet) the catalog's. A run starts from them, so a change made while it was stopped, or
 * one a pause left unfollowed, is seen as one.
 */
const shapeOf = (r: TableRoute) => ({
  columns: r.relationColumns.map((c) => ({ name: c.name, type: c.type, key: c.key })),
  ...(r.described ? {} : { catalog: true as const }),
});

/** A table being copied, with its columns as the stream describes them at the hand-off. */
const handoffState = (columns: readonly ChangeColumn[]) => ({
  changes: 0,
  state: 'copying' as const,
  columns: columns.map((c) => ({ name: c.name, type: c.type, key: c.key })),
});

/** Waits between attempts: 1 s, doubling, at most 10 s. */
const retryDelay = (attempt: number): number => Math.min(10_000, 1000 * 2 ** (attempt - 1));
/**
 * A failure that keeps coming back with no commit in between is given up on after this long: a
 * server restart (or a slow one) is waited out, a cause that needs someone is reported.
 */
const RETRY_FOR_MS = 120_000;
/**
 * Under the daemon a failure that lasts is handed to it sooner: its restarts, with their growing
 * waits and the reason, are what `daemon status`, `replicate status` and the metrics show.
 */
const DAEMON_RETRY_FOR_MS = 15_000;

export async function runJob(req: JobRequest): Promise<JobResult> {
  const { source, target, job, records, signal } = req;
  const onEvent = req.onEvent ?? (() => undefined);
  const stopped = () => signal?.aborted === true;
  // A server's catalog is read while the job is checked: a cold read of it is most of a start's waiting.
  const reading = SERVERS.has(source.engine) ? introspect(source, signal) : undefined;
  reading?.catch(() => undefined);
  const plane = await loadChanges(source.engine);
  if (source.engine === target.engine) {
    const rows = await loadRows(target.engine);
    const [a, b] = await Promise.all([rows.identity(source.target), rows.identity(target.target)]);
    if (a !== undefined && a === b) throw errors.replicateSameDatabase(source.name, target.name);
  }
  const previous = await records.read(job);
  let record = previous;
  if (record !== undefined && (record.source !== req.sourceUrl || record.target !== req.targetUrl))
    throw errors.replicateJobExists(job, record.source, record.target);
  const checked = await plane.check(source.target, { signal });
  for (const message of checked.notes) onEvent({ type: 'warning', message });

  const sourceSchema = await (reading ?? introspect(source, signal));
  const masker = req.masker?.compile(sourceSchema.tables.map(maskTableOf));
  const selected = selectTables(sourceSchema.tables, req.tables, source.name).filter((t) => masker?.deniesTable(maskTableOf(t)) !== true);
  // Every change is applied by key (that makes a replayed one harmless): a table without one is refused before anything is made.
  // Checked before the target is opened: an embedded one would be created by it.
  const keyless = selected.filter((t) => t.primaryKey === undefined).map(tableId);
  if (keyless.length > 0)
    throw errors.changesNoKey(
      source.name,
      keyless,
      `a replication job applies every change by its row's primary key: add a primary key (redb migrate), or leave ${keyless.length === 1 ? 'it' : 'them'} out with --tables`,
    );
  // A generated column the target would hold as a plain one cannot be kept current (the stream carries no generated values).
  const madePlain = await generatedMadePlain(sourceSchema, selected, source, target);
  if (madePlain.length > 0) throw errors.replicateGeneratedPlain(target.name, madePlain);
  const stored = await withTarget(target, (t) => t.readPosition(job));
  if (stored !== undefined && stored.source !== req.sourceUrl) throw errors.replicateJobExists(job, stored.source, target.name);
  const command = (allow: readonly string[] = []) => {
    const allowed = [...(req.allowLossy === true ? ['lossy'] : []), ...(req.allowDrops === true ? ['drops-data'] : []), ...allow];
    return [
      'redb replicate',
      source.name,
      target.name,
      `--name ${job}`,
      ...(req.tables === undefined || req.tables.length === 0 ? [] : [`--tables ${req.tables.join(',')}`]),
      ...(req.masker === undefined ? [] : [`--mask ${req.masker.file}`]),
      ...(allowed.length === 0 ? [] : [`--allow ${[...new Set(allowed)].join(',')}`]),
      ...(req.daemon === true ? ['--daemon'] : []),
    ].join(' ');
  };
  // A job that ran before made the target's tables itself (a copy it did not finish is done again): only a new job's target is compared.
  if (stored === undefined && previous === undefined)
    await settleTargetShape({
      job,
      source,
      target,
      sourceSchema,
      tables: selected,
      allowLossy: req.allowLossy === true,
      allowDrops: req.allowDrops === true,
      yes: req.yes === true,
      confirm: req.confirm,
      command,
      onPlan: (p) => onEvent({ type: 'plan', tables: p.tables, statements: p.statements, hazards: p.hazards, blocked: p.blocked }),
      signal,
    });
  const now = new Date().toISOString();
  record = {
    version: 1,
    job,
    source: req.sourceUrl,
    target: req.targetUrl,
    tables: [...(req.tables ?? [])],
    mask: masker === undefined || req.masker === undefined ? null : { file: req.masker.file, ...masker.fingerprint },
    allowLossy: req.allowLossy === true,
    createdAt: record?.createdAt ?? now,
    phase: stored === undefined ? 'copying' : 'streaming',
    pid: process.pid,
    host: hostname(),
    seenAt: now,
    position: stored?.position ?? null,
    transactions: record?.transactions ?? 0,
    changes: record?.changes ?? 0,
    rate: 0,
    lagMs: record?.lagMs ?? null,
    tablesState: record?.tablesState ?? {},
    lastError: null,
    stoppedAt: null,
    ...(record === undefined ? {} : { lastError: record.lastError }),
    ...(record?.copyFrom == null ? {} : { copyFrom: record.copyFrom }),
    ...(record?.replay === undefined ? {} : { replay: record.replay }),
  };
  // A job that ran before but left no position in the target made its tables: a new copy empties them first.
  const restart = previous !== undefined;
  await records.write(record);

  const capture = await plane.open(source.target, job, { signal });
  let current: JobRecord = record;
  // Writes go one after another, in the order asked: parallel copies record their tables at once, and the last record written must hold them all.
  let saving: Promise<void> = Promise.resolve();
  const save = async (patch: Partial<JobRecord>) => {
    current = { ...current, ...patch, seenAt: new Date().toISOString() };
    const record = current;
    saving = saving.catch(() => undefined).then(() => records.write(record));
    await saving;
  };
  try {
    // A source that lost what the job needs (a slot invalidated, a binary log purged) is said so at once, with the way on.
    const lost = stored === undefined ? undefined : (await capture.status()).lost;
    if (lost !== undefined) throw errors.replicateResyncNeeded(job, source.name, lost);
    let copied: CloneResult | undefined;
    let from: Position;
    const names: TableName[] = selected.map((t) => ({ schema: t.schema, name: t.name }));
    if (stored === undefined) {
      const resumeFrom = await resumable(plane, capture, previous, req);
      const result = await initialCopy(req, capture, names, restart, masker === undefined ? undefined : req.masker, onEvent, {
        resumeFrom,
        replay: current.replay ?? {},
        save,
      });
      copied = result.copied;
      from = result.start;
      onEvent({ type: 'copied', tables: copied.tables.length, rows: copied.tables.reduce((n, t) => n + t.rows, 0), position: from });
      await save({
        phase: 'streaming',
        position: from,
        tablesState: Object.fromEntries(
          copied.tables.map((t) => {
            // Recorded at the hand-off (a copy resumed keeps its first hand-off, where the stream starts).
            const at = current.tablesState[t.table];
            const columns = at?.state === 'copying' && at.catalog !== true ? at.columns : undefined;
            return [t.table, { changes: 0, state: 'streaming' as const, ...(columns === undefined ? {} : { columns }) }];
          }),
        ),
      });
    } else {
      from = plane.position(stored.position);
    }
    onEvent({ type: 'streaming', from, resumed: stored !== undefined });
    const stats = new Stats(current.transactions, current.changes);
    let routes = new Routes([]);
    let baseline = current.tablesState;
    const tableState = (r: TableRoute) => {
      const changes = (baseline[r.id]?.changes ?? 0) + r.changes;
      const paused = current.tablesState[r.id];
      // A kill before the copy commits must find the table as it was (paused), so the next run copies it again.
      if (r.copying) return paused ?? { changes, state: 'paused' as const, reason: 'not copied yet' };
      if (r.paused === undefined) return { changes, state: 'streaming' as const, ...shapeOf(r) };
      return { changes, state: 'paused' as const, reason: r.paused, ...(paused?.command === undefined ? {} : { command: paused.command }), ...shapeOf(r) };
    };
    const retained = retainedLog(capture);
    const replayed = (id: string, transaction: string | undefined): boolean => {
      const r = current.replay?.[id];
      if (r === undefined || transaction === undefined || plane.seenBy === undefined) return false;
      // Past `until`, every transaction the later snapshot saw is behind the target's position.
      return plane.compare(position, plane.position(r.until)) < 0 && plane.seenBy(r.snapshot, transaction);
    };
    const report = async () => {
      const lag = stats.lag();
      const replay = current.replay ?? {};
      const behind = Object.values(replay).some((r) => plane.compare(stats.position ?? from, plane.position(r.until)) < 0);
      const tables = Object.fromEntries(routes.all.map((r) => [r.id, r.changes]));
      const wal = retained();
      onEvent({
        type: 'progress',
        position: stats.position ?? from,
        transactions: stats.transactions,
        changes: stats.changes,
        rate: stats.rate(),
        lagMs: lag,
        tables,
        ...(wal === undefined ? {} : { retainedWalBytes: wal }),
      });
      await save({
        position: stats.position ?? from,
        transactions: stats.transactions,
        changes: stats.changes,
        rate: stats.rate(),
        lagMs: lag,
        tablesState: { ...current.tablesState, ...Object.fromEntries(routes.all.map((r) => [r.id, tableState(r)])) },
        ...(Object.keys(replay).length > 0 && !behind ? { replay: {}, copyFrom: null } : {}),
      });
    };
    const inScope = (t: Table) => req.tables === undefined || req.tables.length === 0 || req.tables.some((n) => n === tableId(t) || n === t.name);
    const followOptions: SchemaFollowOptions = {
      source,
      target,
      renamesTo: req.renamesTo,
      allowDrops: req.allowDrops === true,
      allowLossy: req.allowLossy === true,
      masker,
      policyFile: req.masker?.file,
      command,
      signal,
      onSchema: (e) => onEvent({ type: 'schema', table: e.table, change: e.change, statements: e.statements.length }),
      // A table copied mid-stream (paused before, or new) reads a later snapshot whose transactions the stream then skips for it.
      ...(capture.later === undefined || plane.seenBy === undefined
        ? {}
        : {
            later: () => (capture.later as () => Promise<LaterSnapshot>)(),
            copiedIn: (table: string, seen: { snapshot: string; until: string }) => save({ replay: { ...(current.replay ?? {}), [table]: seen } }),
          }),
      onPause: async (route, reason, next) => {
        onEvent({ type: 'paused', table: route.id, reason, command: next });
        await save({
          tablesState: {
            ...current.tablesState,
            [route.id]: { changes: (baseline[route.id]?.changes ?? 0) + route.changes, state: 'paused', reason, command: next, ...shapeOf(route) },
          },
        });
      },
    };
    /** The routes as source and target are now; tables paused before stay paused (`resync`: or are copied afresh where they now can be). */
    const prepare = async (resync: boolean) => {
      const [sourceNow, targetNow] = await Promise.all([introspect(source, signal), introspect(target, signal)]);
      const follower = new SchemaFollower(followOptions, targetNow);
      const fresh = new Routes(
        sourceNow.tables
          .filter((t) => inScope(t) && masker?.deniesTable(maskTableOf(t)) !== true)
          .flatMap((t) => {
            const stored = current.tablesState[tableId(t)];
            const r = follower.pairKnown(t, stored?.columns);
            return r === undefined ? [] : [r];
          }),
      );
      const known = current.tablesState;
      // Each table as the stream last described it, not as the catalog has it now: a column retyped while the job was
      // stopped is then seen as a change when the stream describes the table again (the first thing it says of it).
      for (const r of fresh.all) {
        const stored = known[r.id];
        if (stored?.state === 'streaming' && stored.columns !== undefined && stored.catalog !== true) r.adopt(stored.columns);
      }
      // A table the job copied before and the target no longer has: resuming would stream onto nothing.
      const gone = sourceNow.tables
        .filter((t) => inScope(t) && masker?.deniesTable(maskTableOf(t)) !== true)
        .filter((t) => known[tableId(t)]?.state === 'streaming' && fresh.all.every((r) => r.id !== tableId(t)))
        .map((t) => tableId(t));
      if (gone.length > 0) throw errors.replicateTargetTablesGone(job, target.name, gone);
      const again = Object.keys(known).length === 0 ? [] : fresh.all.filter((r) => known[r.id] === undefined || known[r.id]?.state === 'paused');
      for (const r of again) r.paused = known[r.id]?.reason ?? 'not copied yet';
      return { follower, routes: fresh, again: resync ? again : [] };
    };
    let attempt = 0;
    let failingSince: number | undefined;
    let first = true;
    let position = from;
    const ticker = setInterval(() => void report().catch(() => undefined), 1000);
    try {
      for (;;) {
        try {
          const prepared = await prepare(first);
          routes = prepared.routes;
          baseline = current.tablesState;
          position = await withTarget(target, async (t) => {
            // The target's position is the truth: a commit whose answer a target restart cut off may have happened.
            const at = await t.readPosition(job);
            if (at !== undefined) position = plane.position(at.position);
            if (prepared.again.length > 0) await resyncTables(t, prepared.follower, prepared.again, routes, { job, source: req.sourceUrl, position }, onEvent);
            first = false;
            return applyStream({
              capture,
              target: t,
              routes,
              job,
              source: req.sourceUrl,
              from: position,
              state: at?.state,
              heartbeatMs: req.heartbeatMs,
              signal,
              replayed,
              follow: (route, columns, tx, stated) => prepared.follower.follow(route, columns, tx, { stated }),
              scan: (tx) =>
                prepared.follower.scan(new Set(routes.all.map((r) => r.id)), inScope, tx, async (tables) =>
                  capture.include?.(tables.map((x) => ({ schema: x.schema, name: x.name }))),
                ),
              scanMs: Math.min(10_000, Math.max(2_000, 4 * (req.heartbeatMs ?? 10_000))),
              onCommit: (p) => {
                attempt = 0;
                failingSince = undefined;
                position = p.position;
                stats.add(p);
              },
            });
          });
          break;
        } catch (e) {
          if (stopped()) break;
          // A server that went away (a restart, a network cut) is waited for; what needs a person is not.
          if (isRedbError(e, 'REDB_CHANGES_POSITION_GONE')) throw errors.replicateResyncNeeded(job, source.name, e.data.detail).because(e);
          if (isRedbError(e) && FINAL.has(e.code)) throw e;
          const text = e instanceof Error ? e.message : String(e);
          const inMs = retryDelay(++attempt);
          failingSince ??= Date.now();
          if (Date.now() + inMs - failingSince > (req.daemon === true ? DAEMON_RETRY_FOR_MS : RETRY_FOR_MS))
            throw errors
              .replicateGaveUp(job, attempt, Math.round((Date.now() - failingSince) / 1000), isRedbError(e) ? e.code : 'REDB_REPLICATE_RETRY', text)
              .because(e);
          onEvent({ type: 'retry', attempt, inMs, error: text });
          await save({ lastError: { at: new Date().toISOString(), code: isRedbError(e) ? e.code : 'REDB_REPLICATE_RETRY', message: text } });
          await sleep(inMs, signal);
          if (stopped()) break;
        }
      }
    } finally {
      clearInterval(ticker);
    }
    await report();
    await save({ pid: null, stoppedAt: new Date().toISOString() });
    return {
      job,
      copied,
      position,
      transactions: stats.transactions,
      changes: stats.changes,
      stoppedBy: typeof signal?.reason === 'string' ? signal.reason : undefined,
    };
  } catch (e) {
    const code = isRedbError(e) ? e.code : 'REDB_INTERNAL';
    await save({
      pid: null,
      stoppedAt: new Date().toISOString(),
      lastError: { at: new Date().toISOString(), code, message: e instanceof Error ? e.message : String(e) },
    }).catch(() => undefined);
    throw e;
  } finally {
    await capture.close();
  }
}

/** Retained log of the job on its source, as last looked up: a lookup every ten seconds at most, never waited for. */
function retainedLog(capture: ChangeCapture, everyMs = 10_000): () => number | undefined {
  let bytes: number | undefined;
  let at = 0;
  return () => {
    if (Date.now() - at >= everyMs) {
      at = Date.now();
      void capture.status().then(
        (s) => (bytes = s.retainedBytes),
        () => undefined,
      );
    }
    return bytes;
  };
}

// The listener goes with the wait: a job retrying through a long outage would pile them up (and Node warns of a leak).
const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Open the target's apply plane for `use`, always closing it (an embedded file is held by one handle at a time). */
async function withTarget<T>(target: Endpoint, use: (t: ChangeTarget) => Promise<T>): Promise<T> {
  const t = await openChangeTarget(target.engine, target.target);
  try {
    return await use(t);
  } finally {
    await t.close();
  }
}

/**
 * Whether a copy a crash cut short can go on from its hand-off: the job recorded one, nothing of
 * it reached the target's position table, the tables asked for are the same, source and target are
 * of one engine, and the source still keeps the changes after it (the slot is there and whole) and
 * can take a later snapshot.
 */
async function resumable(plane: ChangePlane, capture: ChangeCapture, previous: JobRecord | undefined, req: JobRequest): Promise<Position | undefined> {
  if (previous?.phase !== 'copying' || previous.copyFrom == null || capture.later === undefined || plane.seenBy === undefined) return undefined;
  if (previous.tables.join('\u0000') !== (req.tables ?? []).join('\u0000')) return undefined;
  // Only a copy of the same engine reads by pages and records its chunks; across engines every table would start over anyway.
  if (req.source.engine !== req.target.engine) return undefined;
  const status = await capture.status();
  return status.exists && status.lost === undefined ? plane.position(previous.copyFrom) : undefined;
}

/** The record's part in a copy: where a resumed one goes on from, what it copied later, and how to save that. */
interface CopyState {
  readonly resumeFrom: Position | undefined;
  readonly replay: NonNullable<JobRecord['replay']>;
  readonly save: (patch: Partial<JobRecord>) => Promise<void>;
}

/**
 * The copy: a hand-off at a new start position (recorded before the first row), clone reading
 * inside its snapshot, then the start position recorded in the target. A copy a crash cut short
 * goes on from its hand-off where it can (`resumeFrom`): clone reads in a later snapshot and keeps
 * what it can of the earlier runs (page-copy.ts, CatchUp); the stream still starts at the hand-off.
 * Otherwise (`restart`) the tables are emptied first.
 */
async function initialCopy(
  req: JobRequest,
  capture: ChangeCapture,
  tables: readonly TableName[],
  restart: boolean,
  masker: CloneRequest['masker'],
  onEvent: (e: JobEvent) => void,
  state: CopyState,
): Promise<{ copied: CloneResult; start: Position }> {
  const id = `replicate_${req.job}`;
  let replay = state.replay;
  let start: Position;
  /** The source's table shapes at the hand-off, where its stream names rows by them (MariaDB/MySQL). */
  let sourceState: string | undefined;
  let reading: { openSnapshot(options: { jobs: number }): Promise<RowSource>; close(): Promise<void> };
  let catchUp: CatchUp;
  /** Tables the source rewrote after the hand-off's snapshot (a fresh hand-off's; a later snapshot's copy checks its own). */
  let rewritten: (() => Promise<string[]>) | undefined;
  const settled: CatchUp['settled'] = (table, how, chunks, rows) => onEvent({ type: 'copy-resumed', table, how, chunks, rows });
  if (state.resumeFrom !== undefined && capture.later !== undefined) {
    const later = await capture.later();
    start = state.resumeFrom;
    reading = later;
    catchUp = {
      id,
      resumed: true,
      later: async (table) => {
        replay = { ...replay, [table]: { snapshot: later.snapshot, until: later.until } };
        await state.save({ replay });
      },
      settled,
    };
  } else {
    // Forgotten before a new hand-off: a crash before it is recorded leaves nothing to go on from.
    await state.save({ copyFrom: null, replay: {} });
    const handoff = await capture.prepare(tables, { signal: req.signal });
    start = handoff.start;
    sourceState = handoff.state;
    reading = handoff;
    rewritten = handoff.rewritten === undefined ? undefined : () => (handoff.rewritten as () => Promise<string[]>)();
    // The tables' columns at the hand-off, where the source can say: the stream maps the tables by them once the copy is in
    // (job.ts, prepare), not by the catalog then, which a change made since has moved past the stream.
    const described = Object.fromEntries(
      tables.flatMap((t) => {
        const columns = handoff.columnsAt?.(t);
        return columns === undefined ? [] : [[tableId(t), handoffState(columns)] as const];
      }),
    );
    await state.save({ copyFrom: handoff.start, tablesState: described }).catch(async (e: unknown) => {
      await handoff.close();
      throw e;
    });
    catchUp = { id, resumed: false, later: async () => undefined, settled };
  }
  let copied: CloneResult;
  try {
    copied = await cloneDatabase({
      source: req.source,
      target: req.target,
      sourceUrl: req.sourceUrl,
      targetUrl: req.targetUrl,
      tables: tables.map(tableId),
      masker,
      allowLossy: req.allowLossy,
      truncate: restart && !catchUp.resumed,
      jobs: 4,
      batchRows: req.copyBatchRows ?? 10_000,
      verify: true,
      snapshot: (jobs) => reading.openSnapshot({ jobs }),
      catchUp,
      onEvent: (event) => onEvent({ type: 'copy', event }),
      signal: req.signal,
    });
    // Asked before the readers let go: their locks hold off a rewrite of a table they read, so a table named was rewritten
    // before it was read, and copied without the rows the snapshot no longer sees. Its chunks are forgotten: the next run,
    // going on from the copy, copies it again.
    const lost = (await rewritten?.()) ?? [];
    if (lost.length > 0) {
      const rows = await (await loadRows(req.target.engine)).openTarget(req.target.target, { jobs: 1 });
      try {
        for (const table of lost) await rows.forgetChunks?.(id, table);
      } finally {
        await rows.close();
      }
      throw errors.replicateCopyRewritten(req.job, req.source.name, lost);
    }
  } catch (e) {
    if (req.signal?.aborted === true) throw errors.replicateCopyInterrupted(req.job, req.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT').because(e);
    throw e;
  } finally {
    await reading.close();
  }
  await withTarget(req.target, async (t) => {
    const tx = await t.begin();
    await tx.commit({
      job: req.job,
      source: req.sourceUrl,
      position: start,
      appliedAt: new Date().toISOString(),
      ...(sourceState === undefined ? {} : { state: sourceState }),
    });
  });
  // The position is in the target: the copy's records of chunks are no longer needed.
  const rows = await (await loadRows(req.target.engine)).openTarget(req.target.target, { jobs: 1 });
  try {
    await rows.forgetChunks?.(id);
  } finally {
    await rows.close();
  }
  return { copied, start };
}

/**
 * Tables paused before (or never copied), copied afresh where their change can now be followed,
 * in one target transaction committed at the job's position: the stream replays over the copy.
 */
async function resyncTables(
  t: ChangeTarget,
  follower: SchemaFollower,
  tables: readonly TableRoute[],
  routes: Routes,
  at: { job: string; source: string; position: Position },
  onEvent: (e: JobEvent) => void,
): Promise<void> {
  const reasons = tables.map((r) => r.paused);
  for (const r of tables) r.copying = true;
  const made: TableRoute[] = [];
  const tx = await t.begin();
  try {
    for (const r of tables) {
      const next = await follower.resync(r, tx);
      next.copying = true;
      made.push(next);
      routes.set(next);
    }
    await tx.commit({ job: at.job, source: at.source, position: at.position, appliedAt: new Date().toISOString() });
    for (const r of made) if (r.paused === undefined) onEvent({ type: 'resumed', table: r.id });
  } catch (e) {
    await tx.rollback();
    // Not copied: paused as before, so the record (saved every second) never calls them streaming, and the retry copies them again.
    tables.forEach((r, i) => {
      r.paused = reasons[i] ?? 'not copied yet';
      routes.set(r);
    });
    throw e;
  } finally {
    for (const r of [...tables, ...made]) r.copying = false;
  }
}

/** Source columns generated there that the target would hold as plain columns (their expression does not translate). */
async function generatedMadePlain(sourceSchema: Schema, tables: readonly Table[], source: Endpoint, target: Endpoint): Promise<string[]> {
  const generated = tables.filter((t) => t.columns.some((c) => c.generated !== undefined));
  if (generated.length === 0 || source.engine === target.engine) return [];
  const expressions = await (await import('../adapters/expressions/index.js')).loadExpressionTranslator(source.engine, target.engine);
  return plainGenerated(generated, translateTables(sourceSchema, generated, target.engine, true, target.name, expressions).schema);
}
