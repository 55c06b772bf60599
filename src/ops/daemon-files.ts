import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { isNotFound } from '../errors.js';
import { bootId, procStart, readJson, safeFsOf, writeJson, type Store } from '../repo/index.js';

/**
 * Where the daemon of a project keeps its runtime state, all under `.redb/state/`: the control
 * socket, `daemon.json` (who runs, where, the control token), the log, and one pid file per running
 * job. None of it is needed to resume: the jobs are in `.redb/jobs.json`, positions in the targets.
 */

export interface DaemonPaths {
  readonly stateDir: string;
  readonly socket: string;
  readonly info: string;
  readonly log: string;
  /** Pid files of job processes: how a daemon started after a crash finds what the old one left running. */
  readonly jobsDir: string;
}

export function daemonPaths(store: Store): DaemonPaths {
  const stateDir = join(store.gitdir, 'state');
  return {
    stateDir,
    socket: join(stateDir, 'daemon.sock'),
    info: join(stateDir, 'daemon.json'),
    log: join(stateDir, 'daemon.log'),
    jobsDir: join(stateDir, 'daemon'),
  };
}

export const DaemonInfo = z
  .object({
    version: z.literal(1),
    pid: z.number().int().positive(),
    /** Linux: the boot and the process start time, so a reused pid is not taken for the daemon. */
    boot: z.string().optional(),
    procStart: z.string().optional(),
    started: z.string(),
    socket: z.string(),
    /** Where metrics are served (host:port), if they are. */
    metrics: z.string().nullable(),
    /** Every request carries it; the file is readable by the owner only. */
    token: z.string().min(16),
  })
  .strict();
export type DaemonInfo = z.infer<typeof DaemonInfo>;

const INFO_FILE = join('state', 'daemon.json');

export const readDaemonInfo = async (store: Store): Promise<DaemonInfo | undefined> =>
  (await readJson(store, INFO_FILE, DaemonInfo.optional(), undefined)) ?? undefined;
/** Written by the daemon itself once it listens: its pid (with what tells a reused pid apart), where it listens, its token. */
export const writeDaemonInfo = (store: Store, info: Pick<DaemonInfo, 'started' | 'socket' | 'metrics' | 'token'>): Promise<void> =>
  writeJson(store, INFO_FILE, DaemonInfo.parse({ version: 1, pid: process.pid, boot: bootId(), procStart: procStart(process.pid), ...info }));
export const removeDaemonInfo = (store: Store): Promise<void> => safeFsOf(store).remove(daemonPaths(store).info);

export const JobPid = z
  .object({
    pid: z.number().int().positive(),
    boot: z.string().optional(),
    procStart: z.string().optional(),
    /** The daemon that started it. */
    daemon: z.number().int().positive(),
    started: z.string(),
  })
  .strict();
export type JobPid = z.infer<typeof JobPid>;

const pidFile = (store: Store, job: string): string => join(daemonPaths(store).jobsDir, `${job}.pid`);

/** Recorded as soon as the process exists: a daemon killed a moment later still leaves its trace. */
export async function writeJobPid(store: Store, job: string, pid: number, daemon: number): Promise<void> {
  const record: JobPid = { pid, boot: bootId(), procStart: procStart(pid), daemon, started: new Date().toISOString() };
  await safeFsOf(store).writeFile(pidFile(store, job), `${JSON.stringify(JobPid.parse(record))}\n`);
}

export const removeJobPid = (store: Store, job: string): Promise<void> => safeFsOf(store).remove(pidFile(store, job));

/** Every job pid file; a damaged one is reported with `pid: undefined` so that it can be removed. */
export async function listJobPids(store: Store): Promise<{ job: string; record: JobPid | undefined }[]> {
  const dir = daemonPaths(store).jobsDir;
  let names: string[];
  try {
    names = await store.fs.promises.readdir(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const found: { job: string; record: JobPid | undefined }[] = [];
  for (const name of names.filter((n) => n.endsWith('.pid')).sort()) {
    const text = await store.fs.promises.readFile(join(dir, name), 'utf8').catch(() => '');
    let parsed: JobPid | undefined;
    try {
      parsed = JobPid.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    found.push({ job: name.slice(0, -'.pid'.length), record: parsed });
  }
  return found;
}

/** The variable every job process carries (with the project's .redb path): how a crashed daemon's jobs are found without their pid files. */
export const JOB_MARK = 'REDB_DAEMON_PROJECT';

/**
 * Linux: every live process of this user that carries the job mark of this project, with the
 * job's name. It closes the moment between starting a job and recording its pid; elsewhere only
 * the pid files are used.
 */
export function markedProcesses(gitdir: string): { pid: number; job: string }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const mark = `${JOB_MARK}=${gitdir}`;
  const found: { pid: number; job: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const vars = environ.split('\0');
    if (!vars.includes(mark)) continue;
    const job = vars.find((v) => v.startsWith('REDB_DAEMON_JOB='))?.slice('REDB_DAEMON_JOB='.length) ?? '?';
    if (procState(Number(entry)) !== 'Z') found.push({ pid: Number(entry), job });
  }
  return found;
}

/** The one-letter state of /proc/<pid>/stat (R, S, Z, ...), where there is a /proc. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Whether `pid` is alive and, where it can be told, the same process as recorded (not a reused pid, not a zombie). */
export function processAlive(pid: number, recorded?: { boot?: string | undefined; procStart?: string | undefined }): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive, someone else's.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (procState(pid) === 'Z') return false;
  const boot = bootId();
  if (recorded?.boot !== undefined && boot !== undefined && recorded.boot !== boot) return false;
  if (recorded?.procStart !== undefined) {
    const now = procStart(pid);
    if (now !== undefined && now !== recorded.procStart) return false;
  }
  return true;
}

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  // Jobs run as the leaders of their own process groups: the group takes what they started too.
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }
};

/**
 * Stop a process and its group: SIGTERM (a replication job stops at a transaction boundary), then
 * SIGKILL after `graceMs`. Resolves once it is gone; says whether it had to be killed.
 */
export async function stopProcess(
  pid: number,
  graceMs: number,
  recorded?: { boot?: string | undefined; procStart?: string | undefined },
): Promise<'gone' | 'stopped' | 'killed'> {
  if (!processAlive(pid, recorded)) return 'gone';
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid, recorded)) return 'stopped';
    await sleep(50);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && processAlive(pid, recorded); i++) await sleep(50);
  return 'killed';
}
