import { createServer, type Server } from 'node:http';
import { errors } from '../errors.js';
import { JobState, type DaemonStatus, type MetricsAddress } from '../ops/daemon.js';

/**
 * Prometheus metrics of the daemon and its jobs, in the text exposition format (0.0.4), served on
 * a loopback address only. Rendering is a pure function of the daemon's status.
 */

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Readonly<Record<string, string>>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
};
const value = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

/** The exposition text for one scrape. */
export function renderMetrics(status: DaemonStatus, now: Date): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly { l: Record<string, string>; v: number }[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of samples) out.push(`${name}${labels(s.l)} ${value(s.v)}`);
  };
  const jobs = status.jobs;
  family('redb_daemon_up', 'gauge', 'The redb daemon is running.', [{ l: {}, v: 1 }]);
  family('redb_daemon_start_time_seconds', 'gauge', 'When the daemon started, in seconds since the epoch.', [{ l: {}, v: Date.parse(status.started) / 1000 }]);
  family('redb_daemon_jobs', 'gauge', 'Jobs the daemon knows.', [{ l: {}, v: jobs.length }]);
  family(
    'redb_job_state',
    'gauge',
    'The state of each job: 1 for the state it is in, 0 for the others.',
    jobs.flatMap((j) => JobState.options.map((s) => ({ l: { job: j.name, state: s }, v: j.state === s ? 1 : 0 }))),
  );
  family(
    'redb_job_up',
    'gauge',
    'The job process is running.',
    jobs.map((j) => ({ l: { job: j.name }, v: j.state === 'running' ? 1 : 0 })),
  );
  family(
    'redb_job_restarts_total',
    'counter',
    'Times the job was started again after it ended by itself.',
    jobs.map((j) => ({ l: { job: j.name }, v: j.restarts })),
  );
  family(
    'redb_job_state_seconds',
    'gauge',
    'Seconds the job has been in its current state.',
    jobs.map((j) => ({ l: { job: j.name }, v: Math.max(0, (now.getTime() - Date.parse(j.since)) / 1000) })),
  );
  const reported = <T>(pick: (r: NonNullable<DaemonStatus['jobs'][number]['report']>) => T | undefined | null) =>
    jobs.flatMap((j) => {
      const v = j.report === null ? undefined : pick(j.report);
      return v === undefined || v === null ? [] : [{ job: j.name, v }];
    });
  const lag = reported((r) => r.lagMs);
  family(
    'redb_job_lag_seconds',
    'gauge',
    'Replication lag, source commit to target commit, over recent transactions.',
    lag.flatMap(({ job, v }) => [
      { l: { job, quantile: '0.5' }, v: v.p50 / 1000 },
      { l: { job, quantile: '0.99' }, v: v.p99 / 1000 },
    ]),
  );
  family(
    'redb_job_last_lag_seconds',
    'gauge',
    'Lag of the last applied transaction.',
    lag.map(({ job, v }) => ({ l: { job }, v: v.last / 1000 })),
  );
  family(
    'redb_job_changes_per_second',
    'gauge',
    'Changes applied per second, as the job last reported.',
    reported((r) => r.rate).map(({ job, v }) => ({ l: { job }, v })),
  );
  family(
    'redb_job_changes_total',
    'counter',
    'Changes the job has applied.',
    reported((r) => r.changes).map(({ job, v }) => ({ l: { job }, v })),
  );
  family(
    'redb_job_transactions_total',
    'counter',
    'Source transactions the job has applied.',
    reported((r) => r.transactions).map(({ job, v }) => ({ l: { job }, v })),
  );
  family(
    'redb_job_retained_wal_bytes',
    'gauge',
    'Bytes of change log the source keeps for the job.',
    reported((r) => r.retainedWalBytes).map(({ job, v }) => ({ l: { job }, v })),
  );
  family(
    'redb_job_last_report_time_seconds',
    'gauge',
    'When the job last reported, in seconds since the epoch.',
    reported((r) => Date.parse(r.at) / 1000).map(({ job, v }) => ({ l: { job }, v })),
  );
  return `${out.join('\n')}\n`;
}

/** Serve GET /metrics; resolves once listening, with the address actually bound (port 0 picks one). */
export function serveMetrics(address: MetricsAddress, current: () => DaemonStatus): Promise<{ server: Server; bound: string }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderMetrics(current(), new Date()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(errors.daemonMetricsAddress(`${address.host}:${address.port}`, e.code === 'EADDRINUSE' ? 'the port is in use' : e.message)),
    );
    server.listen(address.port, address.host, () => {
      const a = server.address();
      const bound = a !== null && typeof a === 'object' ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : `${address.host}:${address.port}`;
      resolve({ server, bound });
    });
  });
}
