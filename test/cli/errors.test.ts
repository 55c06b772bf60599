import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, CLI, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

describe('bad input gets a clear error and loses nothing', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(() => dir.cleanup());

  it('stops writing quietly when the reader of its output goes away (redb … | head)', () => {
    const r = execFileSync('bash', ['-c', `'${process.execPath}' '${CLI}' show HEAD --as postgres 2>&1 | head -c 1; echo " exit \${PIPESTATUS[0]}"`], {
      cwd: dir.path,
      encoding: 'utf8',
    });
    expect(r).toMatch(/^. exit 0\n$/);
  });

  it('names an unknown ref and suggests where to look', () => {
    for (const ref of ['nosuch', 'HEAD~5', 'deadbeef', 'db:nosuch']) {
      const r = redb(dir.path, ['diff', ref, 'HEAD']);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe(ref.startsWith('db:') ? 'REDB_DB_NOT_FOUND' : 'REDB_REF_NOT_FOUND');
    }
    expect(redb(dir.path, ['show', 'nosuch']).stderr).toContain(
      "error[REDB_REF_NOT_FOUND]: no commit, branch or tag named 'nosuch' (redb log, redb branch, redb tag)",
    );
  });

  it('reports an invalid schema file with its path and field', () => {
    const file = join(dir.path, 'schema/tables/Album.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('nullable: false', 'nullable: maybe'));
    const r = redb(dir.path, ['status', '--no-db']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(r.stderr).toContain('schema/tables/Album.yaml: columns.0.nullable');
    // The way out the hint offers works on the very file that does not parse.
    expect(r.stderr).toContain('redb switch --discard-changes <branch>');
    redbOk(dir.path, ['switch', '--discard-changes', 'main']);
    expect(readFileSync(file, 'utf8')).not.toContain('maybe');
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('a type whose fields contradict its native spelling (one edited, not the other) is an error, not a silent no-op', () => {
    const file = join(dir.path, 'schema/tables/Album.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('native: NVARCHAR(160), length: 160');
    // Same-engine DDL is written from native, hazards read length: an edit to one alone would mislead both.
    writeFileSync(file, text.replace('native: NVARCHAR(160), length: 160', 'native: NVARCHAR(160), length: 200'));
    const lengthOnly = redb(dir.path, ['diff']);
    expect(lengthOnly.code).toBe(1);
    expect(errorCode(lengthOnly)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(lengthOnly.stderr).toContain('schema/tables/Album.yaml: columns.1.type.length: native NVARCHAR(160) says 160, but length says 200');
    writeFileSync(file, text.replace('native: NVARCHAR(160), length: 160', 'native: NVARCHAR(100), length: 160'));
    expect(errorCode(redb(dir.path, ['commit', '-m', 'narrow']))).toBe('REDB_INVALID_SCHEMA_FILE');
    // Both together are a change like any other.
    writeFileSync(file, text.replace('native: NVARCHAR(160), length: 160', 'native: NVARCHAR(200), length: 200'));
    expect(redbOk(dir.path, ['diff']).stdout).toContain('Album.Title  type NVARCHAR(160) → NVARCHAR(200)');
  });

  it('reports YAML that does not parse, with the line', () => {
    writeFileSync(join(dir.path, 'schema/tables/Album.yaml'), 'name: Album\ncolumns: [\n  - oops: {\n');
    const r = redb(dir.path, ['diff']);
    expect(errorCode(r)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(r.stderr).toMatch(/schema\/tables\/Album\.yaml: line \d+: not valid YAML/);
  });

  it('reports a file whose content names another object', () => {
    const file = join(dir.path, 'schema/tables/Album.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('name: Album', 'name: Albums'));
    const r = redb(dir.path, ['commit', '-m', 'x']);
    expect(errorCode(r)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(r.stderr).toContain('schema/tables/Albums.yaml');
  });

  it('reports a file in a folder redb does not know', () => {
    writeFileSync(join(dir.path, 'schema/tabels.yaml'), 'name: x\n');
    expect(errorCode(redb(dir.path, ['status', '--no-db']))).toBe('REDB_INVALID_SCHEMA_FILE');
  });

  it('detects a hand-edited object in the store', () => {
    // Find the blob of Album.yaml, and rewrite its loose object with other content of the same kind.
    const oid = execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'rev-parse', 'HEAD:tables/Album.yaml'], { encoding: 'utf8' }).trim();
    const other = execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'rev-parse', 'HEAD:tables/Artist.yaml'], { encoding: 'utf8' }).trim();
    const path = (o: string) => join(dir.path, '.redb', 'objects', o.slice(0, 2), o.slice(2));
    chmodSync(path(oid), 0o644);
    writeFileSync(path(oid), readFileSync(path(other)));
    const r = redb(dir.path, ['show', 'HEAD', '--json']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CORRUPT_OBJECT');
    expect(r.stderr).toContain('tables/Album.yaml');
    expect(r.stderr).toContain('git --git-dir .redb fsck');
  });

  it('detects an object that is not even compressed data', () => {
    const oid = execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'rev-parse', 'HEAD:tables/Genre.yaml'], { encoding: 'utf8' }).trim();
    const file = join(dir.path, '.redb', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, 'garbage');
    const r = redb(dir.path, ['show', 'HEAD', '--as', 'sqlite']);
    expect(errorCode(r)).toBe('REDB_CORRUPT_OBJECT');
    // A diff reads only the objects that differ, so an untouched broken object does not stop it.
    expect(redb(dir.path, ['diff', 'HEAD', 'working']).code).toBe(0);
  });

  it('prints no stack trace unless REDB_DEBUG=1', () => {
    const plain = redb(dir.path, ['show', 'nosuch']);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = redb(dir.path, ['show', 'nosuch'], { REDB_DEBUG: '1' });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('reports usage errors with a code', () => {
    const r = redb(dir.path, ['commit']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_USAGE');
    expect(redb(dir.path, ['diff', '--sql', 'oracle']).stderr).toContain('REDB_USAGE');
    expect(redb(dir.path, ['migrate', 'app', '--allow', 'everything']).stderr).toContain('unknown hazard');
  });

  it('gives JSON errors on stdout when --json was asked for', () => {
    const r = redb(dir.path, ['show', 'nosuch', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ error: expect.objectContaining({ code: 'REDB_REF_NOT_FOUND' }) });
  });

  it('leaves no temporary files behind in the store', () => {
    const state = readdirSync(join(dir.path, '.redb', 'state'));
    expect(state.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
