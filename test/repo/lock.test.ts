import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { fsck, git, META_YAML, runCli, tableYaml, type Run } from '../support/crash.js';
import { tempDir } from '../support/scratch.js';

async function ok(dir: string, args: readonly string[]): Promise<Run> {
  const r = await runCli(dir, args);
  if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

async function project(dir: string, n: number): Promise<void> {
  await ok(dir, ['init']);
  mkdirSync(join(dir, 'schema', 'tables'), { recursive: true });
  writeFileSync(join(dir, 'schema', 'redb.yaml'), META_YAML);
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'schema', 'tables', `t${i}.yaml`), tableYaml(`t${i}`, true));
  await ok(dir, ['commit', '-m', 'v0']);
}

/** Commits no ref reaches: a commit made and then lost. */
const lostCommits = (dir: string): string[] =>
  git(dir, ['fsck', '--unreachable', '--no-reflogs', '--no-progress'])
    .split('\n')
    .filter((l) => l.startsWith('unreachable commit'));

const lockFile = (dir: string) => join(dir, '.redb', 'redb.lock');
const holder = (pid: number, host = hostname(), command = 'redb daemon') =>
  JSON.stringify({ pid, host, command, started: '2030-01-02T03:04:05.000Z', token: 'abc' });
/** The pid of a process that has finished. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('one writer at a time', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('redb-lock-')));
  afterEach(() => dir.cleanup());

  it('two commits at once: both recorded one after the other, or one refused; never a commit lost', { timeout: 240_000 }, async () => {
    const root = dir.path;
    await project(root, 300);
    for (let round = 0; round < 3; round++) {
      for (let t = 0; t < 300; t += 2) writeFileSync(join(root, 'schema', 'tables', `t${t}.yaml`), tableYaml(`t${t}`, round % 2 === 0, false, 20 + round));
      const [a, b] = await Promise.all([runCli(root, ['commit', '-m', `A${round}`]), runCli(root, ['commit', '-m', `B${round}`])]);
      const outcomes = [a, b].map((r) => (r.code === 0 ? 'ok' : errorCode({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr })));
      expect(outcomes.filter((o) => o === 'ok').length, outcomes.join(', ')).toBeGreaterThanOrEqual(1);
      for (const o of outcomes) expect(['ok', 'REDB_LOCKED', 'REDB_NOTHING_TO_COMMIT']).toContain(o);
      expect(lostCommits(root)).toEqual([]);
      expect(fsck(root).ok).toBe(true);
    }
    expect(existsSync(lockFile(root))).toBe(false);
  });

  it('two mv at once: every rename recorded has its file change, and every file change its record', { timeout: 240_000 }, async () => {
    const root = dir.path;
    await project(root, 300);
    const succeeded: string[] = [];
    for (let round = 0; round < 3; round++) {
      const [x, y] = [round * 2, round * 2 + 1];
      const runs = await Promise.all([runCli(root, ['mv', 'column', `t${x}.v`, `w${x}`]), runCli(root, ['mv', 'column', `t${y}.v`, `w${y}`])]);
      runs.forEach((r, k) => {
        const t = k === 0 ? x : y;
        if (r.code === 0) succeeded.push(`t${t}`);
        else expect(errorCode({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr })).toBe('REDB_LOCKED');
      });
      const pending = (parseYaml(readFileSync(join(root, 'schema', '.renames.yaml'), 'utf8')) as { renames: { table: string; from: string; to: string }[] })
        .renames;
      expect(pending.map((r) => r.table).sort()).toEqual([...succeeded].sort());
      for (let t = 0; t <= y; t++) {
        const text = readFileSync(join(root, 'schema', 'tables', `t${t}.yaml`), 'utf8');
        expect(text.includes(`- name: w${t}`), `t${t}`).toBe(succeeded.includes(`t${t}`));
      }
    }
    await ok(root, ['commit', '-m', 'renames']);
    const message = git(root, ['log', '-1', '--format=%B']);
    expect(message.match(/Redb-Rename:/g)?.length).toBe(succeeded.length);
  });

  it('a writer that holds the lock is waited for, then named; readers go on', { timeout: 120_000 }, async () => {
    const root = dir.path;
    await project(root, 5);
    writeFileSync(join(root, 'schema', 'tables', 't1.yaml'), tableYaml('t1', false));
    writeFileSync(lockFile(root), holder(process.pid));
    const head = git(root, ['rev-parse', 'HEAD']);
    const r = await runCli(root, ['commit', '-m', 'blocked'], { env: { REDB_LOCK_WAIT_MS: '300' } });
    expect(r.code).toBe(1);
    expect(errorCode({ code: 1, stdout: r.stdout, stderr: r.stderr })).toBe('REDB_LOCKED');
    expect(r.stderr).toContain(`pid ${process.pid}`);
    expect(r.stderr).toContain('redb daemon');
    expect(r.stderr).toContain('2030-01-02T03:04:05.000Z');
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    for (const args of [['status', '--no-db'], ['log'], ['diff']]) expect((await runCli(root, args)).code, args.join(' ')).toBe(0);
    // Another host's lock is never judged stale: its process may be alive there.
    writeFileSync(lockFile(root), holder(deadPid(), 'another-host.example'));
    expect(
      errorCode(
        await runCli(root, ['commit', '-m', 'blocked'], { env: { REDB_LOCK_WAIT_MS: '300' } }).then((x) => ({
          code: x.code ?? -1,
          stdout: x.stdout,
          stderr: x.stderr,
        })),
      ),
    ).toBe('REDB_LOCKED');
  });

  it('a lock left by a killed process is recovered, as is one that cannot be read after a while', { timeout: 120_000 }, async () => {
    const root = dir.path;
    await project(root, 5);
    writeFileSync(lockFile(root), holder(deadPid()));
    writeFileSync(join(root, 'schema', 'tables', 't1.yaml'), tableYaml('t1', false));
    await ok(root, ['commit', '-m', 'after a dead holder']);
    expect(existsSync(lockFile(root))).toBe(false);
    writeFileSync(lockFile(root), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(root), old, old);
    await ok(root, ['tag', 'v1']);
    expect(existsSync(lockFile(root))).toBe(false);
    expect(git(root, ['log', '-1', '--format=%s'])).toContain('after a dead holder');
  });
});
