import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

const gitLog = (dir: string, format: string) =>
  execFileSync('git', ['--git-dir', join(dir, '.redb'), 'log', `--format=${format}`], { encoding: 'utf8' })
    .trim()
    .split('\n');

describe('what a project records', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('an empty database is a schema worth a first commit, and migrate brings another database to it', () => {
    new Sqlite(join(dir.path, 'empty.db')).close();
    const other = new Sqlite(join(dir.path, 'other.db'));
    other.exec('CREATE TABLE stale (id INTEGER PRIMARY KEY)');
    other.close();
    redbOk(dir.path, ['init']);
    // Nothing pulled yet: nothing to record.
    const never = redb(dir.path, ['commit', '-m', 'too early']);
    expect(errorCode(never)).toBe('REDB_NOTHING_TO_COMMIT');
    expect(never.stderr).toContain('never been pulled');
    redbOk(dir.path, ['db', 'add', 'empty', 'sqlite:empty.db']);
    expect(redbOk(dir.path, ['pull', 'empty']).stdout).toContain('no commits yet');
    const first = redbOk(dir.path, ['commit', '-m', 'empty schema', '--json']);
    const { id, recorded } = JSON.parse(first.stdout) as { id: string; recorded: string[] };
    expect(recorded).toEqual(['empty']);
    expect(gitLog(dir.path, '%s')).toEqual(['empty schema']);
    expect(redbOk(dir.path, ['status']).stdout).toMatch(new RegExp(`empty\\s+at ${id.slice(0, 7)}\\s+in sync`));

    // A second commit of the same schema needs --allow-empty, as in git.
    expect(errorCode(redb(dir.path, ['commit', '-m', 'again']))).toBe('REDB_NOTHING_TO_COMMIT');
    redbOk(dir.path, ['commit', '-m', 'again', '--allow-empty']);
    expect(gitLog(dir.path, '%s')).toEqual(['again', 'empty schema']);

    redbOk(dir.path, ['db', 'add', 'other', 'sqlite:other.db']);
    redbOk(dir.path, ['migrate', 'other', '--yes', '--allow', 'drops-data,breaks-compatibility']);
    const after = new Sqlite(join(dir.path, 'other.db'), { readonly: true });
    try {
      expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'redb_%'").all()).toEqual([]);
    } finally {
      after.close();
    }
  });

  it('a second mv of a renamed column is refused, so the commit carries one rename', () => {
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', 'sqlite:chinook.db']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    redbOk(dir.path, ['mv', 'column', 'Genre.Name', 'Genre.Title']);
    const pending = readFileSync(join(dir.path, 'schema', '.renames.yaml'), 'utf8');
    const again = redb(dir.path, ['mv', 'column', 'Genre.Name', 'Genre.Title']);
    expect(again.code).toBe(1);
    expect(errorCode(again)).toBe('REDB_USAGE');
    expect(again.stderr).toContain('already recorded');
    expect(readFileSync(join(dir.path, 'schema', '.renames.yaml'), 'utf8')).toBe(pending);
    redbOk(dir.path, ['commit', '-m', 'rename']);
    expect(
      gitLog(dir.path, '%B')
        .join('\n')
        .match(/Redb-Rename:/g),
    ).toHaveLength(1);
    // Committed already: HEAD has no Genre.Name left to rename.
    const late = redb(dir.path, ['mv', 'column', 'Genre.Name', 'Title']);
    expect(errorCode(late)).toBe('REDB_USAGE');
    expect(existsSync(join(dir.path, 'schema', '.renames.yaml'))).toBe(false);
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('status says how far behind HEAD a database is, in git’s words', () => {
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    const genre = join(dir.path, 'schema', 'tables', 'Genre.yaml');
    for (const length of [150, 180]) {
      writeFileSync(genre, readFileSync(genre, 'utf8').replace(/NVARCHAR\(\d+\), length: \d+/, `NVARCHAR(${length}), length: ${length}`));
      redbOk(dir.path, ['commit', '-m', `genre ${length}`]);
    }
    const text = redbOk(dir.path, ['status']).stdout;
    expect(text).toMatch(/app\s+at \w{7}\s+behind HEAD by 2 commits/);
    expect(text).not.toContain('in sync');
    const json = JSON.parse(redbOk(dir.path, ['status', '--json']).stdout) as { databases: { state: string; behind: number; ahead: number }[] };
    expect(json.databases).toEqual([expect.objectContaining({ state: 'in-sync', behind: 2, ahead: 0 })]);
    redbOk(dir.path, ['migrate', 'app', '--yes', '--allow', 'all']);
    expect(redbOk(dir.path, ['status']).stdout).toMatch(/app\s+at \w{7}\s+in sync/);
  });
});
