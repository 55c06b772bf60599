import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { redb, redbOk, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

/** A project whose daemon runs the stand-in job (fixtures/fake-job.mjs) in place of `redb replicate`. */
export const FAKE_JOB = join(import.meta.dirname, 'fixtures', 'fake-job.mjs');

export interface Project {
  readonly root: string;
  readonly gitdir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly starts: string;
  run(args: readonly string[], env?: NodeJS.ProcessEnv): CliResult;
  ok(args: readonly string[], env?: NodeJS.ProcessEnv): CliResult;
  cleanup(): void;
}

export function project(prefix = 'redb-daemon-'): Project {
  const dir = tempDir(prefix);
  const root = dir.path;
  const starts = join(root, 'starts.log');
  const env = { REDB_DAEMON_JOB_CLI: FAKE_JOB, FAKE_JOB_LOG: starts };
  redbOk(root, ['init']);
  const p: Project = {
    root,
    gitdir: join(root, '.redb'),
    env,
    starts,
    run: (args, more = {}) => redb(root, args, { ...env, ...more }),
    ok: (args, more = {}) => redbOk(root, args, { ...env, ...more }),
    cleanup: () => {
      redb(root, ['daemon', 'stop'], env);
      for (const pid of markedPids(join(root, '.redb'))) kill(pid, 'SIGKILL');
      dir.cleanup();
    },
  };
  return p;
}

export interface JobView {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
  lastExit: { code: number | null; reason: string } | null;
  report: { changes?: number; lagMs?: { p99: number } | null; retainedWalBytes?: number } | null;
}
export interface StatusView {
  running: boolean;
  pid?: number;
  socket: string;
  metrics?: string | null;
  jobs: JobView[];
  leftovers?: number;
}

export function status(p: Project): StatusView {
  return JSON.parse(p.ok(['daemon', 'status', '--json']).stdout) as StatusView;
}

export const job = (s: StatusView, name: string): JobView => {
  const j = s.jobs.find((x) => x.name === name);
  if (j === undefined) throw new Error(`no job ${name} in ${JSON.stringify(s)}`);
  return j;
};

/** Poll until `check` returns a value (not undefined/false), or fail naming what was awaited. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await sleep(150);
  }
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone.
  }
}

/** Every live process that runs a job of this project (the mark the daemon gives its jobs), found independently of the daemon. */
export function markedPids(gitdir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`REDB_DAEMON_PROJECT=${gitdir}`) && alive(Number(entry)))
        found.push(Number(entry));
    } catch {
      // Gone, or not ours.
    }
  }
  return found.sort((a, b) => a - b);
}

/** Starts of a job the stand-in recorded: pid and time. */
export function startsOf(p: Project, name: string): { pid: number; at: number }[] {
  let text = '';
  try {
    text = readFileSync(p.starts, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[0] === name)
    .map((f) => ({ pid: Number(f[1]), at: Number(f[2]) }));
}

export const daemonPid = (p: Project): number => (JSON.parse(readFileSync(join(p.gitdir, 'state', 'daemon.json'), 'utf8')) as { pid: number }).pid;

export function runAs(user: string, cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync('runuser', ['-u', user, '--', ...argv], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
