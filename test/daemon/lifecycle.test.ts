import { chmodSync, chownSync, existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, errorCode } from '../support/cli.js';
import { redbAsync } from '../support/cli-async.js';
import { alive, daemonPid, kill, project, runAs, status, waitFor, type Project } from './support.js';

/** The daemon process itself: one per project, found and controlled through its owner-only socket. */

const projects: Project[] = [];
const fresh = (): Project => {
  const p = project();
  projects.push(p);
  return p;
};
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

/** One exchange on the control socket, as any local program could attempt it: the lines sent, every line answered, and whether it was closed. */
function exchange(socket: string, payload: string): Promise<{ lines: Record<string, unknown>[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let text = '';
    const timer = setTimeout(() => {
      c.destroy();
      resolve({ lines: parse(), closed: false });
    }, 3_000);
    const parse = () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    c.on('data', (d) => (text += d.toString()));
    c.on('error', reject);
    c.on('close', () => {
      clearTimeout(timer);
      resolve({ lines: parse(), closed: true });
    });
    c.write(payload);
  });
}

describe('redb daemon', () => {
  it('starts in the background, reports its status, and stops', async () => {
    const p = fresh();
    expect(status(p).running).toBe(false);
    const started = p.ok(['daemon', 'start', '--json']);
    const { pid, socket } = JSON.parse(started.stdout) as { pid: number; socket: string };
    expect(alive(pid)).toBe(true);
    expect(socket).toBe(join(p.gitdir, 'state', 'daemon.sock'));
    const s = status(p);
    expect(s).toMatchObject({ running: true, pid, socket, jobs: [] });
    // Owner-only: a socket, mode 0600, ours; the token file is the owner's alone too.
    const st = lstatSync(socket);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(process.getuid?.());
    expect(lstatSync(join(p.gitdir, 'state', 'daemon.json')).mode & 0o077).toBe(0);

    const stopped = p.ok(['daemon', 'stop', '--json']);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ running: true, pid });
    expect(alive(pid)).toBe(false);
    expect(existsSync(socket)).toBe(false);
    expect(status(p).running).toBe(false);
    const log = readFileSync(join(p.gitdir, 'state', 'daemon.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; level: string; ts: string });
    expect(log.map((l) => l.msg)).toEqual(expect.arrayContaining(['daemon started', 'daemon stopped']));
  });

  it('refuses a second daemon, saying where the first one runs', () => {
    const p = fresh();
    p.ok(['daemon', 'start']);
    const pid = daemonPid(p);
    for (const args of [
      ['daemon', 'start'],
      ['daemon', 'start', '--foreground'],
    ]) {
      const again = p.run(args);
      expect(again.code).toBe(1);
      expect(errorCode(again)).toBe('REDB_DAEMON_RUNNING');
      expect(again.stderr).toContain(`pid ${pid}`);
      expect(again.stderr).toContain(join(p.gitdir, 'state', 'daemon.sock'));
    }
    expect(alive(pid)).toBe(true);
    expect(status(p).pid).toBe(pid);
  });

  it('recovers the stale socket a daemon killed with -9 left behind', async () => {
    const p = fresh();
    p.ok(['daemon', 'start']);
    const first = daemonPid(p);
    kill(first, 'SIGKILL');
    await waitFor('the killed daemon to be gone', () => !alive(first));
    const socket = join(p.gitdir, 'state', 'daemon.sock');
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(status(p).running).toBe(false);
    p.ok(['daemon', 'start']);
    const second = daemonPid(p);
    expect(second).not.toBe(first);
    expect(status(p)).toMatchObject({ running: true, pid: second });
    expect(readFileSync(join(p.gitdir, 'state', 'daemon.log'), 'utf8')).toContain('removed the control socket a stopped daemon left behind');
  });

  it('refuses a socket owned by another user: neither talks to it nor replaces it', async () => {
    const p = fresh();
    p.ok(['daemon', 'start']);
    const pid = daemonPid(p);
    kill(pid, 'SIGKILL');
    await waitFor('the killed daemon to be gone', () => !alive(pid));
    const socket = join(p.gitdir, 'state', 'daemon.sock');
    chownSync(socket, 65534, 65534);
    for (const args of [
      ['daemon', 'start'],
      ['daemon', 'status'],
    ]) {
      const r = p.run(args);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_DAEMON_SOCKET_FOREIGN');
      expect(r.stderr).toContain('uid 65534');
    }
    expect(lstatSync(socket).uid).toBe(65534);
    rmSync(socket);
  });

  it('another user can neither connect to the socket nor use it through redb', () => {
    const p = fresh();
    p.ok(['daemon', 'start']);
    const socket = join(p.gitdir, 'state', 'daemon.sock');
    // Let the other user reach the folder, so that the socket's own mode is what refuses.
    for (const d of [p.root, p.gitdir, join(p.gitdir, 'state')]) chmodSync(d, 0o755);
    const raw = runAs('nobody', '/', [
      process.execPath,
      '-e',
      `require('net').connect(${JSON.stringify(socket)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(3)})`,
    ]);
    expect(raw.stdout.trim()).toBe('EACCES');
    const viaRedb = runAs('nobody', p.root, [process.execPath, CLI, 'daemon', 'status']);
    expect(viaRedb.code).toBe(1);
    expect(viaRedb.stderr).toMatch(/error\[REDB_DAEMON_SOCKET_FOREIGN\]/);
    expect(status(p).running).toBe(true);
  });

  it('answers malformed lines with a coded error and closes the connection; the token is required', async () => {
    const p = fresh();
    p.ok(['daemon', 'start']);
    const socket = join(p.gitdir, 'state', 'daemon.sock');
    const token = (JSON.parse(readFileSync(join(p.gitdir, 'state', 'daemon.json'), 'utf8')) as { token: string }).token;

    const notJson = await exchange(socket, 'hello daemon\n');
    expect(notJson.closed).toBe(true);
    expect(notJson.lines).toEqual([expect.objectContaining({ v: 1, id: null, ok: false, error: expect.objectContaining({ code: 'REDB_DAEMON_PROTOCOL' }) })]);

    const unknownOp = await exchange(socket, `${JSON.stringify({ v: 1, id: 4, token, op: 'explode' })}\n`);
    expect(unknownOp.closed).toBe(true);
    expect(unknownOp.lines).toEqual([expect.objectContaining({ id: 4, ok: false, error: expect.objectContaining({ code: 'REDB_DAEMON_PROTOCOL' }) })]);

    const extraField = await exchange(socket, `${JSON.stringify({ v: 1, id: 5, token, op: 'status', sneaky: true })}\n`);
    expect(extraField.lines[0]).toMatchObject({ id: 5, ok: false, error: { code: 'REDB_DAEMON_PROTOCOL' } });

    const wrongToken = await exchange(socket, `${JSON.stringify({ v: 1, id: 6, token: 'x'.repeat(48), op: 'status' })}\n`);
    expect(wrongToken.closed).toBe(true);
    expect(wrongToken.lines).toEqual([expect.objectContaining({ id: 6, ok: false, error: expect.objectContaining({ code: 'REDB_DAEMON_UNAUTHORIZED' }) })]);

    const endless = await exchange(socket, 'x'.repeat(1_100_000));
    expect(endless.closed).toBe(true);
    expect(endless.lines[0]).toMatchObject({ ok: false, error: { code: 'REDB_DAEMON_PROTOCOL' } });

    const good = await exchange(socket, `${JSON.stringify({ v: 1, id: 7, token, op: 'status' })}\n`);
    expect(good.lines[0]).toMatchObject({ v: 1, id: 7, ok: true, result: { pid: daemonPid(p), jobs: [] } });
    expect(status(p).running).toBe(true);
  });

  it('the client refuses a malformed answer from whatever listens on the socket', async () => {
    const p = fresh();
    const socket = join(p.gitdir, 'state', 'daemon.sock');
    // Something that is not a redb daemon holds the socket (and a daemon.json naming it).
    const answers = [
      'this is not json',
      JSON.stringify({ v: 1, id: 1, ok: true, result: { pid: 'many' } }),
      JSON.stringify({ v: 2, id: 1, ok: true, result: {} }),
    ];
    let next = 0;
    const server = createServer((c) => c.once('data', () => c.end(`${answers[next++ % answers.length]}\n`)));
    p.ok(['status', '--no-db']);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    writeFileSync(
      join(p.gitdir, 'state', 'daemon.json'),
      JSON.stringify({ version: 1, pid: process.pid, started: new Date().toISOString(), socket, metrics: null, token: 't'.repeat(32) }),
    );
    try {
      for (let i = 0; i < answers.length; i++) {
        // Not spawnSync: the fake answers from this very process.
        const r = await redbAsync(p.root, ['daemon', 'status'], p.env);
        expect(r.code).toBe(1);
        expect(errorCode(r)).toBe('REDB_DAEMON_PROTOCOL');
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
