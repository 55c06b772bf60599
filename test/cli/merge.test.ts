import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

describe('merge: three-way, object by object', () => {
  let dir: ReturnType<typeof tempDir>;
  const file = (object: string) => join(dir.path, 'schema', object);
  const edit = (object: string, from: string, to: string) => {
    const text = readFileSync(file(object), 'utf8');
    expect(text).toContain(from);
    writeFileSync(file(object), text.replace(from, to));
  };
  const parents = () =>
    execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'log', '-1', '--format=%P'], { encoding: 'utf8' })
      .trim()
      .split(' ');

  beforeEach(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', 'sqlite:chinook.db']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    redbOk(dir.path, ['branch', 'feature']);
  });
  afterEach(() => dir.cleanup());

  it('fast-forwards when the current branch has not moved', () => {
    redbOk(dir.path, ['switch', 'feature']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150');
    redbOk(dir.path, ['commit', '-m', 'wider genre']);
    redbOk(dir.path, ['switch', 'main']);
    const r = redbOk(dir.path, ['merge', 'feature']);
    expect(r.stdout).toContain('Fast-forward');
    expect(readFileSync(file('tables/Genre.yaml'), 'utf8')).toContain('NVARCHAR(150)');
    expect(redbOk(dir.path, ['merge', 'feature']).stdout).toContain('Already up to date');
  });

  it('merges independent changes, and the same change on both sides, into a merge commit', () => {
    redbOk(dir.path, ['switch', 'feature']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150');
    edit('tables/Artist.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(200), length: 200');
    redbOk(dir.path, ['commit', '-m', 'feature work']);
    redbOk(dir.path, ['switch', 'main']);
    edit('tables/MediaType.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(90), length: 90');
    edit('tables/Artist.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(200), length: 200');
    redbOk(dir.path, ['commit', '-m', 'main work']);
    const r = redbOk(dir.path, ['merge', 'feature', '--json']);
    const result = JSON.parse(r.stdout) as { outcome: string; conflicts: unknown[]; changes: { id: string }[] };
    expect(result.outcome).toBe('merged');
    expect(result.conflicts).toEqual([]);
    expect(result.changes.map((c) => c.id)).toEqual(['Genre.Name']);
    expect(readFileSync(file('tables/Genre.yaml'), 'utf8')).toContain('NVARCHAR(150)');
    expect(readFileSync(file('tables/MediaType.yaml'), 'utf8')).toContain('NVARCHAR(90)');
    expect(parents()).toHaveLength(2);
    // The log shows both branches' commits, as git's does.
    const subjects = redbOk(dir.path, ['log', '--oneline'])
      .stdout.trim()
      .split('\n')
      .map((l) => l.slice(8));
    expect(subjects.slice(1, 3).sort()).toEqual(['feature work', 'main work']);
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
    execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'fsck', '--strict'], { stdio: 'ignore' });
  });

  it('leaves conflicting changes for a person, and commit refuses until they are resolved', () => {
    redbOk(dir.path, ['switch', 'feature']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150');
    redbOk(dir.path, ['commit', '-m', 'feature genre']);
    redbOk(dir.path, ['switch', 'main']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(80), length: 80');
    redbOk(dir.path, ['commit', '-m', 'main genre']);
    const r = redb(dir.path, ['merge', 'feature']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('schema/tables/Genre.yaml (ours changed, theirs changed)');
    const conflict = readFileSync(file('tables/Genre.conflict.yaml'), 'utf8');
    expect(conflict).toContain('NVARCHAR(150)');
    expect(conflict).toContain('NVARCHAR(80)');
    expect(conflict).toContain('NVARCHAR(120)');
    expect(readFileSync(file('tables/Genre.yaml'), 'utf8')).toContain('NVARCHAR(80)');
    const status = redbOk(dir.path, ['status', '--no-db']);
    expect(status.stdout).toContain('conflict  schema/tables/Genre.conflict.yaml');
    const refused = redb(dir.path, ['commit', '-m', 'merge']);
    expect(errorCode(refused)).toBe('REDB_UNRESOLVED_CONFLICTS');
    expect(errorCode(redb(dir.path, ['switch', 'feature']))).toBe('REDB_MERGE_IN_PROGRESS');
    // Resolve: take their width, delete the conflict file, commit.
    edit('tables/Genre.yaml', 'NVARCHAR(80), length: 80', 'NVARCHAR(150), length: 150');
    rmSync(file('tables/Genre.conflict.yaml'));
    redbOk(dir.path, ['commit', '-m', 'merge feature']);
    expect(parents()).toHaveLength(2);
    expect(existsSync(join(dir.path, '.redb', 'MERGE_HEAD'))).toBe(false);
  });

  it('aborts a conflicted merge back to HEAD', () => {
    redbOk(dir.path, ['switch', 'feature']);
    rmSync(file('tables/Genre.yaml'));
    redbOk(dir.path, ['commit', '-m', 'drop genre']);
    redbOk(dir.path, ['switch', 'main']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(80), length: 80');
    redbOk(dir.path, ['commit', '-m', 'main genre']);
    const r = redb(dir.path, ['merge', 'feature']);
    expect(r.stderr).toContain('(ours changed, theirs deleted)');
    redbOk(dir.path, ['merge', '--abort']);
    expect(existsSync(file('tables/Genre.conflict.yaml'))).toBe(false);
    expect(readFileSync(file('tables/Genre.yaml'), 'utf8')).toContain('NVARCHAR(80)');
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('refuses to merge over uncommitted edits', () => {
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(80), length: 80');
    expect(errorCode(redb(dir.path, ['merge', 'feature']))).toBe('REDB_DIRTY_WORKING_TREE');
  });
});
