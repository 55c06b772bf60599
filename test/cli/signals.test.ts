import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

/**
 * SIGINT and SIGTERM, sent for real to the built CLI: the first asks the running command to stop
 * (at a safe point where it has one, at once where it has none), a second stops it at once; either
 * way the process says why on one coded line and exits 128 + the signal's number.
 */

const ROWS = 400_000;

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process; `ended` settles when it exits. */
function start(
  cwd: string,
  args: readonly string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): { child: ChildProcessWithoutNullStreams; ended: Promise<Ended>; stderr: () => string; stdout: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', REDB_DEBUG: '' },
    stdio: [stdin, 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, ended, stderr: () => stderr, stdout: () => stdout };
}

/** Resolves once `check` holds for the child's output; rejects if it exits first. */
function until(run: ReturnType<typeof start>, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
    void run.ended.then((e) => {
      clearInterval(poll);
      if (!check()) reject(new Error(`exited (${e.code ?? e.signal}) before ${what}: ${e.stderr}`));
    });
  });
}

/** A TCP server that accepts connections and never answers: a database that hangs. */
async function blackHole(): Promise<{ port: number; accepted: Promise<void>; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  let accept!: () => void;
  const accepted = new Promise<void>((resolve) => (accept = resolve));
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    accept();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const figures = (file: string) => {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db
      .prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(id) AS ids_sum, sum(value) AS value_sum, sum(length(sensor)) AS text_sum FROM reading')
      .get();
  } finally {
    db.close();
  }
};

describe('signals, sent to the built CLI', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeAll(() => {
    dir = tempDir('redb-signals-');
    redbOk(dir.path, ['init']);
    const db = new Sqlite(join(dir.path, 'src.db'));
    db.exec('CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO reading VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= ROWS; i++) insert.run(i, `sensor-${i % 97}`, (i * 7919) % 100_003);
    })();
    db.close();
  });
  afterAll(() => dir?.cleanup());

  it('Ctrl-C stops a clone of a large table at a checkpoint (exit 130, one coded line); --resume copies the rest, nothing lost or doubled', {
    timeout: 240_000,
  }, async () => {
    const args = ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--batch-rows', '2000', '--jobs', '1'];
    const run = start(dir.path, [...args, '--json']);
    const copied = () =>
      [...run.stdout().matchAll(/"type":"table","table":"(?:main\.)?reading","state":"rows","rows":(\d+)/g)].some((m) => Number(m[1]) >= 20_000);
    await until(run, copied, 'it copied 20000 rows');
    run.child.kill('SIGINT');
    const stopped = await run.ended;
    expect(stopped.code, stopped.stderr).toBe(130);
    const lines = stopped.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error\[REDB_CLONE_INTERRUPTED\]: the clone of sqlite:src\.db into sqlite:dst\.db was interrupted; .*--resume/);
    const partial = figures(join(dir.path, 'dst.db')) as { n: number };
    expect(partial.n).toBeGreaterThanOrEqual(20_000);
    expect(partial.n).toBeLessThan(ROWS);

    const resumed = redb(dir.path, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resumed and finished');
    expect(figures(join(dir.path, 'dst.db'))).toEqual(figures(join(dir.path, 'src.db')));
    expect((figures(join(dir.path, 'dst.db')) as { ids: number }).ids).toBe(ROWS);
    const verified = redb(dir.path, ['verify', 'sqlite:src.db', 'sqlite:dst.db']);
    expect(verified.code, verified.stderr).toBe(0);
  });

  it.each([
    ['SIGINT', 130, 'Ctrl-C (SIGINT)'],
    ['SIGTERM', 143, 'SIGTERM'],
  ] as const)(
    '%s stops a command with no safe point at once, with a coded line and exit %i (a pull from a database that hangs)',
    { timeout: 60_000 },
    async (signal, code, said) => {
      const hole = await blackHole();
      try {
        redbOk(dir.path, ['db', 'add', `hangs-${signal}`, `postgres://nobody@127.0.0.1:${hole.port}/none`]);
        const run = start(dir.path, ['pull', `hangs-${signal}`, '--json']);
        await Promise.race([hole.accepted, run.ended]);
        run.child.kill(signal);
        const ended = await run.ended;
        expect(ended.code, ended.stderr).toBe(code);
        expect(ended.stderr.trim()).toBe(
          `error[REDB_STOPPED]: redb pull was stopped by ${said} before it finished (run the command again; a change to the repository it left unfinished is completed by the next redb command)`,
        );
        expect(JSON.parse(ended.stdout)).toMatchObject({ error: { code: 'REDB_STOPPED', data: { command: 'redb pull', signal, second: false } } });
      } finally {
        await hole.close();
      }
    },
  );

  it('a second Ctrl-C stops a command at once, even one that was stopping at a safe point (exit 130)', { timeout: 60_000 }, async () => {
    const hole = await blackHole();
    try {
      redbOk(dir.path, ['db', 'add', 'stuck', `postgres://nobody@127.0.0.1:${hole.port}/none`]);
      redbOk(dir.path, ['commit', '--allow-empty', '-m', 'a schema to migrate to']);
      const run = start(dir.path, ['migrate', 'stuck', '--yes', '--no-shadow']);
      await Promise.race([hole.accepted, run.ended]);
      run.child.kill('SIGINT');
      // The migrate waits for its statement in progress (here, a connection that never answers).
      await until(run, () => run.stderr().includes('stopping the migrate after the statement in progress'), 'it said it was stopping');
      run.child.kill('SIGINT');
      const ended = await run.ended;
      expect(ended.code, ended.stderr).toBe(130);
      expect(ended.stderr.trim().split('\n')).toEqual([
        'stopping the migrate after the statement in progress; what ran is recorded in the database (press Ctrl-C again to stop at once)',
        'error[REDB_STOPPED]: redb migrate was stopped at once by a second Ctrl-C (SIGINT) (redb status says where the database stands; run migrate again: it plans from what the database has now)',
      ]);
    } finally {
      await hole.close();
    }
  });

  it('SIGTERM ends `redb mcp` (stdio) cleanly: its session is closed, exit 0, nothing on stderr', { timeout: 60_000 }, async () => {
    const run = start(dir.path, ['mcp'], 'pipe');
    const request = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'signals-test', version: '0' } },
    };
    run.child.stdin.write(`${JSON.stringify(request)}\n`);
    await until(run, () => run.stdout().includes('"id":1'), 'it answered initialize');
    expect(JSON.parse(run.stdout().split('\n')[0] ?? '')).toMatchObject({ id: 1, result: { serverInfo: expect.anything() } });
    run.child.kill('SIGTERM');
    const ended = await run.ended;
    expect([ended.code, ended.signal, ended.stderr]).toEqual([0, null, '']);
  });
});
