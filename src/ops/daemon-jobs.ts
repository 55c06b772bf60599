import { isAbsolute, relative, resolve } from 'node:path';
import { validateJobName } from '../adapters/changes.js';
import { defaultJobName } from '../replicate/job-record.js';
import { plainSecrets, redactUrl } from '../adapters/url.js';
import { errors } from '../errors.js';
import { readDaemonJobs, writeDaemonJobs, type DaemonJob, type Store } from '../repo/index.js';
import { resolveDb } from './context.js';
import { callDaemon } from './daemon-client.js';
import type { DaemonStatus, JobStatus } from './daemon-protocol.js';
import { daemonStart } from './daemon.js';
import { findStore, writing, type OpContext } from './find-store.js';

/**
 * Replication jobs handed to the daemon (`redb replicate ... --daemon`) and their control verbs.
 * The record in `.redb/jobs.json` is written first, under the repository lock; a running daemon is
 * then told to read it again, so the file and the daemon never disagree for long, and a daemon
 * started later finds every job there.
 */

export interface DaemonJobView {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly paused: boolean;
  /** The daemon's view of it, when a daemon runs. */
  readonly live: JobStatus | null;
}

export interface HandOff {
  readonly job: DaemonJobView;
  readonly created: boolean;
  /** The daemon that runs it, and whether this call started it. */
  readonly daemon: { readonly pid: number; readonly started: boolean };
}

/** A database as a job keeps it: a bound name, or a URL whose password is only ever a `${VAR}` or `${secret:name}`. */
function storable(nameOrUrl: string): string {
  if (/^[a-z+]+:/i.test(nameOrUrl)) {
    const secrets = plainSecrets(nameOrUrl);
    if (secrets.length > 0) throw errors.plainPassword(redactUrl(nameOrUrl), secrets);
  }
  return nameOrUrl;
}

const view = (name: string, job: DaemonJob, live: readonly JobStatus[] | undefined): DaemonJobView => ({
  name,
  source: redactUrl(job.source),
  target: redactUrl(job.target),
  paused: job.paused,
  live: live?.find((j) => j.name === name) ?? null,
});

/** Ask a running daemon to read `.redb/jobs.json` again; its status after, or undefined with no daemon. */
const reload = (store: Store, job?: string): Promise<DaemonStatus | undefined> => callDaemon(store, 'reload', job === undefined ? {} : { job });

/** Reload a running daemon, or start one (which reads the jobs as it starts). */
async function reloadOrStart(
  ctx: OpContext & { metrics?: string | undefined },
  store: Store,
  job: string,
): Promise<{ status: DaemonStatus | undefined; started: boolean }> {
  const running = await reload(store, job);
  if (running !== undefined) return { status: running, started: false };
  await daemonStart(ctx);
  return { status: await callDaemon(store, 'status'), started: true };
}

export async function replicateToDaemon(
  ctx: OpContext & {
    source: string;
    target: string;
    name?: string | undefined;
    tables?: readonly string[] | undefined;
    mask?: string | undefined;
    allowLossy?: boolean | undefined;
    allowDrops?: boolean | undefined;
    yes?: boolean | undefined;
    metrics?: string | undefined;
  },
): Promise<HandOff> {
  const { store, name, created } = await writing(ctx, 'replicate --daemon', async (store) => {
    const source = storable(ctx.source);
    const target = storable(ctx.target);
    const name =
      ctx.name !== undefined
        ? validateJobName(ctx.name)
        : defaultJobName(
            ...((await Promise.all([resolveDb(store, source, ctx.cwd), resolveDb(store, target, ctx.cwd)])).map((d) => ({ name: d.name, url: d.url })) as [
              { name: string; url: string },
              { name: string; url: string },
            ]),
          );
    const all = await readDaemonJobs(store);
    const job: DaemonJob = {
      kind: 'replicate',
      source,
      target,
      ...(ctx.tables === undefined || ctx.tables.length === 0 ? {} : { tables: [...ctx.tables] }),
      // Jobs run from the project root: a policy file is kept relative to it.
      ...(ctx.mask === undefined ? {} : { mask: projectPath(store, ctx.cwd, ctx.mask) }),
      ...(ctx.allowLossy === true ? { allowLossy: true } : {}),
      ...(ctx.allowDrops === true ? { allowDrops: true } : {}),
      ...(ctx.yes === true ? { yes: true } : {}),
      paused: false,
      created: new Date().toISOString(),
    };
    const existing = all.jobs[name];
    if (existing !== undefined && (existing.source !== source || existing.target !== target))
      throw errors.replicateJobExists(name, redactUrl(existing.source), redactUrl(existing.target));
    // The same job again: its options are the ones given now, and it runs (a paused one resumes).
    await writeDaemonJobs(store, { ...all, jobs: { ...all.jobs, [name]: { ...job, created: existing?.created ?? job.created } } });
    return { store, name, created: existing === undefined };
  });
  const { status, started } = await reloadOrStart(ctx, store, name);
  return { job: await viewOf(store, name, status?.jobs), created, daemon: { pid: status?.pid ?? 0, started } };
}

function projectPath(store: Store, cwd: string, file: string): string {
  const absolute = resolve(cwd, file);
  const inside = relative(store.root, absolute);
  return inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
}

async function setPaused(ctx: OpContext & { name: string }, paused: boolean, command: string): Promise<Store> {
  return writing(ctx, command, async (store) => {
    const all = await readDaemonJobs(store);
    const job = all.jobs[ctx.name];
    if (job === undefined) throw errors.replicateJobNotFound(ctx.name, Object.keys(all.jobs).sort());
    if (job.paused !== paused) await writeDaemonJobs(store, { ...all, jobs: { ...all.jobs, [ctx.name]: { ...job, paused } } });
    return store;
  });
}

/** Stop a daemon job and keep it stopped (across daemon restarts) until it is resumed. */
export async function daemonJobPause(ctx: OpContext & { name: string }): Promise<{ job: DaemonJobView; daemon: boolean }> {
  const store = await setPaused(ctx, true, 'replicate pause');
  const status = await reload(store, ctx.name);
  return { job: await viewOf(store, ctx.name, status?.jobs), daemon: status !== undefined };
}

/** Run a paused daemon job again (starting the daemon if it does not run). */
export async function daemonJobResume(ctx: OpContext & { name: string }): Promise<{ job: DaemonJobView; daemon: { pid: number; started: boolean } }> {
  const store = await setPaused(ctx, false, 'replicate resume');
  const { status, started } = await reloadOrStart(ctx, store, ctx.name);
  return { job: await viewOf(store, ctx.name, status?.jobs), daemon: { pid: status?.pid ?? 0, started } };
}

/** Remove a daemon job: its record goes, and a running daemon stops its process. */
export async function daemonJobDrop(ctx: OpContext & { name: string }): Promise<{ name: string; stopped: boolean }> {
  const store = await writing(ctx, 'replicate drop', async (store) => {
    const all = await readDaemonJobs(store);
    if (all.jobs[ctx.name] === undefined) throw errors.replicateJobNotFound(ctx.name, Object.keys(all.jobs).sort());
    const { [ctx.name]: _dropped, ...jobs } = all.jobs;
    await writeDaemonJobs(store, { ...all, jobs });
    return store;
  });
  const status = await reload(store);
  return { name: ctx.name, stopped: status !== undefined };
}

/** Every daemon job, with the daemon's view of it when it runs. */
export async function daemonJobs(ctx: OpContext & { name?: string | undefined }): Promise<{ daemon: boolean; jobs: DaemonJobView[] }> {
  const store = findStore(ctx);
  const status = await callDaemon(store, 'status');
  const { jobs } = await readDaemonJobs(store);
  if (ctx.name !== undefined && jobs[ctx.name] === undefined) throw errors.replicateJobNotFound(ctx.name, Object.keys(jobs).sort());
  const names = Object.keys(jobs)
    .filter((n) => ctx.name === undefined || n === ctx.name)
    .sort();
  return { daemon: status !== undefined, jobs: names.map((n) => view(n, jobs[n] as DaemonJob, status?.jobs)) };
}

async function viewOf(store: Store, name: string, live: readonly JobStatus[] | undefined): Promise<DaemonJobView> {
  const { jobs } = await readDaemonJobs(store);
  const job = jobs[name];
  if (job === undefined) throw errors.replicateJobNotFound(name, Object.keys(jobs).sort());
  return view(name, job, live);
}
