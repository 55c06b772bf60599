import { errors } from '../errors.js';
import { replicateDrop, replicateJobs, replicatePause, replicateResume, replicateToDaemon, type DaemonJobView } from '../ops/replicate-jobs.js';
import { JOB_HEADER, jobRow } from './daemon.js';
import { json, paint, table, type Io } from './output.js';

/** `redb replicate ... --daemon` and the verbs that control daemon jobs: status, pause, resume, drop. */

interface ReplicateOpts {
  tables?: string;
  mask?: string;
  allow?: string;
  name?: string;
  daemon?: boolean;
  metrics?: string;
  yes?: boolean;
  json?: boolean;
}

export async function run(io: Io, source: string, target: string, opts: ReplicateOpts): Promise<number> {
  // The foreground job is `redb replicate` without --daemon.
  if (opts.daemon !== true) throw errors.usage('this build runs replication jobs through the daemon only', 'add --daemon');
  if (opts.allow !== undefined && opts.allow !== 'lossy') throw errors.usage(`--allow takes 'lossy', not '${opts.allow}'`);
  const tables = opts.tables?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const r = await replicateToDaemon({ cwd: io.cwd, env: io.env, source, target, name: opts.name, tables, mask: opts.mask, allowLossy: opts.allow === 'lossy', metrics: opts.metrics });
  if (opts.json) json(io, r);
  else {
    io.out(`${r.created ? 'job' : 'updated job'} ${paint.bold(io, r.job.name)} (${r.job.source} -> ${r.job.target}) runs in the daemon (pid ${r.daemon.pid}${r.daemon.started ? ', started now' : ''})`);
    io.err(paint.dim(io, `redb replicate status ${r.job.name} shows how it does; redb daemon logs -f follows it`));
  }
  return 0;
}

const row = (io: Io, j: DaemonJobView): string[] =>
  j.live === null ? [paint.bold(io, j.name), paint.dim(io, j.paused ? 'paused' : 'not running'), '-', '-', '-', '-', `${j.source} -> ${j.target}`] : jobRow(io, j.live);

export async function status(io: Io, name: string | undefined, opts: { json?: boolean }): Promise<number> {
  const r = await replicateJobs({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else if (r.jobs.length === 0) io.out(paint.dim(io, 'no daemon jobs; redb replicate <src> <dst> --daemon adds one'));
  else {
    io.out(table([JOB_HEADER.map((h) => paint.dim(io, h)), ...r.jobs.map((j) => row(io, j))]));
    if (!r.daemon) io.err(paint.dim(io, 'the daemon is not running: redb daemon start runs these jobs'));
  }
  return 0;
}

export async function pause(io: Io, name: string, opts: { json?: boolean }): Promise<number> {
  const r = await replicatePause({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else io.out(`paused ${paint.bold(io, name)}${r.daemon ? '' : ' (the daemon is not running; it will not start this job until it is resumed)'}`);
  return 0;
}

export async function resume(io: Io, name: string, opts: { json?: boolean }): Promise<number> {
  const r = await replicateResume({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else io.out(`resumed ${paint.bold(io, name)} in the daemon (pid ${r.daemon.pid}${r.daemon.started ? ', started now' : ''})`);
  return 0;
}

export async function drop(io: Io, name: string, opts: { json?: boolean }): Promise<number> {
  const r = await replicateDrop({ cwd: io.cwd, env: io.env, name });
  if (opts.json) json(io, r);
  else io.out(`dropped ${paint.bold(io, name)}${r.stopped ? ' (its process was stopped)' : ''}`);
  return 0;
}
