import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

describe('log -n takes a number of commits', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', 'sqlite:chinook.db']);
    redbOk(dir.path, ['commit', '-m', 'one']);
  }, 60_000);
  afterAll(() => dir.cleanup());

  it.each(['-5', 'abc', '1.5', '2x', ''])("refuses -n '%s' with a coded usage error", (n) => {
    const r = redb(dir.path, ['log', '-n', n, '--oneline']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_USAGE');
    expect(r.stderr).toContain('-n takes a number of commits');
    expect(r.stdout).toBe('');
  });

  it('-n 0 is valid and shows nothing, as with git; -n 1 shows one', () => {
    const zero = redb(dir.path, ['log', '-n', '0']);
    expect(zero.code).toBe(0);
    expect(zero.stdout).toBe('');
    expect(JSON.parse(redbOk(dir.path, ['log', '-n', '0', '--json']).stdout)).toEqual([]);
    expect(redbOk(dir.path, ['log', '--max-count', '1', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
  });
});
