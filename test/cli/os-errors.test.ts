import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, errorCode, redb, redbOk, sharedFixture, type CliResult } from '../support/cli.js';

/**
 * Operating-system failures, produced for real: a user without the rights (the tests run as root,
 * so the command runs as `nobody`), a read-only bind mount, a full tmpfs, a low limit of open files.
 */
const root = process.getuid?.() === 0;
const NOBODY = 65534;

/** A project on Chinook (SQLite), in a folder every user may enter. */
function project(parent: string, name = 'p'): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(sharedFixture('chinook', 'Chinook_Sqlite.sqlite'), join(dir, 'c.db'));
  chmodSync(join(dir, 'c.db'), 0o644);
  redbOk(dir, ['init']);
  redbOk(dir, ['db', 'add', 'c', 'sqlite:c.db']);
  redbOk(dir, ['pull', 'c']);
  return dir;
}

/** Run the built CLI as another user (or under a limit) with a plain environment. */
function run(cwd: string, args: readonly string[], prefix: readonly string[]): CliResult {
  const r = spawnSync(prefix[0] as string, [...prefix.slice(1), process.execPath, CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/tmp', NO_COLOR: '1', REDB_AUTHOR_NAME: 'Test', REDB_AUTHOR_EMAIL: 'test@example.com' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const asNobody = (cwd: string, args: readonly string[]) => run(cwd, args, ['runuser', '-u', 'nobody', '--']);
const head = (dir: string) => redbOk(dir, ['log', '--oneline']).stdout;

/** One coded line: the code, the path, no "bug in redb". */
function expectOsError(r: CliResult, code: string, path: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(errorCode(r), r.stderr).toBe(code);
  expect(r.stderr).toContain(path);
  expect(r.stderr).not.toContain('REDB_INTERNAL');
  expect(r.stderr).not.toContain('bug in redb');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe.skipIf(!root)('operating-system failures are coded errors naming the path (real users, mounts and limits)', () => {
  let base: string;
  const mounts: string[] = [];
  const mount = (...args: string[]) => {
    execFileSync('mount', args);
    mounts.push(args[args.length - 1] as string);
  };
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'redb-os-'));
    chmodSync(base, 0o755);
  });
  afterEach(() => {
    for (const m of mounts.splice(0).reverse()) spawnSync('umount', ['-l', m]);
    rmSync(base, { recursive: true, force: true });
  });

  it('permission denied: init, commit and pull by a user who may not write there', () => {
    const dir = project(base);
    redbOk(dir, ['commit', '-m', 'one']);
    const before = head(dir);
    writeFileSync(join(dir, 'schema', 'tables', 'Genre.yaml'), readFileSync(join(dir, 'schema', 'tables', 'Genre.yaml'), 'utf8').replace('Name', 'Label'));
    expectOsError(asNobody(dir, ['commit', '-m', 'two']), 'REDB_PERMISSION_DENIED', join(dir, '.redb'));
    expect(head(dir)).toBe(before);
    expectOsError(asNobody(dir, ['pull', 'c', '--discard-changes']), 'REDB_PERMISSION_DENIED', dir);
    mkdirSync(join(base, 'empty'));
    expectOsError(asNobody(join(base, 'empty'), ['init']), 'REDB_PERMISSION_DENIED', join(base, 'empty', '.redb'));
  });

  it('an unreadable schema folder is an error, not a working tree with every table deleted', () => {
    const dir = project(base);
    redbOk(dir, ['commit', '-m', 'one']);
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);
    chmodSync(join(dir, 'schema', 'tables'), 0o000);
    const before = head(dir);
    expectOsError(asNobody(dir, ['commit', '-m', 'lost everything?']), 'REDB_PERMISSION_DENIED', join(dir, 'schema', 'tables'));
    expectOsError(asNobody(dir, ['status', '--no-db']), 'REDB_PERMISSION_DENIED', join(dir, 'schema', 'tables'));
    chmodSync(join(dir, 'schema', 'tables'), 0o755);
    expect(head(dir)).toBe(before);
  });

  it('an unreadable configuration is an error, not an empty one that the next db add overwrites', () => {
    const dir = project(base);
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);
    chmodSync(join(dir, '.redb', 'redb.json'), 0o200);
    expectOsError(asNobody(dir, ['db', 'add', 'other', 'sqlite:other.db']), 'REDB_PERMISSION_DENIED', join(dir, '.redb', 'redb.json'));
    chmodSync(join(dir, '.redb', 'redb.json'), 0o644);
    expect(readFileSync(join(dir, '.redb', 'redb.json'), 'utf8')).toContain('sqlite:c.db');
  });

  it('read-only file system: commands that write say so, commands that read still work', () => {
    const dir = project(base);
    redbOk(dir, ['commit', '-m', 'one']);
    writeFileSync(join(dir, 'schema', 'tables', 'Genre.yaml'), readFileSync(join(dir, 'schema', 'tables', 'Genre.yaml'), 'utf8').replace('Name', 'Label'));
    mount('--bind', '-o', 'ro', dir, dir);
    for (const args of [
      ['commit', '-m', 'two'],
      ['branch', 'b'],
      ['tag', 'v1'],
      ['pull', 'c', '--discard-changes'],
    ]) {
      expectOsError(redb(dir, args), 'REDB_READ_ONLY_FILE_SYSTEM', dir);
    }
    expect(redbOk(dir, ['log', '--oneline']).stdout).toContain('one');
    expect(redbOk(dir, ['diff']).stdout).toContain('Genre');
    // A file database created in a read-only folder: the folder is named, not "no SQLite database".
    const ro = join(base, 'ro');
    mkdirSync(ro);
    mount('--bind', '-o', 'ro', ro, ro);
    for (const url of [`sqlite:${ro}/copy.db`, `duckdb:${ro}/copy.duckdb`]) expectOsError(redb(dir, ['clone', 'c', url]), 'REDB_READ_ONLY_FILE_SYSTEM', ro);
  });

  it('disk full: a commit on a full file system says so and names where', () => {
    const dir = join(base, 'small');
    mkdirSync(dir);
    mount('-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir);
    project(dir, '.');
    // Fill what is left, so that the commit's first object write finds no room.
    spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
    const r = redb(dir, ['commit', '-m', 'one']);
    expectOsError(r, 'REDB_DISK_FULL', dir);
    expect(r.stderr).toContain('df -h');
  });

  it('too many open files: a low limit gives a coded error, never an internal one', () => {
    const dir = project(base);
    const codes = new Set<string>();
    for (const limit of [26, 32, 40, 50, 64]) {
      const r = run(dir, ['pull', 'c', '--discard-changes'], ['prlimit', `--nofile=${limit}`]);
      if (r.code === 0) continue;
      expectOsError(r, 'REDB_TOO_MANY_OPEN_FILES', '/');
      expect(r.stderr).toContain('ulimit -n');
      codes.add(errorCode(r) as string);
    }
    expect([...codes]).toEqual(['REDB_TOO_MANY_OPEN_FILES']);
  });

  it('a folder where a file is expected, and a file where a folder is', () => {
    const dir = project(base);
    rmSync(join(dir, '.redb', 'redb.json'));
    mkdirSync(join(dir, '.redb', 'redb.json'));
    expectOsError(redb(dir, ['db', 'list']), 'REDB_IS_A_DIRECTORY', join(dir, '.redb', 'redb.json'));
    rmSync(join(dir, '.redb', 'redb.json'), { recursive: true });
    expectOsError(redb(dir, ['diff', 'working', 'dir:c.db']), 'REDB_NOT_A_DIRECTORY', join(dir, 'c.db'));
    expect(existsSync(join(dir, 'c.db'))).toBe(true);
  });
});
