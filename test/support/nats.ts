import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A NATS server for tests: the one the test-server script started (REDB_TEST_NATS_URL), or a
 * throwaway `nats-server` on a free loopback port, stopped after. Never skipped: without either,
 * the test fails and says why.
 */

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Our own server; `jetstream: false` makes one without JetStream (for the refusal). */
export async function startNatsServer(options: { jetstream?: boolean } = {}): Promise<NatsServer> {
  if (spawnSync('nats-server', ['--version']).error !== undefined)
    throw new Error('nats-server is not installed (apt-get install nats-server), and REDB_TEST_NATS_URL is not set');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redb-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(options.jetstream === false ? [] : ['-js', '-sd', dir])];
  const child: ChildProcess = spawn('nats-server', args, { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shared server when the environment names one, else our own. */
export async function natsServer(): Promise<NatsServer> {
  const shared = process.env.REDB_TEST_NATS_URL;
  if (shared !== undefined && shared !== '') return { url: shared.replace(/\/+$/, ''), stop: async () => undefined };
  return startNatsServer();
}

/** A plain NATS client (not redb's), for reading what redb published as any consumer would. */
export async function plainClient(url: string) {
  const [{ connect }, { jetstreamManager, jetstream }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  const nc = await connect({ servers: url.replace(/^nats:\/\//, '') });
  return { nc, jsm: await jetstreamManager(nc), js: jetstream(nc) };
}
