import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors, isNotFound } from '../errors.js';
import type { Store } from '../repo/paths.js';
import { safeFsOf } from '../repo/safe-fs.js';
import { JobRecord, type JobRecords } from '../replicate/job-record.js';

/** Replication jobs in the project: `.redb/state/replicate/<job>.json`, validated on every read. */

const dir = (store: Store): string => join(store.gitdir, 'state', 'replicate');
export const jobFile = (store: Store, job: string): string => join(dir(store), `${job}.json`);

export async function readJob(store: Store, job: string): Promise<JobRecord | undefined> {
  const file = jobFile(store, job);
  const text = await readFile(file, 'utf8').catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw errors.invalidConfig(file, 'not JSON');
  }
  const parsed = JobRecord.safeParse(json);
  if (!parsed.success) throw errors.invalidConfig(file, `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export async function listJobs(store: Store): Promise<JobRecord[]> {
  const names = await readdir(dir(store)).catch(() => [] as string[]);
  const jobs: JobRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const job = await readJob(store, name.slice(0, -5));
    if (job !== undefined) jobs.push(job);
  }
  return jobs;
}

/** Written whole and atomically (a kill leaves the old record or the new one). */
export async function writeJob(store: Store, record: JobRecord): Promise<void> {
  await safeFsOf(store).writeFile(jobFile(store, record.job), `${JSON.stringify(JobRecord.parse(record), null, 2)}\n`);
}

export async function removeJob(store: Store, job: string): Promise<void> {
  const safe = safeFsOf(store);
  await safe.remove(jobFile(store, job));
  await safe.removeEmptyDir(dir(store));
}

/** The records of one project, as a running job reads and writes its own. */
export const jobRecords = (store: Store): JobRecords => ({ read: (job) => readJob(store, job), write: (record) => writeJob(store, record) });
