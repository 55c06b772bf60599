import { z } from 'zod';
import type { Store } from './paths.js';
import { readJson, writeJson } from './config.js';

/**
 * `.redb/jobs.json`: the jobs the daemon keeps running. Only what the user asked for (source,
 * target, options, paused or not); a job's position lives in its target and its live state in the
 * daemon, so losing the daemon loses nothing. Validated on every read.
 */

/** As replication jobs are named everywhere (adapters/changes.ts): they also name pid files and metric labels. */
const JOB_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const DaemonJob = z
  .object({
    kind: z.literal('replicate'),
    /** A bound name or a URL, as given (passwords only as `${VAR}` or `${secret:name}`). */
    source: z.string().min(1),
    target: z.string().min(1),
    /** `--tables`: source tables, as given; absent: all of them. */
    tables: z.array(z.string().min(1)).optional(),
    /** `--mask`: a policy file, relative to the project root or absolute. */
    mask: z.string().min(1).optional(),
    /** `--allow lossy`. */
    allowLossy: z.boolean().optional(),
    /** `--allow drops-data`: columns dropped on the source are dropped on the target. */
    allowDrops: z.boolean().optional(),
    /** `--yes`: a new job's target that differs from the source is brought to its shape without asking. */
    yes: z.boolean().optional(),
    paused: z.boolean(),
    created: z.string(),
  })
  .strict();
export type DaemonJob = z.infer<typeof DaemonJob>;

export const DaemonJobs = z
  .object({
    version: z.literal(1),
    jobs: z.record(z.string().regex(JOB_NAME, 'a job name is a lower-case letter, then up to 39 lower-case letters, digits or underscores'), DaemonJob),
  })
  .strict();
export type DaemonJobs = z.infer<typeof DaemonJobs>;

const JOBS_FILE = 'jobs.json';

export const readDaemonJobs = (store: Store): Promise<DaemonJobs> => readJson(store, JOBS_FILE, DaemonJobs, { version: 1, jobs: {} });
/** Atomic and durable (safe-fs): a kill leaves the old list or the new one. Writers hold the repository lock. */
export const writeDaemonJobs = (store: Store, jobs: DaemonJobs): Promise<void> => writeJson(store, JOBS_FILE, DaemonJobs.parse(jobs));

/** The redb arguments that run a job: the same foreground command a user would type, as JSON lines. */
export function jobArgv(name: string, job: DaemonJob): string[] {
  return [
    'replicate',
    job.source,
    job.target,
    '--name',
    name,
    ...(job.tables === undefined ? [] : ['--tables', job.tables.join(',')]),
    ...(job.mask === undefined ? [] : ['--mask', job.mask]),
    ...allowArgs(job),
    '--json',
    // Nobody can be asked in the daemon: without the user's --yes, a target plan stops the job and status says so.
    ...(job.yes === true ? ['--yes'] : []),
  ];
}

/** `--allow` as the replicate command takes it: one comma-separated list. */
function allowArgs(job: DaemonJob): string[] {
  const allowed = [...(job.allowLossy === true ? ['lossy'] : []), ...(job.allowDrops === true ? ['drops-data'] : [])];
  return allowed.length === 0 ? [] : ['--allow', allowed.join(',')];
}
