import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors, RedbError } from '../errors.js';
import { readDaemonJobs, safeFsOf, withLock, type Store } from '../repo/index.js';
import { callDaemon, checkSocketPath, probeDaemon } from './daemon-client.js';
import { daemonPaths, listJobPids, markedProcesses, processAlive, removeJobPid, stopProcess } from './daemon-files.js';
import type { DaemonStatus, JobStatus } from './daemon-protocol.js';
import { findStore, type OpContext } from './find-store.js';

/**
 * The daemon seen from the command line: start it in the background, stop it, ask it how its jobs
 * do. One daemon per project (see docs/daemon.md): it lives in the project's `.redb/state/`, runs the
 * jobs of `.redb/jobs.json`, and is found through its socket there.
 */

export { jobArgv, readDaemonJobs, type DaemonJob, type DaemonJobs, type Store } from '../repo/index.js';
export { daemonPaths, JOB_MARK, readDaemonInfo, writeDaemonInfo, removeDaemonInfo, writeJobPid, removeJobPid, type DaemonInfo } from './daemon-files.js';
export { JobState, type DaemonStatus, type JobReport, type JobStatus } from './daemon-protocol.js';
export { findStore } from './find-store.js';

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port` (IPv6 as `[::1]:port`), loopback only: the metrics say what runs where, not for the network. */
export function parseMetricsAddress(value: string): MetricsAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  if (m === null) throw errors.daemonMetricsAddress(value, 'expected host:port, e.g. 127.0.0.1:9464');
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  const port = Number(m[3]);
  if (port > 65535) throw errors.daemonMetricsAddress(value, `${port} is not a port`);
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback) throw errors.daemonMetricsAddress(value, `${host} is not a loopback address (127.0.0.1, ::1 or localhost)`);
  return { host, port };
}

/** The redb CLI this build runs as: what the daemon starts jobs with, and what `daemon start` runs. */
export const cliPath = (): string => fileURLToPath(new URL('../cli.js', import.meta.url));

/**
 * The program and leading arguments of a job: node and this build's cli.js, or the script named by
 * REDB_DAEMON_JOB_CLI (another redb build, e.g. a development checkout; tests run a stand-in).
 */
export function jobCommand(env: NodeJS.ProcessEnv): [string, string] {
  const other = env.REDB_DAEMON_JOB_CLI;
  return [process.execPath, other !== undefined && other !== '' ? other : cliPath()];
}

/** How long a job gets to stop at a transaction boundary before it is killed. */
export const STOP_GRACE_MS = 10_000;

/** Create `.redb/state/` and its `daemon/` folder as real folders (never through a link). */
export async function ensureDaemonDirs(store: Store): Promise<void> {
  const paths = daemonPaths(store);
  await safeFsOf(store).realDir(paths.jobsDir, { create: true });
}

/**
 * Become the project's daemon: under the repository lock, so two starting at once cannot both
 * recover the same stale socket, check that nobody answers on it (REDB_DAEMON_RUNNING if someone
 * does), remove a socket a killed daemon left behind, and `listen` on it.
 */
export async function claimDaemonSocket(store: Store, listen: (path: string) => Promise<void>): Promise<{ staleRemoved: boolean }> {
  const { socket } = daemonPaths(store);
  checkSocketPath(socket);
  return withLock(store.gitdir, { command: 'redb daemon start', waitMs: 15_000, fs: store.fs }, async () => {
    const probe = await probeDaemon(store);
    if (probe.running) throw errors.daemonRunning(probe.info.pid, socket);
    // A socket file nobody listens on: what a daemon killed with -9 leaves. probeDaemon refused one of another user.
    if (probe.staleSocket) await store.fs.promises.unlink(socket);
    await listen(socket);
    return { staleRemoved: probe.staleSocket };
  });
}

export interface Leftover {
  readonly job: string;
  readonly pid: number;
  readonly outcome: 'gone' | 'stopped' | 'killed';
}

/**
 * Job processes an earlier daemon left behind (it was killed, its jobs were not): each is stopped,
 * its process group with it, and its pid file removed. Positions live in the targets, so stopping
 * and starting a job again loses nothing; adopting one would leave its output unread.
 */
export async function reapLeftovers(store: Store, graceMs = STOP_GRACE_MS): Promise<Leftover[]> {
  const found = await listJobPids(store);
  const byFile = await Promise.all(
    found.map(async ({ job, record }): Promise<Leftover | undefined> => {
      // A pid file of this very daemon's job is not a leftover.
      if (record !== undefined && record.daemon === process.pid) return undefined;
      const outcome = record === undefined ? 'gone' : await stopProcess(record.pid, graceMs, record);
      await removeJobPid(store, job);
      return record === undefined ? undefined : { job, pid: record.pid, outcome };
    }),
  );
  // Those started a moment before their daemon was killed, before their pid was recorded.
  const unrecorded = markedProcesses(store.gitdir).filter(({ pid }) => !found.some(({ record }) => record?.pid === pid) && !isChild(pid));
  const byMark = await Promise.all(unrecorded.map(async ({ pid, job }): Promise<Leftover> => ({ job, pid, outcome: await stopProcess(pid, graceMs) })));
  return [...byFile.filter((l): l is Leftover => l !== undefined), ...byMark.filter((l) => l.outcome !== 'gone')];
}

/** Whether a process is this one's child (a job of this very daemon), from /proc where there is one. */
function isChild(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
  } catch {
    return false;
  }
}

export interface StartedDaemon {
  readonly pid: number;
  readonly socket: string;
  readonly metrics: string | null;
  readonly log: string;
}

/** Start the daemon in the background and wait until it serves its socket (or says why it could not). */
export async function daemonStart(ctx: OpContext & { metrics?: string | undefined; timeoutMs?: number }): Promise<StartedDaemon> {
  const store = findStore(ctx);
  const paths = daemonPaths(store);
  checkSocketPath(paths.socket);
  if (ctx.metrics !== undefined) parseMetricsAddress(ctx.metrics);
  const probe = await probeDaemon(store);
  if (probe.running) throw errors.daemonRunning(probe.info.pid, paths.socket);
  const child = spawn(process.execPath, [cliPath(), 'daemon', 'start', '--foreground', ...(ctx.metrics === undefined ? [] : ['--metrics', ctx.metrics])], {
    cwd: store.root,
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...(ctx.env ?? process.env), REDB_DAEMON_BACKGROUND: '1' },
  });
  const log = relative(ctx.cwd, paths.log) || paths.log;
  try {
    return await new Promise<StartedDaemon>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(errors.daemonStartFailed(`it did not report ready within ${Math.round((ctx.timeoutMs ?? 30_000) / 1000)} s`, log)),
        ctx.timeoutMs ?? 30_000,
      );
      child.on('message', (m: { ready?: StartedDaemon; error?: { code: string; message: string; hint?: string; data?: Record<string, unknown> } }) => {
        clearTimeout(timer);
        if (m.ready !== undefined) resolve(m.ready);
        else if (m.error !== undefined) reject(RedbError.fromJSON(m.error));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(errors.daemonStartFailed(e.message, log));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(errors.daemonStartFailed(signal === null ? `it exited with code ${code ?? '?'}` : `it was killed by ${signal}`, log));
      });
    });
  } finally {
    // The daemon runs on by itself; this command may end.
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/** Stop the daemon and its jobs, and wait until it is gone. With no daemon, job processes left by a killed one are stopped. */
export async function daemonStop(ctx: OpContext): Promise<{ running: boolean; pid?: number; leftovers: Leftover[] }> {
  const store = findStore(ctx);
  const stop = await callDaemon(store, 'stop');
  if (stop === undefined) return { running: false, leftovers: await reapLeftovers(store) };
  // Jobs get their grace period, then the daemon exits.
  const deadline = Date.now() + STOP_GRACE_MS + 20_000;
  while (processAlive(stop.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(stop.pid)) throw errors.daemonUnreachable(daemonPaths(store).socket, `pid ${stop.pid} was asked to stop and is still running`);
  return { running: true, pid: stop.pid, leftovers: [] };
}

export type DaemonView = ({ running: true } & DaemonStatus) | { running: false; socket: string; logFile: string; jobs: JobStatus[]; leftovers: number };

/** The daemon's status, or, with no daemon, the jobs it would run. */
export async function daemonStatus(ctx: OpContext): Promise<DaemonView> {
  const store = findStore(ctx);
  const status = await callDaemon(store, 'status');
  if (status !== undefined) return { running: true, ...status };
  const paths = daemonPaths(store);
  const { jobs } = await readDaemonJobs(store);
  const since = new Date(0).toISOString();
  const pids = new Set((await listJobPids(store)).flatMap(({ record }) => (record !== undefined && processAlive(record.pid, record) ? [record.pid] : [])));
  for (const { pid } of markedProcesses(store.gitdir)) pids.add(pid);
  const leftovers = pids.size;
  return {
    running: false,
    socket: paths.socket,
    logFile: paths.log,
    leftovers,
    jobs: Object.entries(jobs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, job]) => ({
        name,
        source: job.source,
        target: job.target,
        state: job.paused ? 'paused' : 'stopped',
        pid: null,
        since,
        restarts: 0,
        lastExit: null,
        nextStartAt: null,
        report: null,
      })),
  };
}
