import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL server of this test's own, on a free port, for what must not be done to the shared
 * one (a wal_level other than logical needs a restart). Same binaries as scripts/test-servers.sh;
 * run as the postgres user when the tests run as root (initdb refuses root).
 */

function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).pop();
  if (newest === undefined) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql (scripts/test-servers.sh installs them)');
  return join(root, newest, 'bin');
}

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

export interface PrivatePostgres {
  readonly url: string;
  /** Stop the server (`pg_ctl stop -m <mode>`), keeping its data, and start it again on the same port. */
  halt(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m <mode>`. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /**
   * A crash: SIGKILL to the postmaster and every process it started, at once (WAL not yet written
   * out is lost, as when the machine fails), returning once all are gone; start() recovers it.
   */
  crash(): Promise<void>;
  /** Stop it for good and remove its directory. */
  stop(): void;
}

export async function startPrivatePostgres(settings: Readonly<Record<string, string>>): Promise<PrivatePostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'redb-private-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const full = asRoot ? (['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] as const) : ([join(bin, command), args] as const);
    execFileSync(full[0], [...full[1]], { stdio: ['ignore', 'ignore', 'pipe'], cwd: '/' });
  };
  // Without blocking the test's own event loop (a writer may be running beside it).
  const runAsync = (command: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const full = asRoot ? (['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] as const) : ([join(bin, command), args] as const);
      execFile(full[0], [...full[1]], { cwd: '/' }, (e) => (e === null ? resolve() : reject(e)));
    });
  if (asRoot)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  run('initdb', ['-D', data, '-U', 'redb', '--auth=trust', '-E', 'UTF8']);
  const port = await freePort();
  const options = [
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const startArgs = ['-D', data, '-o', options.join(' '), '-l', join(dir, 'log'), '-w', '-t', '60'];
  run('pg_ctl', [...startArgs, 'start']);
  return {
    url: `postgres://redb@127.0.0.1:${port}/postgres`,
    halt: (mode) => runAsync('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']),
    start: () => runAsync('pg_ctl', [...startArgs, 'start']),
    restart: (mode) => runAsync('pg_ctl', [...startArgs, '-m', mode, 'restart']),
    async crash() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            // The parent's pid is the second field after the command name in /proc/<pid>/stat.
            return (
              Number(
                readFileSync(`/proc/${d}/stat`, 'utf8')
                  .replace(/^.*\) /, '')
                  .split(' ')[1],
              ) === postmaster
            );
          } catch {
            return false;
          }
        })
        .map(Number);
      for (const pid of [postmaster, ...children]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return !readFileSync(`/proc/${pid}/stat`, 'utf8')
            .replace(/^.*\) /, '')
            .startsWith('Z');
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 200 && [postmaster, ...children].some(alive); i++) await new Promise((r) => setTimeout(r, 25));
      // A killed postmaster may stay a zombie a while (its parent reaps it late), and PostgreSQL takes a lock file
      // naming a live pid as another server running: the locks (the data directory's, the socket's) go, as after a machine's crash.
      rmSync(join(data, 'postmaster.pid'), { force: true });
      for (const f of readdirSync(dir).filter((x) => x.startsWith('.s.PGSQL.'))) rmSync(join(dir, f), { force: true });
    },
    stop() {
      const args = ['-D', data, '-m', 'immediate', 'stop'];
      if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', cwd: '/' });
      else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', cwd: '/' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
