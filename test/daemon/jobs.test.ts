import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, errorCode } from '../support/cli.js';
import { alive, daemonPid, job, kill, markedPids, project, startsOf, status, waitFor, type Project } from './support.js';

/** Jobs under the daemon, with real processes: the stand-in job (fixtures/fake-job.mjs) in place of `redb replicate`. */

const projects: Project[] = [];
const fresh = (): Project => {
  const p = project('redb-daemon-jobs-');
  projects.push(p);
  return p;
};
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const jobsFile = (p: Project) =>
  JSON.parse(readFileSync(join(p.gitdir, 'jobs.json'), 'utf8')) as { version: number; jobs: Record<string, { source: string; paused: boolean }> };

describe('daemon jobs', () => {
  it('restarts a crashing job with growing backoff and a visible reason, while another keeps running', async () => {
    const p = fresh();
    const added = JSON.parse(p.ok(['replicate', 'sqlite:steady.db', 'sqlite:copy.db', '--name', 'good', '--daemon', '--json']).stdout) as {
      created: boolean;
      daemon: { started: boolean };
    };
    expect(added).toMatchObject({ created: true, daemon: { started: true } });
    p.ok(['replicate', 'sqlite:crash.db', 'sqlite:other.db', '--name', 'bad', '--daemon']);
    expect(Object.keys(jobsFile(p).jobs).sort()).toEqual(['bad', 'good']);

    const good = await waitFor('the good job to run', () => {
      const j = job(status(p), 'good');
      return j.state === 'running' && j.pid !== null && (j.report?.changes ?? 0) > 0 ? j : undefined;
    });
    // Four starts of the crashing job: three restarts, after waits of 1, 2 and 4 seconds.
    await waitFor('three restarts of the crashing job', () => startsOf(p, 'bad').length >= 4, 90_000);
    const s = status(p);
    const bad = job(s, 'bad');
    expect(bad.restarts).toBeGreaterThanOrEqual(3);
    expect(bad.lastExit).toMatchObject({ code: 1 });
    expect(bad.lastExit?.reason).toContain('error[REDB_DB_UNREACHABLE]');
    const starts = startsOf(p, 'bad');
    const gaps = starts.slice(1).map((s2, i) => s2.at - (starts[i] as { at: number }).at);
    // A wait is at least the backoff (the run before it and a busy machine only add to it).
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(4_000);
    expect(new Set(starts.map((x) => x.pid)).size).toBe(starts.length);

    // The other job never stopped: same process, still reporting.
    const still = job(s, 'good');
    expect(still).toMatchObject({ state: 'running', pid: good.pid, restarts: 0 });
    expect(still.report?.changes ?? 0).toBeGreaterThan(good.report?.changes ?? 0);
    expect(startsOf(p, 'good')).toHaveLength(1);

    // The reason is shown to people too.
    const text = p.ok(['replicate', 'status']).stdout;
    expect(text).toMatch(/bad\s+(backoff|running|starting)/);
    const log = p.ok(['daemon', 'logs']).stdout;
    expect(log).toContain('[bad] job ended; restarting after a backoff');
  }, 180_000);

  it('pause, resume and drop reach the running daemon; a paused job stays paused across restarts', async () => {
    const p = fresh();
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:copy.db', '--name', 'one', '--daemon']);
    const first = await waitFor('the job to run', () => job(status(p), 'one').pid ?? undefined);

    const paused = p.ok(['replicate', 'pause', 'one', '--json']);
    expect(JSON.parse(paused.stdout)).toMatchObject({ daemon: true, job: { name: 'one', paused: true, live: { state: 'paused', pid: null } } });
    expect(alive(first)).toBe(false);
    expect(jobsFile(p).jobs.one?.paused).toBe(true);

    p.ok(['daemon', 'stop']);
    p.ok(['daemon', 'start']);
    expect(job(status(p), 'one')).toMatchObject({ state: 'paused', pid: null });
    expect(startsOf(p, 'one')).toHaveLength(1);

    const resumed = JSON.parse(p.ok(['replicate', 'resume', 'one', '--json']).stdout) as { job: { live: { state: string; pid: number } } };
    expect(resumed.job.live.state).toBe('running');
    const second = resumed.job.live.pid;
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);

    const dropped = JSON.parse(p.ok(['replicate', 'drop', 'one', '--json']).stdout) as { stopped: boolean };
    expect(dropped.stopped).toBe(true);
    expect(alive(second)).toBe(false);
    expect(jobsFile(p).jobs).toEqual({});
    expect(status(p).jobs).toEqual([]);

    for (const verb of ['pause', 'resume', 'drop']) {
      const r = p.run(['replicate', verb, 'nosuch']);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_REPLICATE_JOB_NOT_FOUND');
    }
    const plain = p.run(['replicate', 'postgres://u:hunter2@localhost/app', 'sqlite:x.db', '--name', 'leak', '--daemon']);
    expect(errorCode(plain)).toBe('REDB_PLAIN_PASSWORD');
    expect(jobsFile(p).jobs).toEqual({});
  }, 180_000);

  it('after kill -9 of the daemon, start resumes every job and leaves no orphan', async () => {
    const p = fresh();
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:a.db', '--name', 'a', '--daemon']);
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:b.db', '--name', 'b', '--daemon']);
    const before = await waitFor('both jobs to run', () => {
      const s = status(p);
      const pids = s.jobs.map((j) => j.pid);
      return s.jobs.length === 2 && pids.every((x) => x !== null) ? (pids as number[]) : undefined;
    });
    kill(daemonPid(p), 'SIGKILL');
    await sleep(500);
    // The jobs outlive their daemon (the stand-in ignores it going away): without the next start they would run on.
    for (const pid of before) expect(alive(pid)).toBe(true);
    expect(status(p).leftovers).toBe(2);

    p.ok(['daemon', 'start']);
    const after = await waitFor('both jobs to run again', () => {
      const s = status(p);
      return s.jobs.every((j) => j.state === 'running' && j.pid !== null && !before.includes(j.pid)) ? s.jobs.map((j) => j.pid as number) : undefined;
    });
    for (const pid of before) expect(alive(pid)).toBe(false);
    expect(markedPids(p.gitdir)).toEqual([...after].sort((x, y) => x - y));
    expect(p.ok(['daemon', 'logs', '--json']).stdout).toContain('stopped a job process an earlier daemon left running');
  }, 180_000);

  it('kill -9 at random moments, start included: the last start runs each job exactly once', async () => {
    const p = fresh();
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:a.db', '--name', 'a', '--daemon']);
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:b.db', '--name', 'b', '--daemon']);
    // The daemon --daemon started is the first to go.
    kill(daemonPid(p), 'SIGKILL');
    const deadline = Date.now() + 20_000;
    let kills = 0;
    while (Date.now() < deadline) {
      // The daemon in the foreground, so that it can be killed at any moment of its start too.
      const d = spawn(process.execPath, [CLI, 'daemon', 'start', '--foreground'], {
        cwd: p.root,
        env: { ...process.env, ...p.env },
        stdio: 'ignore',
        detached: true,
      });
      await sleep(Math.floor(Math.random() * 1_500));
      kill(d.pid as number, 'SIGKILL');
      await new Promise((resolve) => (d.exitCode !== null || d.signalCode !== null ? resolve(undefined) : d.once('exit', resolve)));
      kills++;
    }
    expect(kills).toBeGreaterThan(3);
    p.ok(['daemon', 'start']);
    const pids = await waitFor(
      'both jobs to run',
      () => {
        const s = status(p);
        return s.jobs.length === 2 && s.jobs.every((j) => j.state === 'running' && j.pid !== null) ? s.jobs.map((j) => j.pid as number) : undefined;
      },
      60_000,
    );
    // Orphans a kill left are stopped as the daemon starts; give a slow stop its grace period.
    await waitFor(
      'no job process but the daemon’s own',
      () => JSON.stringify(markedPids(p.gitdir)) === JSON.stringify([...pids].sort((x, y) => x - y)),
      30_000,
    );
    p.ok(['daemon', 'stop']);
    expect(markedPids(p.gitdir)).toEqual([]);
  }, 240_000);

  it('serves metrics over HTTP on loopback, in the Prometheus text format', async () => {
    const p = fresh();
    const refused = p.run(['daemon', 'start', '--metrics', '0.0.0.0:9464']);
    expect(errorCode(refused)).toBe('REDB_DAEMON_METRICS_ADDRESS');
    p.ok(['daemon', 'start', '--metrics', '127.0.0.1:0']);
    p.ok(['replicate', 'sqlite:steady.db', 'sqlite:a.db', '--name', 'good', '--daemon']);
    p.ok(['replicate', 'sqlite:crash.db', 'sqlite:b.db', '--name', 'bad', '--daemon']);
    const address = status(p).metrics;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    await waitFor('a restart of the crashing job', () => job(status(p), 'bad').restarts >= 1 && (job(status(p), 'good').report?.changes ?? 0) > 0, 60_000);

    const text = execFileSync('curl', ['-sS', '--fail', `http://${address}/metrics`], { encoding: 'utf8' });
    const samples = parsePrometheus(text);
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('redb_daemon_up', {})).toBe(1);
    expect(value('redb_job_state', { job: 'good', state: 'running' })).toBe(1);
    expect(value('redb_job_state', { job: 'good', state: 'backoff' })).toBe(0);
    expect(value('redb_job_restarts_total', { job: 'bad' })).toBeGreaterThanOrEqual(1);
    expect(value('redb_job_restarts_total', { job: 'good' })).toBe(0);
    expect(value('redb_job_lag_seconds', { job: 'good', quantile: '0.99' })).toBe(0.25);
    expect(value('redb_job_changes_per_second', { job: 'good' })).toBe(70);
    expect(value('redb_job_changes_total', { job: 'good' })).toBeGreaterThan(0);
    expect(value('redb_job_retained_wal_bytes', { job: 'good' })).toBeGreaterThan(0);

    const missing = execFileSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://${address}/other`], { encoding: 'utf8' });
    expect(missing).toBe('404');
  }, 180_000);

  it('rotates its log by size, and logs -f follows it across rotations', async () => {
    const p = fresh();
    const env = { REDB_DAEMON_LOG_BYTES: '1024' };
    p.ok(['daemon', 'start'], env);
    const follower = spawn(process.execPath, [CLI, 'daemon', 'logs', '-f', '--json'], {
      cwd: p.root,
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let followed = '';
    follower.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    try {
      p.ok(['replicate', 'sqlite:crash.db', 'sqlite:b.db', '--name', 'bad', '--daemon']);
      await waitFor(
        'a rotated log',
        () => {
          try {
            return readFileSync(join(p.gitdir, 'state', 'daemon.log.1'), 'utf8').length > 0;
          } catch {
            return false;
          }
        },
        90_000,
      );
      p.ok(['replicate', 'pause', 'bad']);
      await waitFor('the follower to show the pause', () => followed.includes('"msg":"job paused"'), 30_000);
    } finally {
      follower.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => follower.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    for (const line of followed.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(readFileSync(join(p.gitdir, 'state', 'daemon.log'), 'utf8').length).toBeLessThanOrEqual(1024 + 1024);
    expect(followed).toContain('"msg":"job started"');
  }, 180_000);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format: every sample belongs to a family declared with HELP and TYPE. */
function parsePrometheus(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n').slice(0, -1)) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        types.set(meta[2] as string, meta[3] as string);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const name = (m as RegExpExecArray)[1] as string;
    expect(types.has(name), `${name} has no TYPE`).toBe(true);
    const labels: Record<string, string> = {};
    for (const l of ((m as RegExpExecArray)[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    samples.push({ name, labels, value: Number((m as RegExpExecArray)[3]) });
  }
  return samples;
}
