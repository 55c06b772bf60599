import { errors, isRedbError } from '../errors.js';
import { daemonJobDrop, daemonJobPause, daemonJobResume, daemonJobs, replicateToDaemon, type DaemonJobView } from '../ops/daemon-jobs.js';
import { JOB_HEADER, jobRow } from './daemon.js';
import type { Opts } from './verbs.js';
import { json, paint, table, type Io } from './output.js';

/** `redb replicate ... --daemon` and the verbs that control daemon jobs: status, pause, resume, drop. */

export async function run(io: Io, source: string, target: string, opts: Opts<'replicate'>): Promise<number> {
  // Without --daemon the job runs here, in the foreground, until Ctrl-C.
  if (opts.daemon !== true) return (await import('./replicate.js')).default(io, source, target, opts);
  // The same --allow as in the foreground: the daemon runs the job as that command.
  const { parseAllow } = await import('./replicate.js');
  const allow = parseAllow(opts.allow);
  const tables = opts.tables
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const r = await replicateToDaemon({
    cwd: io.cwd,
    env: io.env,
    source,
    target,
    name: opts.name,
    tables,
    mask: opts.mask,
    allowLossy: allow.allowLossy,
    allowDrops: allow.allowDrops,
    yes: opts.yes === true,
    metrics: opts.metrics,
  });
  if (opts.json) json(io, r);
  else {
    io.out(
      `${r.created ? 'job' : 'updated job'} ${paint.bold(io, r.job.name)} (${r.job.source} -> ${r.job.target}) runs in the daemon (pid ${r.daemon.pid}${r.daemon.started ? ', started now' : ''})`,
    );
    io.err(paint.dim(io, `redb replicate status ${r.job.name} shows how it does; redb daemon logs -f follows it`));
  }
  return 0;
}

const row = (io: Io, j: DaemonJobView): string[] =>
  j.live === null
    ? [paint.bold(io, j.name), paint.dim(io, j.paused ? 'paused' : 'not running'), '-', '-', '-', '-', `${j.source} -> ${j.target}`]
    : jobRow(io, j.live);

/**
 * Every job of the project: the foreground records (state, position, lag, per table) and, beside
 * them, the daemon's view of the jobs it runs (restarts, why one waits).
 */
export async function status(io: Io, name: string | undefined, opts: Opts<'replicate status'>): Promise<number> {
  const { replicateStatus } = await import('../ops/replicate.js');
  const daemon = await daemonJobs({ cwd: io.cwd, env: io.env });
  const inDaemon = name === undefined ? daemon.jobs : daemon.jobs.filter((j) => j.name === name);
  const recorded = await replicateStatus({ cwd: io.cwd, env: io.env, ...(name === undefined ? {} : { job: name }) }).catch((e: unknown) => {
    // A job handed to the daemon that has not run yet has no record of its own.
    if (isRedbError(e, 'REDB_REPLICATE_JOB_NOT_FOUND') && inDaemon.length > 0) return { jobs: [], unowned: [] };
    if (isRedbError(e, 'REDB_REPLICATE_JOB_NOT_FOUND'))
      throw errors.replicateJobNotFound(e.data.job, [...new Set([...e.data.known, ...daemon.jobs.map((j) => j.name)])].sort());
    throw e;
  });
  if (opts.json) {
    json(io, { ...recorded, daemon: { running: daemon.daemon, jobs: inDaemon } });
    return 0;
  }
  await (await import('./replicate.js')).renderStatus(io, recorded);
  if (inDaemon.length > 0) {
    io.out('');
    io.out(paint.bold(io, 'in the daemon'));
    io.out(table([JOB_HEADER.map((h) => paint.dim(io, h)), ...inDaemon.map((j) => row(io, j))]));
    if (!daemon.daemon) io.err(paint.dim(io, 'the daemon is not running: redb daemon start runs these jobs'));
  }
  return 0;
}

export async function pause(io: Io, name: string, opts: Opts<'replicate pause'>): Promise<number> {
  const r = await daemonJobPause({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else io.out(`paused ${paint.bold(io, name)}${r.daemon ? '' : ' (the daemon is not running; it will not start this job until it is resumed)'}`);
  return 0;
}

export async function resume(io: Io, name: string, opts: Opts<'replicate resume'>): Promise<number> {
  const r = await daemonJobResume({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else io.out(`resumed ${paint.bold(io, name)} in the daemon (pid ${r.daemon.pid}${r.daemon.started ? ', started now' : ''})`);
  return 0;
}

/** Remove a job: from the daemon (its process stopped), then what it made on the source and its position in the target. */
export async function drop(io: Io, name: string, opts: Opts<'replicate drop'>): Promise<number> {
  const { replicateDrop: dropRecorded } = await import('../ops/replicate.js');
  const daemon = await daemonJobs({ cwd: io.cwd, env: io.env });
  const inDaemon = daemon.jobs.some((j) => j.name === name);
  const stopped = inDaemon ? (await daemonJobDrop({ cwd: io.cwd, env: io.env, name })).stopped : false;
  const recorded = await dropRecorded({ cwd: io.cwd, env: io.env, job: name, waitMs: inDaemon ? 15_000 : 0, force: opts.force === true }).catch(
    (e: unknown) => {
      if (inDaemon && isRedbError(e, 'REDB_REPLICATE_JOB_NOT_FOUND')) return { job: name, removed: [] as string[], kept: [] as string[], left: [] as string[] };
      throw e;
    },
  );
  if (opts.json) json(io, { ...recorded, daemon: inDaemon, stopped });
  else
    io.out(
      `dropped ${paint.bold(io, name)}${recorded.removed.length > 0 ? `: removed ${summary(recorded.removed)}` : ''}${stopped ? ' (its process in the daemon was stopped)' : ''}${recorded.kept.length > 0 ? `; kept the stream ${recorded.kept.join(', ')} (other consumers may read it; delete it with the nats tool when none does)` : ''}`,
    );
  // Forgotten with --force: what is still out there, for a person to remove if it comes back.
  if (!opts.json && recorded.left.length > 0) io.err(paint.yellow(io, `warning: left behind (could not be reached): ${recorded.left.join('; ')}`));
  return 0;
}

/** `trigger a on x, trigger b on x, ...` as `2 triggers on x`: a job on a wide source makes many. */
function summary(removed: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const item of removed) {
    const m = /^(\S+) (.+?) (on|in) (.+)$/.exec(item);
    const key = m === null ? item : `${m[1]}\u0000${m[3]} ${m[4]}`;
    groups.set(key, [...(groups.get(key) ?? []), m === null ? item : (m[2] as string)]);
  }
  return [...groups.entries()]
    .map(([key, names]) => {
      const [kind, where] = key.split('\u0000');
      if (where === undefined) return key;
      return names.length === 1 ? `${kind} ${names[0]} ${where}` : `${names.length} ${kind}s ${where}`;
    })
    .join(', ');
}
