import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { pgProxy } from '../support/pg-proxy.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

// A pull scans the working tree before it reads the database; one that then writes nothing does
// not scan it again. A hand edit made while the database answers must never be overwritten, nor
// forgotten: it is refused by a pull that would write, and seen by the next pull that would not.

const PASSWORD_ENV = { REDB_TEST_PW: 'redb' };
const bindable = (url: string): string => {
  const password = new URL(url).password;
  return password === '' ? url : url.replace(`:${password}@`, ':${REDB_TEST_PW}@');
};

interface Exit {
  readonly code: number;
  readonly stderr: string;
}

/** A TCP proxy in front of the server that holds back the server's answers to a client's first query until `release`. */
async function answerHolder(url: string): Promise<{ url: string; arm: () => void; asked: () => boolean; release: () => void; close: () => Promise<void> }> {
  let asked = false;
  let held: (() => void)[] | undefined;
  const proxy = await pgProxy(url, () => {
    let queried = false;
    return {
      fromClient(chunk) {
        // Simple-protocol queries start with 'Q'; the start-up and password messages come before.
        if (chunk[0] === 0x51 && held !== undefined) queried = asked = true;
      },
      fromServer(_chunk, deliver) {
        if (queried && held !== undefined) held.push(deliver);
        else deliver();
      },
    };
  });
  return {
    url: proxy.url,
    arm: () => {
      asked = false;
      held = [];
    },
    asked: () => asked,
    release: () => {
      const pending = held ?? [];
      held = undefined;
      for (const write of pending) write();
    },
    close: () => proxy.close(),
  };
}

/** Whether a process sleeps and has used no CPU for a while: it waits on something, its work before done. */
async function idle(pid: number): Promise<boolean> {
  const sample = () => {
    const fields = (readFileSync(`/proc/${pid}/stat`, { encoding: 'utf8', flag: 'r' }) as string).replace(/^.*\) /, '').split(' ');
    return { state: fields[0], cpu: Number(fields[11]) + Number(fields[12]) };
  };
  const first = sample();
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = sample();
    if (next.state !== 'S' || next.cpu !== first.cpu) return false;
  }
  return true;
}

/** The built CLI, not waited for synchronously: the proxy answers from this process. */
function run(cwd: string, args: string[], started?: (pid: number) => void): Promise<Exit & { stdout: string }> {
  const env = { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1', REDB_DEBUG: '' };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd, env }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
    started?.(child.pid ?? 0);
  });
}

describe('a hand edit made while a pull reads PostgreSQL', () => {
  let db: ScratchDb;
  let proxy: Awaited<ReturnType<typeof answerHolder>>;
  const dir = tempDir();
  const project = join(dir.path, 'project');
  const ok = async (args: string[]) => {
    const r = await run(project, args);
    if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
    return r;
  };
  const file = (name: string) => join(project, 'schema', 'tables', `public.${name}.yaml`);

  /**
   * Run a pull whose catalog read is answered only once the pull waits for it, its scan of the
   * working tree done; make `edit` then, before the answer arrives.
   */
  async function pullAround(edit: () => void): Promise<Exit> {
    proxy.arm();
    let pid = 0;
    let exited = false;
    const exit = run(project, ['pull', 'app'], (p) => {
      pid = p;
    }).finally(() => {
      exited = true;
    });
    try {
      for (let waited = 0; !exited && !(proxy.asked() && (await idle(pid))); waited += 100) {
        if (waited > 60_000) throw new Error('the pull never waited on its read');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      edit();
    } finally {
      proxy.release();
    }
    return exit;
  }

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(`CREATE TABLE t1 (id integer PRIMARY KEY, name text);
      CREATE TABLE t2 (id integer PRIMARY KEY, name text)`);
    proxy = await answerHolder(db.url);
    await run(dir.path, ['init', project]);
    await ok(['db', 'add', 'app', bindable(proxy.url)]);
    await ok(['pull', 'app']);
    await ok(['commit', '-m', 'pulled']);
    await ok(['pull', 'app']);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
    dir.cleanup();
  });

  it('is kept by a pull that writes nothing, and refused by the next one', async () => {
    expect(readFileSync(file('t2'), 'utf8')).toContain('- name: name');
    const edited = readFileSync(file('t2'), 'utf8').replace('- name: name', '- name: label');
    const pulled = await pullAround(() => writeFileSync(file('t2'), edited));
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(readFileSync(file('t2'), 'utf8')).toBe(edited);
    // The index the pull recorded does not vouch for the edited file.
    const again = await run(project, ['pull', 'app']);
    expect(again.stderr).toMatch(/REDB_DIRTY_WORKING_TREE/);
    expect(readFileSync(file('t2'), 'utf8')).toBe(edited);
    await ok(['pull', 'app', '--discard-changes']);
  }, 120_000);

  it('is refused by a pull that would write, which writes nothing', async () => {
    await db.exec('ALTER TABLE t1 ADD COLUMN code integer');
    const before = readFileSync(file('t1'), 'utf8');
    const edited = readFileSync(file('t2'), 'utf8').replace('- name: name', '- name: label');
    const pulled = await pullAround(() => writeFileSync(file('t2'), edited));
    expect(pulled.stderr).toMatch(/REDB_DIRTY_WORKING_TREE/);
    expect(readFileSync(file('t2'), 'utf8')).toBe(edited);
    expect(readFileSync(file('t1'), 'utf8')).toBe(before);
  }, 120_000);
});
