import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import type { Server } from 'node:net';
import {
  claimDaemonSocket,
  daemonPaths,
  ensureDaemonDirs,
  jobCommand,
  parseMetricsAddress,
  readDaemonJobs,
  reapLeftovers,
  removeDaemonInfo,
  STOP_GRACE_MS,
  writeDaemonInfo,
  type DaemonStatus,
  type Store,
} from '../ops/daemon.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { controlServer } from './control-server.js';
import { DaemonLog, logBytes } from './log.js';
import { serveMetrics } from './metrics.js';
import { Supervisor } from './supervisor.js';

/**
 * The daemon process: claims the project's control socket, stops what a killed predecessor left
 * running, starts every job of `.redb/jobs.json`, serves metrics, and runs until `daemon stop`,
 * SIGTERM or SIGINT. It keeps no state of its own: killed at any moment, the next start resumes.
 */

export interface DaemonOptions {
  readonly store: Store;
  readonly env: NodeJS.ProcessEnv;
  /** `host:port` to serve Prometheus metrics on (loopback only). */
  readonly metrics?: string | undefined;
  /** Each log line, also (a foreground daemon in a terminal or under systemd shows them). */
  readonly echo?: ((line: string) => void) | undefined;
  /** Called once the socket answers: where it is. */
  readonly onReady?: (ready: { pid: number; socket: string; metrics: string | null; log: string }) => void;
}

/** Runs until the daemon stops; rejects (with a coded error) only if it could not start. */
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const { store } = options;
  // Everything the daemon creates (socket, daemon.json with its token, logs, pid files) is the owner's alone, from its first byte.
  process.umask(0o077);
  const paths = daemonPaths(store);
  await ensureDaemonDirs(store);
  const log = new DaemonLog(paths.log, { maxBytes: logBytes(options.env), keep: 3, echo: options.echo });
  const metricsAddress = options.metrics === undefined ? undefined : parseMetricsAddress(options.metrics);
  const token = randomBytes(24).toString('hex');
  const started = new Date();

  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const supervisor = new Supervisor({ store, log, command: jobCommand(options.env), env: options.env, policy: DEFAULT_BACKOFF, graceMs: STOP_GRACE_MS });
  let metricsBound: string | null = null;
  const status = (): DaemonStatus => ({
    pid: process.pid,
    started: started.toISOString(),
    socket: paths.socket,
    metrics: metricsBound,
    logFile: paths.log,
    jobs: supervisor.statuses(),
  });
  const reload = async () => supervisor.reconcile(await readDaemonJobs(store));

  const server: Server = controlServer(
    token,
    async (request) => {
      switch (request.op) {
        case 'status':
          return status();
        case 'reload':
          await reload();
          return status();
        case 'stop':
          // Answer first, then stop: the client waits for the pid to go.
          setImmediate(stopRequested);
          return { pid: process.pid };
      }
    },
    log,
  );

  const { staleRemoved } = await claimDaemonSocket(
    store,
    (path) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          // Private from its first moment (the umask); 0600 as the socket's own mode says it plainly.
          chmod(path, 0o600).then(resolve, reject);
        });
      }),
  );
  let metricsServer: import('node:http').Server | undefined;
  try {
    if (staleRemoved) log.warn('removed the control socket a stopped daemon left behind', { socket: paths.socket });
    if (metricsAddress !== undefined) {
      const served = await serveMetrics(metricsAddress, status);
      metricsServer = served.server;
      metricsBound = served.bound;
    }
    await writeDaemonInfo(store, { started: started.toISOString(), socket: paths.socket, metrics: metricsBound, token });
  } catch (e) {
    server.close();
    metricsServer?.close();
    throw e;
  }
  log.info('daemon started', { pid: process.pid, socket: paths.socket, metrics: metricsBound });

  for (const left of await reapLeftovers(store)) {
    log.warn('stopped a job process an earlier daemon left running', { job: left.job, pid: left.pid, outcome: left.outcome });
  }
  try {
    await reload();
  } catch (e) {
    // A damaged jobs.json: the daemon stays up (status says why), and `replicate` fixes the file.
    log.error('could not read the jobs', { error: e instanceof Error ? e.message : String(e) });
  }
  options.onReady?.({ pid: process.pid, socket: paths.socket, metrics: metricsBound, log: paths.log });

  const onSignal = (signal: NodeJS.Signals) => {
    log.info('signal received; stopping', { signal });
    stopRequested();
  };
  const onHangup = () => {
    log.info('SIGHUP: reading the jobs again');
    reload().catch((e: unknown) => log.error('could not read the jobs', { error: e instanceof Error ? e.message : String(e) }));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);

  await stopped;
  log.info('stopping jobs', { jobs: supervisor.statuses().length });
  await supervisor.stopAll();
  metricsServer?.close();
  // Connections still open are not waited for; the socket file goes with the listener.
  server.close();
  await store.fs.promises.unlink(paths.socket).catch(() => undefined);
  await removeDaemonInfo(store).catch(() => undefined);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onHangup);
  log.info('daemon stopped', { pid: process.pid });
  log.close();
}
