import { isDeepStrictEqual } from 'node:util';
import type { DaemonJobs, JobStatus } from '../ops/daemon.js';
import { JobRunner, type RunnerContext } from './job-runner.js';

/**
 * The set of running jobs, made to match `.redb/jobs.json`: a new job starts, a paused or dropped
 * one stops, a changed one restarts with its new arguments. One reconciliation at a time.
 */
export class Supervisor {
  private readonly runners = new Map<string, JobRunner>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: RunnerContext) {}

  reconcile(wanted: DaemonJobs): Promise<void> {
    const run = this.queue.then(() => this.apply(wanted));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stop every job (SIGTERM, then SIGKILL after the grace period), all at once. */
  stopAll(): Promise<void> {
    const run = this.queue.then(async () => {
      await Promise.all([...this.runners.values()].map((r) => r.stop('stopped')));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  statuses(): JobStatus[] {
    return [...this.runners.values()].map((r) => r.status()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async apply(wanted: DaemonJobs): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [name, runner] of this.runners) {
      if (wanted.jobs[name] !== undefined) continue;
      this.ctx.log.info('job dropped', { job: name });
      work.push(runner.stop('stopped').then(() => void this.runners.delete(name)));
    }
    for (const [name, job] of Object.entries(wanted.jobs)) {
      let runner = this.runners.get(name);
      if (runner !== undefined && !isDeepStrictEqual({ ...runner.job, paused: false }, { ...job, paused: false })) {
        // Its arguments changed: the old process stops, the new one starts from the target's position.
        const old = runner;
        this.ctx.log.info('job changed; restarting it', { job: name });
        await old.stop('stopped');
        runner = undefined;
      }
      if (runner === undefined) {
        runner = new JobRunner(name, job, this.ctx);
        this.runners.set(name, runner);
      }
      runner.job = job;
      if (job.paused) {
        if (runner.status().state !== 'paused') this.ctx.log.info('job paused', { job: name });
        work.push(runner.stop('paused'));
      } else {
        runner.ensureRunning();
      }
    }
    await Promise.all(work);
  }
}
