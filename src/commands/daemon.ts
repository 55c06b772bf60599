import { relative } from 'node:path';
import { errors, RedbError } from '../errors.js';
import { daemonStart, daemonStatus, daemonStop, findStore, parseMetricsAddress, type DaemonView, type JobStatus } from '../ops/daemon.js';
import { json, paint, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

/** `redb daemon start|stop|status|logs|install`. */

const shown = (io: Io, path: string): string => {
  const rel = relative(io.cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
};

export async function start(io: Io, opts: Opts<'daemon start'>): Promise<number> {
  if (opts.foreground === true) return foreground(io, opts.metrics);
  const d = await daemonStart({ cwd: io.cwd, env: io.env, metrics: opts.metrics });
  if (opts.json) json(io, d);
  else
    io.out(
      `daemon started (pid ${d.pid}): socket ${shown(io, d.socket)}${d.metrics === null ? '' : `, metrics http://${d.metrics}/metrics`}, log ${shown(io, d.log)}`,
    );
  return 0;
}

/**
 * The daemon itself, in this process. Started by `daemon start` it reports through the IPC channel
 * and writes nothing to its (closed) terminal; under systemd or in a terminal its log lines go to
 * stderr as well.
 */
async function foreground(io: Io, metrics: string | undefined): Promise<number> {
  const store = findStore({ cwd: io.cwd, env: io.env });
  const background = process.send !== undefined && io.env.REDB_DAEMON_BACKGROUND === '1';
  const { runDaemon } = await import('../daemon/run.js');
  try {
    await runDaemon({
      store,
      env: io.env,
      metrics,
      echo: background ? undefined : (line) => process.stderr.write(line),
      onReady: (ready) => {
        if (background) {
          process.send?.({ ready });
          // The starter goes away; the daemon runs on without it.
          process.channel?.unref();
        } else
          io.err(
            `redb daemon running (pid ${ready.pid}): socket ${shown(io, ready.socket)}${ready.metrics === null ? '' : `, metrics http://${ready.metrics}/metrics`}`,
          );
      },
    });
  } catch (e) {
    if (background && e instanceof RedbError) process.send?.({ error: e.toJSON() });
    throw e;
  }
  return 0;
}

export async function stop(io: Io, opts: Opts<'daemon stop'>): Promise<number> {
  const r = await daemonStop({ cwd: io.cwd, env: io.env });
  if (opts.json) json(io, r);
  else if (r.running) io.out(`daemon stopped (pid ${r.pid ?? '?'})`);
  else {
    io.out('the daemon was not running');
    for (const l of r.leftovers) io.out(`stopped job ${l.job} (pid ${l.pid}), left running by a daemon that was killed`);
  }
  return 0;
}

const ago = (iso: string | null, now: number): string => {
  if (iso === null) return '-';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  return s >= 0 ? `in ${s}s` : `${-s}s ago`;
};

/** One row of the jobs table; also used by `replicate status`. */
export function jobRow(io: Io, j: JobStatus, now = Date.now()): string[] {
  const color = j.state === 'running' ? paint.green : j.state === 'backoff' ? paint.red : j.state === 'paused' ? paint.yellow : paint.dim;
  const lag = j.report?.lagMs === undefined || j.report.lagMs === null ? '-' : `${j.report.lagMs.p99} ms`;
  const rate = j.report?.rate === undefined ? '-' : String(j.report.rate);
  const why =
    j.state === 'backoff' ? `${j.lastExit?.reason ?? ''}; next try ${ago(j.nextStartAt, now)}` : j.state === 'running' ? '' : (j.lastExit?.reason ?? '');
  return [paint.bold(io, j.name), color(io, j.state), j.pid === null ? '-' : String(j.pid), String(j.restarts), lag, rate, why];
}

export const JOB_HEADER = ['JOB', 'STATE', 'PID', 'RESTARTS', 'LAG p99', 'CHANGES/S', 'REASON'];

export async function status(io: Io, opts: Opts<'daemon status'>): Promise<number> {
  const s: DaemonView = await daemonStatus({ cwd: io.cwd, env: io.env });
  if (opts.json) {
    json(io, s);
    return 0;
  }
  if (s.running)
    io.out(
      `daemon: ${paint.green(io, 'running')} (pid ${s.pid}, since ${s.started}), socket ${shown(io, s.socket)}${s.metrics === null ? '' : `, metrics http://${s.metrics}/metrics`}`,
    );
  else {
    io.out(`daemon: ${paint.dim(io, 'not running')} (redb daemon start)`);
    if (s.leftovers > 0)
      io.err(paint.yellow(io, `${s.leftovers} job process(es) left by a daemon that was killed are still running: redb daemon start (or stop) stops them`));
  }
  if (s.jobs.length === 0) io.out(paint.dim(io, 'no jobs; redb replicate <src> <dst> --daemon adds one'));
  else io.out(table([JOB_HEADER.map((h) => paint.dim(io, h)), ...s.jobs.map((j) => jobRow(io, j))]));
  return 0;
}

/** A log line for people: time, level, job, message, then the other fields. */
function formatLine(line: string): string {
  try {
    const { ts, level, msg, job, ...rest } = JSON.parse(line) as { ts?: string; level?: string; msg?: string; job?: string } & Record<string, unknown>;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
      .join(' ');
    return `${ts ?? ''} ${(level ?? '').toUpperCase().padEnd(5)} ${job === undefined ? '' : `[${job}] `}${msg ?? ''}${fields === '' ? '' : ` ${fields}`}`;
  } catch {
    return line;
  }
}

export async function logs(io: Io, opts: Opts<'daemon logs'>): Promise<number> {
  const lines = opts.lines === undefined ? undefined : Number(opts.lines);
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) throw errors.usage(`-n takes a number of lines, not '${opts.lines}'`);
  const { daemonLogs } = await import('../ops/daemon-logs.js');
  const abort = new AbortController();
  const stopFollowing = () => abort.abort();
  process.once('SIGINT', stopFollowing);
  process.once('SIGTERM', stopFollowing);
  try {
    await daemonLogs({
      cwd: io.cwd,
      env: io.env,
      signal: abort.signal,
      follow: opts.follow === true,
      lines,
      onLine: (line) => io.out(opts.json ? line : formatLine(line)),
    });
  } finally {
    process.off('SIGINT', stopFollowing);
    process.off('SIGTERM', stopFollowing);
  }
  return 0;
}

export async function install(io: Io, opts: Opts<'daemon install'>): Promise<number> {
  if (opts.systemd !== true) throw errors.usage('say what to install: redb daemon install --systemd', 'a systemd user unit is the one kind there is');
  if (opts.metrics !== undefined) parseMetricsAddress(opts.metrics);
  const { systemdUnit, writeSystemdUnit } = await import('../ops/daemon-systemd.js');
  const ctx = { cwd: io.cwd, env: io.env, metrics: opts.metrics };
  if (opts.write !== true) {
    const unit = systemdUnit(ctx);
    if (opts.json) json(io, { ...unit, written: false });
    else {
      io.out(unit.text);
      io.err(paint.dim(io, `# --write puts it in ${unit.path}`));
    }
    return 0;
  }
  const unit = await writeSystemdUnit(ctx);
  if (opts.json) json(io, { ...unit, written: true });
  else io.out(`wrote ${unit.path}\nstart it now and at login: systemctl --user daemon-reload && systemctl --user enable --now ${unit.name}`);
  return 0;
}
