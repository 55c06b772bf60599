import { setFlagsFromString } from 'node:v8';
import { errors } from '../errors.js';
import type { JobEvent, JobStatus, ReplicateStatus } from '../ops/replicate.js';
import { json, paint, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

/** `--allow lossy,drops-data`: what the job may do besides copying exactly. */
export function parseAllow(value: string | undefined): { allowLossy: boolean; allowDrops: boolean } {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (n !== 'lossy' && n !== 'drops-data') throw errors.usage(`replicate cannot allow '${n}'`, '--allow takes: lossy, drops-data (comma-separated)');
  return { allowLossy: names.includes('lossy'), allowDrops: names.includes('drops-data') };
}

/** A line per second at most on a terminal (or a log): what the job is doing. */
function plainView(io: Io): (e: JobEvent) => void {
  let lastCopy = 0;
  let shown = { transactions: -1, at: 0 };
  return (e) => {
    switch (e.type) {
      case 'copy': {
        const c = e.event;
        if (c.type === 'table' && (c.state === 'done' || Date.now() - lastCopy >= 1000)) {
          lastCopy = Date.now();
          io.err(paint.dim(io, `copy ${c.table}: ${c.rows}/${c.total} rows${c.state === 'done' ? ' (done)' : ''}`));
        }
        return;
      }
      case 'copy-resumed':
        io.err(
          e.how === 'kept'
            ? `${e.table}: copied before the stop, kept`
            : e.how === 'continued'
              ? `${e.table}: copy goes on, keeping ${e.chunks} chunk${e.chunks === 1 ? '' : 's'} (${e.rows} rows) copied before the stop`
              : `${e.table}: copy starts over`,
        );
        return;
      case 'copied':
        io.err(`copied ${e.tables} table${e.tables === 1 ? '' : 's'}, ${e.rows} rows; streaming from ${e.position}`);
        return;
      case 'streaming':
        if (e.resumed) io.err(`resuming from ${e.from}`);
        return;
      case 'progress': {
        // Quiet while nothing happens: a line when there is news, or every ten seconds.
        if (e.transactions === shown.transactions && Date.now() - shown.at < 10_000) return;
        shown = { transactions: e.transactions, at: Date.now() };
        const lag = e.lagMs === null ? '' : `, lag p50 ${e.lagMs.p50} ms p99 ${e.lagMs.p99} ms`;
        io.err(
          `at ${e.position}: ${e.transactions} transaction${e.transactions === 1 ? '' : 's'}, ${e.changes} change${e.changes === 1 ? '' : 's'}, ${e.rate}/s${lag}`,
        );
        return;
      }
      case 'warning':
        io.err(paint.yellow(io, `warning: ${e.message}`));
        return;
      case 'retry':
        io.err(paint.yellow(io, `retrying in ${Math.round(e.inMs / 1000)} s (attempt ${e.attempt}): ${e.error}`));
        return;
      case 'schema':
        io.err(`${e.table}: ${e.change} (${e.statements} statement${e.statements === 1 ? '' : 's'} on the target)`);
        return;
      case 'paused':
        io.err(paint.yellow(io, `${e.table} paused: ${e.reason}; the other tables go on. To go on: ${e.command}`));
        return;
      case 'resumed':
        io.err(`${e.table} copied afresh: streaming again`);
        return;
      case 'plan':
        io.err(renderShapePlan(io, e));
        return;
    }
  };
}

/** The plan that brings the target's existing tables to the source's shape, as migrate shows a plan. */
export function renderShapePlan(io: Io, p: Extract<JobEvent, { type: 'plan' }>): string {
  const lines = [paint.bold(io, `the target's tables differ from the source's:`)];
  for (const t of p.tables) lines.push(`  ${t.table}: ${t.change}`);
  for (const h of p.hazards) lines.push(`${paint.yellow(io, `-- hazard ${h.name}`)}: ${h.reason}`);
  for (const sql of p.statements) lines.push(`${sql};`);
  if (p.blocked.length > 0) lines.push(paint.red(io, `blocked by hazards: ${p.blocked.join(', ')} (allow with --allow ${p.blocked.join(',')})`));
  return lines.join('\n');
}

/**
 * A job decodes, holds and drops rows for as long as it runs: nearly all it allocates is garbage
 * soon, and little stays live (tens of MB). V8 lets the old generation grow up to four times what
 * survived its last full collection before the next, which put this process's peak near 200 MB on
 * a long catch-up; growing it by a fifth at most keeps the peak flat at a small cost in collections.
 * The factor is read at every collection, so setting it now, in this process alone, is enough.
 */
function keepHeapSmall(): void {
  setFlagsFromString('--heap-growing-percent=20');
}

export default async function run(io: Io, source: string, target: string, opts: Opts<'replicate'>): Promise<number> {
  const asJson = opts.json === true;
  const heartbeatMs = opts.heartbeatMs === undefined ? undefined : Number(opts.heartbeatMs);
  if (heartbeatMs !== undefined && (!Number.isInteger(heartbeatMs) || heartbeatMs < 100))
    throw errors.usage(`--heartbeat-ms takes a whole number of at least 100, not '${opts.heartbeatMs}'`);
  keepHeapSmall();
  // Ctrl-C or SIGTERM stops the job at the next transaction boundary (cli.ts aborts io.signal with
  // the signal's name); a second one ends the process at once, which loses nothing either: the
  // target holds the position of what it committed.
  const { replicate } = await import('../ops/replicate.js');
  // A terminal gets the live view (ink, loaded only here); a log or a pipe gets lines; --json, JSON lines.
  const liveView = !asJson && io.interactive ? await import('./ui/replicate-view.js') : undefined;
  let live: ReturnType<NonNullable<typeof liveView>['startLiveView']> | undefined;
  const plain = plainView(io);
  const onEvent = (e: JobEvent) => {
    if (asJson) return io.out(JSON.stringify(e));
    // The plan is asked about before anything moves: it is printed, and the view starts after it.
    if (liveView === undefined || e.type === 'plan') return plain(e);
    live ??= liveView.startLiveView();
    live.onEvent(e);
  };
  const result = await replicate({
    cwd: io.cwd,
    env: io.env,
    source,
    target,
    ...(opts.tables === undefined
      ? {}
      : {
          tables: opts.tables
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }),
    ...(opts.mask === undefined ? {} : { mask: opts.mask }),
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    ...parseAllow(opts.allow),
    yes: opts.yes === true,
    // A person at a terminal is asked (the plan is on screen above); CI and scripts pass --yes.
    ...(io.interactive && !asJson && io.env.CI === undefined
      ? { confirm: async () => (await import('./ui/confirm.js')).confirmPlan(paint.bold(io, "the plan above brings the target to the source's shape.")) }
      : {}),
    onEvent,
    signal: io.signal,
  }).finally(() => live?.stop());
  if (asJson)
    io.out(
      JSON.stringify({
        type: 'stopped',
        job: result.job,
        position: result.position,
        transactions: result.transactions,
        changes: result.changes,
        signal: result.stoppedBy ?? null,
      }),
    );
  else io.err(`stopped ${result.job} at ${result.position}; run the same command again to go on`);
  // Stopped by a signal: the shell's convention, 128 + its number.
  return result.stoppedBy === 'SIGTERM' ? 143 : result.stoppedBy === 'SIGINT' ? 130 : 0;
}

const bytes = (n: number | undefined): string => (n === undefined ? '-' : n < 1 << 20 ? `${Math.round(n / 1024)} kB` : `${(n / (1 << 20)).toFixed(1)} MB`);

function renderJob(io: Io, j: JobStatus): void {
  const state = j.state === 'running' ? paint.green(io, 'running') : j.state === 'failed' ? paint.red(io, 'failed') : j.state;
  io.out(`${paint.bold(io, j.job)}: ${state}${j.pid === null ? '' : ` (process ${j.pid})`}  ${j.source} → ${j.target}`);
  const rows = [
    ['position', j.position ?? '-'],
    ['applied at', j.appliedAt ?? '-'],
    ['changes', `${j.changes} in ${j.transactions} transaction${j.transactions === 1 ? '' : 's'}${j.state === 'running' ? `, ${j.rate}/s` : ''}`],
    ['lag', j.lagMs === null ? '-' : `p50 ${j.lagMs.p50} ms, p99 ${j.lagMs.p99} ms, last ${j.lagMs.last} ms`],
  ];
  if (j.capture !== null) {
    rows.push(['source head', j.capture.head ?? '-']);
    if (j.capture.retainedBytes !== undefined) rows.push(['retained log', bytes(j.capture.retainedBytes)]);
    if (j.capture.lagBytes !== undefined) rows.push(['behind by', bytes(j.capture.lagBytes)]);
    if (j.capture.pendingChanges !== undefined) rows.push(['pending changes', String(j.capture.pendingChanges)]);
    if (!j.capture.exists) rows.push(['capture', paint.red(io, 'missing on the source')]);
    for (const n of j.capture.notes ?? []) rows.push(['note', paint.yellow(io, n)]);
  }
  for (const [name, t] of Object.entries(j.tables)) {
    rows.push([
      `  ${name}`,
      `${t.state === 'paused' ? paint.yellow(io, 'paused') : t.state}, ${t.changes} changes${t.reason === undefined ? '' : ` (${t.reason})`}`,
    ]);
    if (t.command !== undefined) rows.push(['', `to go on: ${t.command}`]);
  }
  if (j.resync !== null) rows.push(['lost', `${paint.red(io, `error[${j.resync.code}]`)}: ${j.resync.message}`], ['', `to go on: ${j.resync.command}`]);
  if (j.lastError !== null) rows.push([j.recovered ? 'recovered from' : 'last error', `${j.lastError.at} ${j.lastError.code}: ${j.lastError.message}`]);
  for (const p of j.problems) rows.push(['unreadable', p]);
  io.out(table(rows, '  '));
}

export async function status(io: Io, job: string | undefined, opts: { json?: boolean }): Promise<number> {
  const { replicateStatus } = await import('../ops/replicate.js');
  const result: ReplicateStatus = await replicateStatus({ cwd: io.cwd, env: io.env, ...(job === undefined ? {} : { job }) });
  if (opts.json === true) json(io, result);
  else renderStatus(io, result);
  return 0;
}

export function renderStatus(io: Io, result: ReplicateStatus): void {
  if (result.jobs.length === 0) io.out('no replication jobs (redb replicate <src> <dst> starts one)');
  for (const j of result.jobs) renderJob(io, j);
  for (const o of result.unowned) io.out(paint.yellow(io, `${o.kind} ${o.name} on ${o.source} belongs to no job of this project (job ${o.job})`));
}

export async function drop(io: Io, job: string, opts: { json?: boolean }): Promise<number> {
  const { replicateDrop } = await import('../ops/replicate.js');
  const result = await replicateDrop({ cwd: io.cwd, env: io.env, job });
  if (opts.json === true) json(io, result);
  else io.out(`dropped ${result.job}${result.removed.length > 0 ? `: removed ${result.removed.join(', ')}` : ''}`);
  return 0;
}
