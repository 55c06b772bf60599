import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, CLI, redbOk } from '../support/cli.js';
import { testEnv } from '../support/crash.js';
import { tempDir } from '../support/scratch.js';

/**
 * Reading commands write nothing, so they work in a checkout nobody may write to. The checkout is
 * made read-only for real: a read-only bind mount where this process may mount (root in a
 * sandbox), else the permissions (as an ordinary user, for whom they hold).
 */

interface ReadOnly {
  readonly path: string;
  readonly how: string;
  release(): void;
}

function readOnlyView(dir: string, mountPoint: string): ReadOnly {
  mkdirSync(mountPoint, { recursive: true });
  const bind = spawnSync('mount', ['--bind', dir, mountPoint]);
  if (bind.status === 0) {
    const ro = spawnSync('mount', ['-o', 'remount,bind,ro', mountPoint]);
    if (ro.status === 0) return { path: mountPoint, how: 'read-only bind mount', release: () => void spawnSync('umount', [mountPoint]) };
    spawnSync('umount', [mountPoint]);
  }
  if (process.getuid?.() === 0)
    throw new Error('running as root without the right to mount: the permissions would not hold, so there is no real read-only checkout to test');
  const walk = (path: string, mode: (isDir: boolean) => number) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child, mode);
      chmodSync(child, mode(entry.isDirectory()));
    }
  };
  walk(dir, (isDir) => (isDir ? 0o555 : 0o444));
  chmodSync(dir, 0o555);
  return {
    path: dir,
    how: 'permissions',
    release: () => {
      chmodSync(dir, 0o755);
      walk(dir, (isDir) => (isDir ? 0o755 : 0o644));
    },
  };
}

/** Every file and folder under `dir` with its size and mtime: any write shows here. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, key: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      const st = statSync(child);
      out[`${key}${entry.name}`] = `${st.size}:${st.mtimeMs}`;
      if (entry.isDirectory()) walk(child, `${key}${entry.name}/`);
    }
  };
  walk(dir, '');
  return out;
}

describe('a read-only checkout', () => {
  let dir: ReturnType<typeof tempDir>;
  let view: ReadOnly | undefined;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    view?.release();
    view = undefined;
    dir.cleanup();
  });

  it('status, log, diff and show work and write nothing', () => {
    const project = join(dir.path, 'project');
    mkdirSync(project);
    chinookCopy(project);
    redbOk(project, ['init']);
    redbOk(project, ['pull', 'sqlite:chinook.db']);
    redbOk(project, ['commit', '-m', 'initial']);
    const genre = join(project, 'schema', 'tables', 'Genre.yaml');
    writeFileSync(genre, readFileSync(genre, 'utf8').replace('NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150'));
    redbOk(project, ['commit', '-m', 'wider genre']);
    // As a fresh copy has it: no index yet, so status takes its full path, where it used to write one.
    rmSync(join(project, '.redb', 'state', 'index.json'), { force: true });
    const before = listing(project);
    view = readOnlyView(project, join(dir.path, 'view'));
    for (const args of [
      ['status', '--no-db'],
      ['status', '--no-db', '--json'],
      ['log'],
      ['log', '--json'],
      ['diff'],
      ['diff', 'HEAD~1', 'HEAD'],
      ['show', 'HEAD'],
      ['show', 'working'],
      ['branch'],
      ['tag'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: view.path, env: testEnv(), encoding: 'utf8' });
      expect(r.status, `redb ${args.join(' ')} in a checkout made read-only by ${view.how}: ${r.stderr}`).toBe(0);
    }
    expect(listing(project)).toEqual(before);
  });
});
