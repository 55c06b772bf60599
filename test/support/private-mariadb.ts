import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

/**
 * A MariaDB server of a test's own, for what must never be done to the shared one (restarting it):
 * a fresh datadir (`mariadb-install-db`) in a temp dir, on a free loopback port, started as
 * scripts/test-servers.sh starts the shared one (row binlog, utf8mb4), with the same `redb` login.
 */

const sbin = (name: string): string => [`/usr/sbin/${name}`, `/usr/bin/${name}`].find((p) => existsSync(p)) ?? name;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const run = (command: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(command, args, { cwd: '/' }, (e, _out, err) => (e === null ? resolve() : reject(new Error(`${command}: ${err || e.message}`)))),
  );

export interface PrivateMariadb {
  /** The `redb` login's URL, database `mysql` (replace the path for another). */
  readonly url: string;
  /** Stop the server, keeping its data: `fast` is a clean shutdown, `immediate` a SIGKILL. */
  halt(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Run statements as root. */
  exec(sql: string): Promise<void>;
  /** Stop it for good and remove its directory. */
  stop(): void;
}

export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'redb-private-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  await run(sbin('mariadb-install-db'), ['--no-defaults', ...user, `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const root = () => mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
  const ready = async (): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await (await root()).end();
        return;
      } catch (e) {
        if (server?.exitCode !== null || Date.now() > deadline) throw new Error(`private MariaDB did not start: ${String(e)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const start = async (): Promise<void> => {
    server = spawn(
      sbin('mariadbd'),
      [
        '--no-defaults',
        ...user,
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'server.log')}`,
        '--skip-name-resolve',
        `--log-bin=${join(dir, 'mysql-bin')}`,
        '--binlog-format=ROW',
        '--server-id=1',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
        '--innodb-buffer-pool-size=32M',
        // Written at each commit (not flushed): a SIGKILL of the server keeps every commit it acknowledged.
        '--innodb-flush-log-at-trx-commit=2',
        '--sync-binlog=0',
      ],
      { stdio: 'ignore', cwd: '/' },
    );
    const child = server;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await ready();
  };
  const exec = async (sql: string): Promise<void> => {
    const c = await root();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const halt = async (mode: 'fast' | 'immediate'): Promise<void> => {
    if (mode === 'fast') await run('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'shutdown']);
    else server?.kill('SIGKILL');
    await exited;
  };

  await start();
  await exec(`CREATE USER 'redb'@'%' IDENTIFIED BY 'redb'; GRANT ALL PRIVILEGES ON *.* TO 'redb'@'%' WITH GRANT OPTION;`);
  return {
    url: `mysql://redb:redb@127.0.0.1:${port}/mysql`,
    halt,
    start,
    restart: async (mode) => {
      await halt(mode);
      await start();
    },
    exec,
    stop() {
      server?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
