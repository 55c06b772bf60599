import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

const fsck = (dir: string) =>
  execFileSync('git', ['--git-dir', join(dir, '.redb'), 'fsck', '--strict'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('init', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('creates a .redb git repository and a schema/ working tree', () => {
    const r = redbOk(dir.path, ['init']);
    expect(r.stdout).toContain('Initialized empty redb repository');
    expect(existsSync(join(dir.path, '.redb', 'HEAD'))).toBe(true);
    expect(existsSync(join(dir.path, 'schema'))).toBe(true);
    expect(readFileSync(join(dir.path, '.redb', 'HEAD'), 'utf8').trim()).toBe('ref: refs/heads/main');
    fsck(dir.path);
  });

  it('refuses a second init and leaves the first untouched', () => {
    redbOk(dir.path, ['init']);
    const before = readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8');
    const r = redb(dir.path, ['init']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_REPO_EXISTS');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8')).toBe(before);
  });

  it('reports running outside a repository', () => {
    const r = redb(dir.path, ['status']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_NOT_A_REPOSITORY');
    expect(r.stderr).toContain('redb init');
  });

  it('finds the repository from a subdirectory, as git does', () => {
    redbOk(dir.path, ['init']);
    expect(redb(join(dir.path, 'schema'), ['status', '--no-db']).code).toBe(0);
  });
});

describe('the loop: pull, commit, log, show, branch, switch, tag', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
  });
  afterEach(() => dir.cleanup());

  it('pulls one file per object and commits them as a tree git can read', () => {
    const pulled = redbOk(dir.path, ['pull', 'app']);
    expect(pulled.stdout).toContain('pulled 11 objects');
    expect(readFileSync(join(dir.path, 'schema/tables/Album.yaml'), 'utf8')).toContain('name: Album');
    const committed = redbOk(dir.path, ['commit', '-m', 'initial']);
    expect(committed.stdout).toMatch(/\[main [0-9a-f]{7}\] initial/);
    const files = execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'ls-tree', '-r', '--name-only', 'HEAD'], { encoding: 'utf8' });
    expect(files.split('\n')).toContain('tables/Album.yaml');
    expect(files.split('\n')).toContain('redb.yaml');
    fsck(dir.path);
  });

  it('writes byte-identical files for the same database', () => {
    redbOk(dir.path, ['pull', 'app']);
    const first = readFileSync(join(dir.path, 'schema/tables/Track.yaml'));
    redbOk(dir.path, ['pull', 'app']);
    expect(readFileSync(join(dir.path, 'schema/tables/Track.yaml')).equals(first)).toBe(true);
  });

  it('refuses to commit when nothing changed', () => {
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    const r = redb(dir.path, ['commit', '-m', 'again']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_NOTHING_TO_COMMIT');
  });

  it('logs commits newest first, as text and JSON', () => {
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    const album = join(dir.path, 'schema/tables/Album.yaml');
    writeFileSync(
      album,
      readFileSync(album, 'utf8').replace('columns:\n', 'columns:\n  - name: Year\n    type: {kind: integer, native: INTEGER, bits: 64}\n    nullable: true\n'),
    );
    redbOk(dir.path, ['commit', '-m', 'album year']);
    const log = JSON.parse(redbOk(dir.path, ['log', '--json']).stdout) as { message: string; changes: number; id: string; author: string }[];
    expect(log.map((e) => e.message)).toEqual(['album year', 'initial']);
    expect(log[0]?.changes).toBe(1);
    expect(log[1]?.changes).toBe(11);
    expect(log[0]?.author).toBe('Test');
    expect(redbOk(dir.path, ['log']).stdout).toContain('album year');
    expect(redbOk(dir.path, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(2);
    const shown = redbOk(dir.path, ['show', 'HEAD']).stdout;
    expect(shown).toContain('album year');
    expect(shown).toMatch(/\+\s+column\s+Album\.Year/);
  });

  it('resolves refs: HEAD~n, short ids, branches, tags, working and db:<name>', () => {
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'one']);
    const album = join(dir.path, 'schema/tables/Album.yaml');
    writeFileSync(album, readFileSync(album, 'utf8').replace('NVARCHAR(160), length: 160', 'NVARCHAR(200), length: 200'));
    redbOk(dir.path, ['commit', '-m', 'two']);
    const [two, one] = (JSON.parse(redbOk(dir.path, ['log', '--json']).stdout) as { id: string }[]).map((e) => e.id);
    redbOk(dir.path, ['tag', 'v1', 'HEAD~1']);
    redbOk(dir.path, ['branch', 'old', (one as string).slice(0, 7)]);
    const diffs = (from: string, to: string) => JSON.parse(redbOk(dir.path, ['diff', from, to, '--json']).stdout) as { operations: unknown[] };
    expect(diffs('HEAD~1', 'HEAD').operations).toHaveLength(1);
    expect(diffs('v1', (two as string).slice(0, 8)).operations).toHaveLength(1);
    expect(diffs('old', 'v1').operations).toHaveLength(0);
    expect(diffs('db:app', 'v1').operations).toHaveLength(0);
    expect(diffs('db:app', 'HEAD').operations).toHaveLength(1);
    expect(diffs('HEAD', 'working').operations).toHaveLength(0);
    expect(diffs('main~1', 'HEAD^').operations).toHaveLength(0);
  });

  it('branches, switches and tags like git, keeping edits safe', () => {
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    redbOk(dir.path, ['switch', '-c', 'feature']);
    const genre = join(dir.path, 'schema/tables/Genre.yaml');
    const original = readFileSync(genre, 'utf8');
    writeFileSync(genre, original.replace('NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150'));
    // A switch would overwrite the edit: refused.
    const blocked = redb(dir.path, ['switch', 'main']);
    expect(blocked.code).toBe(1);
    expect(errorCode(blocked)).toBe('REDB_DIRTY_WORKING_TREE');
    expect(readFileSync(genre, 'utf8')).toContain('NVARCHAR(150)');
    redbOk(dir.path, ['commit', '-m', 'wider genre']);
    redbOk(dir.path, ['switch', 'main']);
    expect(readFileSync(genre, 'utf8')).toBe(original);
    redbOk(dir.path, ['switch', 'feature']);
    expect(readFileSync(genre, 'utf8')).toContain('NVARCHAR(150)');
    const branches = JSON.parse(redbOk(dir.path, ['branch', '--json']).stdout) as { name: string; current: boolean }[];
    expect(branches.map((b) => [b.name, b.current])).toEqual([
      ['feature', true],
      ['main', false],
    ]);
    redbOk(dir.path, ['tag', 'release-1']);
    expect(JSON.parse(redbOk(dir.path, ['tag', '--json']).stdout)).toEqual([expect.objectContaining({ name: 'release-1' })]);
    expect(errorCode(redb(dir.path, ['tag', 'release-1']))).toBe('REDB_NAME_TAKEN');
    expect(errorCode(redb(dir.path, ['branch', 'bad..name']))).toBe('REDB_INVALID_NAME');
    expect(errorCode(redb(dir.path, ['branch', '-d', 'feature']))).toBe('REDB_USAGE');
    redbOk(dir.path, ['switch', 'main']);
    redbOk(dir.path, ['branch', '-d', 'feature']);
    redbOk(dir.path, ['tag', '-d', 'release-1']);
    expect(JSON.parse(redbOk(dir.path, ['tag', '--json']).stdout)).toEqual([]);
    fsck(dir.path);
  });

  it('answers status from its index, and still sees an edit that keeps the file size', () => {
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
    expect(readFileSync(join(dir.path, '.redb/state/index.json'), 'utf8')).toContain('tables/Genre.yaml');
    const genre = join(dir.path, 'schema/tables/Genre.yaml');
    const before = readFileSync(genre, 'utf8');
    const after = before.replace('NVARCHAR(120), length: 120', 'NVARCHAR(121), length: 121');
    expect(after.length).toBe(before.length);
    writeFileSync(genre, after);
    const r = redbOk(dir.path, ['status', '--no-db', '--json']);
    expect((JSON.parse(r.stdout) as { changes: { id: string }[] }).changes.map((c) => c.id)).toEqual(['Genre.Name']);
    writeFileSync(genre, before);
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('shows the schema of the working tree and of a live database', () => {
    redbOk(dir.path, ['pull', 'app']);
    expect(redbOk(dir.path, ['show', 'working']).stdout).toMatch(/table\s+Track\s+9 columns, 3 indexes, 3 foreign keys/);
    const live = JSON.parse(redbOk(dir.path, ['show', 'db:app', '--json']).stdout) as { schema: { tables: unknown[] } };
    expect(live.schema.tables).toHaveLength(11);
  });
});
