import { spawn, type ChildProcess } from 'node:child_process';
import { JOB_MARK, jobArgv, removeJobPid, writeJobPid, type DaemonJob, type JobReport, type JobState, type JobStatus, type Store } from '../ops/daemon.js';
import { lineSplitter } from '../ops/daemon-protocol.js';
import { backoffDelay, failuresAfter, type BackoffPolicy } from './backoff.js';
import { exitReason, failureLine, readJobLine } from './job-report.js';
import type { DaemonLog } from './log.js';

/**
 * One job, run in isolation: its own process (the redb CLI, `replicate ... --json`), in its own
 * process group, its stdout read as JSON lines for state and metrics. When it ends without being
 * asked it starts again after a backoff, with the reason kept for status; nothing it does can take
 * the daemon or another job down.
 */

export interface RunnerContext {
  readonly store: Store;
  readonly log: DaemonLog;
  /** The program and leading arguments a job runs with: node and redb's cli.js. */
  readonly command: readonly [string, ...string[]];
  readonly env: NodeJS.ProcessEnv;
  readonly policy: BackoffPolicy;
  /** How long a job gets to stop at a transaction boundary after SIGTERM before it is killed. */
  readonly graceMs: number;
}

/** Lines of stderr kept to explain a failure. */
const STDERR_TAIL = 20;

export class JobRunner {
  private state: JobState = 'stopped';
  private since = new Date();
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private failures = 0;
  private startedAt = 0;
  private lastExit: JobStatus['lastExit'] = null;
  private nextStartAt: Date | undefined;
  private report: JobReport | null = null;
  private problem: string | undefined;
  private stderrTail: string[] = [];
  /** What the process was asked to become when it stops, if it was asked. */
  private stopping: 'paused' | 'stopped' | undefined;

  constructor(
    readonly name: string,
    public job: DaemonJob,
    private readonly ctx: RunnerContext,
  ) {}

  get argv(): string[] {
    return jobArgv(this.name, this.job);
  }

  /** Run it unless it runs or waits already. */
  ensureRunning(): void {
    if (this.state === 'running' || this.state === 'starting' || this.state === 'backoff') return;
    this.failures = 0;
    this.spawn();
  }

  /** Stop the process (if any) and stay stopped: `paused` or `stopped` for good. */
  async stop(as: 'paused' | 'stopped'): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextStartAt = undefined;
    const child = this.child;
    if (child === undefined || this.exited === undefined) {
      this.enter(as);
      return;
    }
    this.stopping = as;
    this.enter('stopping');
    const pid = child.pid;
    if (pid !== undefined) signalGroup(pid, 'SIGTERM');
    const killer = setTimeout(() => {
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      this.ctx.log.warn('job did not stop in time; killed', { job: this.name, pid, graceMs: this.ctx.graceMs });
    }, this.ctx.graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  status(): JobStatus {
    return {
      name: this.name,
      source: this.job.source,
      target: this.job.target,
      state: this.state,
      pid: this.child?.pid ?? null,
      since: this.since.toISOString(),
      restarts: this.restarts,
      lastExit: this.lastExit,
      nextStartAt: this.nextStartAt?.toISOString() ?? null,
      report: this.report,
    };
  }

  private enter(state: JobState): void {
    if (state !== this.state) this.since = new Date();
    this.state = state;
  }

  private spawn(): void {
    this.nextStartAt = undefined;
    this.stderrTail = [];
    this.problem = undefined;
    this.enter('starting');
    const [program, ...lead] = this.ctx.command;
    const args = [...lead, ...this.argv];
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        cwd: this.ctx.store.root,
        // Its own process group: stopping it stops what it started; a terminal's Ctrl-C reaches the daemon only.
        detached: true,
        // The IPC channel tells the job when the daemon is gone (it stops then, see cli.ts); it carries nothing else.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...this.ctx.env, REDB_DAEMON_JOB: this.name, [JOB_MARK]: this.ctx.store.gitdir, NO_COLOR: '1' },
      });
    } catch (e) {
      this.ended(null, null, `could not start: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    let done!: () => void;
    this.exited = new Promise((resolve) => (done = resolve));
    const pid = child.pid;
    if (pid !== undefined) {
      this.enter('running');
      this.ctx.log.info('job started', { job: this.name, pid, argv: this.argv });
      void writeJobPid(this.ctx.store, this.name, pid, process.pid).catch((e: unknown) =>
        this.ctx.log.warn('could not record the job pid', { job: this.name, pid, error: String(e) }),
      );
    }
    child.stdout?.on(
      'data',
      lineSplitter(
        (line) => this.onStdout(line),
        () => this.ctx.log.warn('job wrote a line too long to read; the rest of its output is ignored', { job: this.name }),
      ),
    );
    child.stderr?.on(
      'data',
      lineSplitter(
        (line) => {
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
          this.ctx.log.warn('job stderr', { job: this.name, line });
        },
        () => undefined,
      ),
    );
    // The channel is the job's to watch; a job that writes into it is not listened to.
    child.on('message', () => undefined);
    let ended = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, failed?: string) => {
      if (ended) return;
      ended = true;
      this.child = undefined;
      if (pid !== undefined) void removeJobPid(this.ctx.store, this.name).catch(() => undefined);
      this.ended(code, signal, failed);
      done();
    };
    child.once('error', (e) => finish(null, null, `could not start: ${e.message}`));
    // 'close' waits for its output too (the last stderr line is the reason); 'exit' alone may come first.
    child.once('close', (code, signal) => finish(code, signal));
  }

  private onStdout(line: string): void {
    const read = readJobLine(line, this.report, new Date());
    if (read.kind === 'report') this.report = read.report;
    else if (read.kind === 'problem') {
      this.problem = read.text;
      this.ctx.log.warn('job reported a problem', { job: this.name, problem: read.text });
    } else this.ctx.log.info('job output', { job: this.name, line: read.text });
  }

  private ended(code: number | null, signal: NodeJS.Signals | null, failed?: string): void {
    const requested = this.stopping;
    this.stopping = undefined;
    const said = failed ?? failureLine(this.stderrTail) ?? this.problem;
    const reason = exitReason(code, signal, said, requested !== undefined);
    this.lastExit = { code, signal, at: new Date().toISOString(), reason };
    if (requested !== undefined) {
      this.ctx.log.info(`job ${requested === 'paused' ? 'paused' : 'stopped'}`, { job: this.name, code, signal });
      this.enter(requested);
      return;
    }
    // Ended by itself: whatever the exit code, a replication job is meant to keep running.
    this.failures = failuresAfter(this.failures, Date.now() - this.startedAt, this.ctx.policy);
    this.restarts++;
    const delay = backoffDelay(this.failures, this.ctx.policy);
    this.nextStartAt = new Date(Date.now() + delay);
    this.enter('backoff');
    this.ctx.log.warn('job ended; restarting after a backoff', { job: this.name, code, signal, reason, failures: this.failures, delayMs: delay });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'backoff') this.spawn();
    }, delay);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}
