import type { ChangeCapture, ChangeColumn, ChangeEvent, ColumnRename, Position } from '../adapters/changes.js';
import { unhandledChange } from '../adapters/changes.js';
import type { ApplyTransaction, ChangeTarget } from '../adapters/change-apply.js';
import type { TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import { Applier } from './job-apply.js';
import type { Routes, TableRoute } from './job-tables.js';

/**
 * The stream half of a job: events from the source's log, applied to the target, acknowledged to
 * the source once the target committed them. A target transaction spans whole source transactions
 * and commits when it holds enough changes, when it has been open long enough, or as soon as the
 * stream goes quiet, so that lag stays low under a trickle and throughput high under a flood.
 * Stops at a transaction boundary when the signal aborts.
 */

/** Commit the target transaction past this many changes, or this age, at the next source commit. */
const COMMIT_CHANGES = 20_000;
const COMMIT_MS = 250;
/** With no event for this long, what is applied commits. */
const IDLE_MS = 50;

export interface StreamProgress {
  readonly position: Position;
  /** Source transactions and changes committed by this commit. */
  readonly transactions: number;
  readonly changes: number;
  /** Milliseconds from each source commit to the target's, where the source said when it committed. */
  readonly lags: readonly number[];
}

export interface StreamJob {
  readonly capture: ChangeCapture;
  readonly target: ChangeTarget;
  readonly routes: Routes;
  readonly job: string;
  /** The source's URL as given, recorded with the position. */
  readonly source: string;
  readonly from: Position;
  /** The source stream's state stored with `from`. */
  readonly state?: string | undefined;
  readonly heartbeatMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** After each target commit (and its acknowledgement). */
  readonly onCommit: (p: StreamProgress) => void;
  /**
   * A table's relation differs from what its route maps: follow it on the target in `tx` (before
   * the first row of the new shape) and return the route from here on, which may be paused.
   * Without it, a schema change stops the job.
   */
  readonly follow?:
    | ((route: TableRoute, columns: readonly ChangeColumn[], tx: ApplyTransaction, stated: readonly ColumnRename[]) => Promise<TableRoute>)
    | undefined;
  /**
   * Between source transactions, now and then: tables to add (new on the source), created and
   * copied in `tx`. They join the routes once that transaction commits.
   */
  readonly scan?: ((tx: ApplyTransaction) => Promise<readonly TableRoute[]>) | undefined;
  /**
   * A relation of a table the job has no route for (a stream that carries a new table's shape
   * before its rows): create it on the target in `tx` and return its route, or undefined to leave
   * the table out.
   */
  readonly create?: ((table: TableName, columns: readonly ChangeColumn[], tx: ApplyTransaction) => Promise<TableRoute | undefined>) | undefined;
  /** How often `scan` runs, in milliseconds. */
  readonly scanMs?: number | undefined;
  /**
   * Whether a table (by route id) holds a source transaction's changes already: copied in a
   * snapshot that saw it (a resumed copy's). Those changes are not applied to it again.
   */
  readonly replayed?: ((table: string, transaction: string | undefined) => boolean) | undefined;
}

type Pulled = { readonly event: ChangeEvent } | { readonly idle: true } | { readonly done: true };

/**
 * The events of a stream that hands them out one at a time or in runs: `take` gives the rest of
 * the last run without a promise; `next` waits for more, or says `idle` when none came within `ms`
 * (the pending pull is kept for the next call).
 * One timer serves many pulls: a catch-up pulls tens of thousands of events a second, nearly all
 * ready at once, and a timer set and cleared for each was a measurable part of the work. The timer
 * fires at the deadline it was set for and, when events came since, is set again for what is left.
 */
function puller(events: AsyncIterable<ChangeEvent | readonly ChangeEvent[]>): {
  take(): ChangeEvent | undefined;
  next(ms: number): Promise<Pulled>;
  close(): Promise<void>;
} {
  const it = events[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<ChangeEvent | readonly ChangeEvent[]>> | undefined;
  let run: readonly ChangeEvent[] = [];
  let taken = 0;
  let wake: ((idle: 'idle') => void) | undefined;
  /** When the waiting pull goes idle, and when the timer fires (performance.now()). */
  let idleAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = 0;
  const arm = (at: number) => {
    timerAt = at;
    timer = setTimeout(fire, Math.max(0, at - performance.now()));
  };
  const fire = () => {
    timer = undefined;
    if (wake === undefined) return;
    if (performance.now() < idleAt) return arm(idleAt);
    const w = wake;
    wake = undefined;
    w('idle');
  };
  const take = (): ChangeEvent | undefined => (taken < run.length ? run[taken++] : undefined);
  return {
    take,
    async next(ms) {
      const ready = take();
      if (ready !== undefined) return { event: ready };
      for (;;) {
        pending ??= it.next();
        idleAt = performance.now() + ms;
        // A timer set for later than this pull's deadline (a longer wait asked before) is set again.
        if (timer !== undefined && timerAt > idleAt) {
          clearTimeout(timer);
          timer = undefined;
        }
        if (timer === undefined) arm(idleAt);
        const idle = new Promise<'idle'>((resolve) => (wake = resolve));
        const r = await Promise.race([pending, idle]);
        wake = undefined;
        if (r === 'idle') return { idle: true };
        pending = undefined;
        if (r.done === true) return { done: true };
        if (!Array.isArray(r.value)) return { event: r.value as ChangeEvent };
        run = r.value as readonly ChangeEvent[];
        taken = 0;
        const first = take();
        // An empty run is no event: wait on.
        if (first !== undefined) return { event: first };
      }
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      // A pull still waiting (an idle source) ends when the stream's signal aborts: not waited for here.
      if (pending === undefined) await it.return?.();
      else void it.return?.()?.catch(() => undefined);
    },
  };
}

/** Apply the stream until the signal aborts (at a transaction boundary) or the source ends it. Returns the last position committed. */
export async function applyStream(job: StreamJob): Promise<Position> {
  const applier = new Applier(job.target, job.job, job.source);
  // Ended on failure too, so that a stream waiting on an idle source lets go.
  const stop = new AbortController();
  const forward = () => stop.abort(job.signal?.reason);
  job.signal?.addEventListener('abort', forward);
  if (job.signal?.aborted === true) stop.abort(job.signal.reason);
  const streamOptions = { signal: stop.signal, heartbeatMs: job.heartbeatMs, state: job.state };
  const pull = puller(job.capture.runs?.(job.from, streamOptions) ?? job.capture.stream(job.from, streamOptions));
  let committed = job.from;
  let inTransaction = false;
  // Renames the source's log states (a MariaDB ALTER), for the relation events before the statement's commit.
  let stated: ColumnRename[] = [];
  let scanned = Date.now();
  /** The open source transaction's id, and the tables that hold its changes already (asked once per table). */
  let transaction: string | undefined;
  let held = new Map<string, boolean>();
  const holds = (route: TableRoute): boolean => {
    if (job.replayed === undefined) return false;
    let known = held.get(route.id);
    if (known === undefined) held.set(route.id, (known = job.replayed(route.id, transaction)));
    return known;
  };
  const live = (route: TableRoute | undefined): route is TableRoute => route !== undefined && route.paused === undefined;
  /** A route whose rows take this transaction's changes (a relation is followed all the same). */
  const takes = (route: TableRoute | undefined): route is TableRoute => live(route) && !holds(route);
  /** Queue a commit of the open transaction; the source is acknowledged once the target committed it. */
  const commit = async (at?: Position, state?: string) => {
    await applier.commit(at, state, async (done) => {
      const now = Date.parse(done.stored.appliedAt);
      const lags = done.commitTimes.flatMap((t) => (t === undefined ? [] : [Math.max(0, now - Date.parse(t))]));
      committed = done.stored.position as Position;
      await job.capture.acknowledge(committed);
      job.onCommit({ position: committed, transactions: done.transactions, changes: done.changes, lags });
    });
  };
  /** Between source transactions: new tables, created and copied, and committed at once at the position already committed. */
  const scan = async () => {
    if (job.scan === undefined || inTransaction || Date.now() - scanned < (job.scanMs ?? 10_000)) return;
    scanned = Date.now();
    const added = await job.scan(await applier.current());
    if (added.length === 0) return;
    // current() waited for every commit queued before: `committed` is the target's position.
    if (applier.committable) await commit();
    else await commit(committed);
    await applier.drain();
    for (const r of added) job.routes.set(r);
  };
  try {
    events: for (;;) {
      // The rest of a run needs no promise; past it, wait for the next (or go idle).
      let e = pull.take();
      if (e === undefined) {
        const next = await pull.next(applier.committable && !inTransaction ? IDLE_MS : 60_000);
        if ('done' in next) break;
        if ('idle' in next) {
          if (!inTransaction && applier.committable) await commit();
          await scan();
          continue;
        }
        e = next.event;
      }
      switch (e.kind) {
        case 'begin':
          inTransaction = true;
          transaction = e.transaction;
          held = new Map();
          await applier.begin();
          break;
        case 'relation': {
          const route = job.routes.find(e.table);
          if (route === undefined && job.create !== undefined) {
            const made = await job.create(e.table, e.columns, await applier.current());
            if (made !== undefined) {
              if (made.paused === undefined) made.adopt(e.columns);
              job.routes.set(made);
            }
            break;
          }
          if (!live(route)) break;
          if (!route.differs(e.columns)) {
            route.adopt(e.columns);
            break;
          }
          if (job.follow === undefined) throw errors.replicateSchemaChanged(job.job, route.id, 'its columns changed');
          job.routes.set(await job.follow(route, e.columns, await applier.current(), stated));
          break;
        }
        case 'insert': {
          const route = job.routes.find(e.table);
          if (takes(route)) await applier.insert(route, e);
          break;
        }
        case 'update': {
          const route = job.routes.find(e.table);
          if (takes(route)) await applier.update(route, e);
          break;
        }
        case 'delete': {
          const route = job.routes.find(e.table);
          if (takes(route)) await applier.delete(route, e);
          break;
        }
        case 'truncate': {
          const routes = e.tables.flatMap((t) => job.routes.find(t) ?? []).filter(takes);
          if (routes.length > 0) await applier.truncate(routes);
          break;
        }
        case 'commit':
          inTransaction = false;
          stated = [];
          await applier.sourceCommit(e.position, e.committedAt, e.state);
          if (applier.changes >= COMMIT_CHANGES || Date.now() - applier.openedAt >= COMMIT_MS || job.signal?.aborted === true) await commit();
          // Stopped: at this commit, whatever else the run holds.
          if (job.signal?.aborted === true) break events;
          await scan();
          break;
        case 'heartbeat':
          // Everything before it was sent and is applied once the open transaction commits: the heartbeat's position is safe to record.
          if (!inTransaction) await commit(e.position, e.state);
          await scan();
          break;
        case 'schema':
          // Once each: a consumer hears a statement's renames again with each relation that follows it.
          for (const r of e.renames ?? []) if (!stated.some((s) => s.table === r.table && s.from === r.from && s.to === r.to)) stated.push(r);
          break;
        case 'message':
          break;
        default:
          unhandledChange(e);
      }
    }
    if (!inTransaction && applier.committable) await commit();
    await applier.drain();
    await applier.rollback();
    return committed;
  } catch (e) {
    await applier.rollback();
    throw e;
  } finally {
    job.signal?.removeEventListener('abort', forward);
    stop.abort();
    await pull.close();
  }
}
