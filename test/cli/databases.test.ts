import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

describe('db add | list | remove', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());
  const config = () => readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8');

  it('binds, lists and removes databases', () => {
    redbOk(dir.path, ['db', 'add', 'local', 'sqlite:app.db']);
    redbOk(dir.path, ['db', 'add', 'file2', 'sqlite:///tmp/other.db']);
    const list = JSON.parse(redbOk(dir.path, ['db', 'list', '--json']).stdout) as { name: string; engine: string; url: string }[];
    expect(list).toEqual([
      { name: 'file2', engine: 'sqlite', url: 'sqlite:///tmp/other.db' },
      { name: 'local', engine: 'sqlite', url: 'sqlite:app.db' },
    ]);
    expect(redbOk(dir.path, ['db', 'list']).stdout).toMatch(/local\s+sqlite\s+-\s+sqlite:app\.db/);
    redbOk(dir.path, ['db', 'remove', 'file2']);
    expect((JSON.parse(redbOk(dir.path, ['db', 'list', '--json']).stdout) as unknown[]).length).toBe(1);
  });

  it('refuses duplicates and unknown names', () => {
    redbOk(dir.path, ['db', 'add', 'local', 'sqlite:app.db']);
    expect(errorCode(redb(dir.path, ['db', 'add', 'local', 'sqlite:b.db']))).toBe('REDB_DB_EXISTS');
    expect(errorCode(redb(dir.path, ['db', 'remove', 'nope']))).toBe('REDB_DB_NOT_FOUND');
    expect(errorCode(redb(dir.path, ['pull', 'nope']))).toBe('REDB_DB_NOT_FOUND');
    expect(errorCode(redb(dir.path, ['db', 'add', '9lives', 'sqlite:x.db']))).toBe('REDB_INVALID_NAME');
  });

  it.each([
    ['no scheme', 'app.db'],
    ['unknown scheme', 'oracle://db/x'],
    ['sqlite without a path', 'sqlite:'],
    ['postgres without //', 'postgres:host/db'],
    ['postgres without a host', 'postgres:///db'],
  ])('rejects a malformed URL (%s) and stores nothing', (_what, url) => {
    const before = config();
    const r = redb(dir.path, ['db', 'add', 'x', url]);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_INVALID_URL');
    expect(r.stderr).toContain('sqlite:<path>');
    expect(config()).toBe(before);
  });

  it('refuses a plain password and never writes it to .redb', () => {
    const r = redb(dir.path, ['db', 'add', 'prod', 'mysql://app:s3cret@db.example/app']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_PLAIN_PASSWORD');
    expect(r.stderr).toContain('${');
    expect(r.stderr).not.toContain('s3cret');
    expect(config()).not.toContain('s3cret');
  });

  it('accepts a password taken from the environment and keeps only the reference', () => {
    redbOk(dir.path, ['db', 'add', 'prod', 'postgres://app:${PGPASSWORD}@127.0.0.1:5432/app']);
    expect(config()).toContain('postgres://app:${PGPASSWORD}@127.0.0.1:5432/app');
    expect(redbOk(dir.path, ['db', 'list']).stdout).toContain('${PGPASSWORD}');
    // At use, a missing variable is named, not guessed.
    const r = redb(dir.path, ['pull', 'prod'], { PGPASSWORD: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[REDB_ENV_MISSING]');
    expect(r.stderr).toContain('PGPASSWORD');
  });

  it('refuses engines that have no adapter yet, with the supported list', () => {
    const r = redb(dir.path, ['db', 'add', 'x', 'mongodb://127.0.0.1/app']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_ENGINE_UNSUPPORTED');
    expect(r.stderr).toContain('supported engines: sqlite, postgres, mysql, duckdb');
  });

  it('rejects a hand-broken configuration file with the file named', () => {
    writeFileSync(join(dir.path, '.redb', 'redb.json'), '{"version": 1, "databases": {"a": {"url": 5}}}');
    const r = redb(dir.path, ['db', 'list']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_INVALID_CONFIG');
    expect(r.stderr).toContain('.redb/redb.json');
    expect(r.stderr).toContain('databases.a.url');
  });
});

describe('pull from a database that cannot be read', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());

  it('reports a missing SQLite file without creating it', () => {
    redbOk(dir.path, ['db', 'add', 'gone', 'sqlite:missing.db']);
    const r = redb(dir.path, ['pull', 'gone']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_DB_UNREACHABLE');
    expect(r.stderr).toContain('missing.db');
    expect(() => readFileSync(join(dir.path, 'missing.db'))).toThrow();
  });

  it('reports a file that is not a database', () => {
    writeFileSync(join(dir.path, 'notes.db'), 'this is not a database, just some text that is long enough '.repeat(20));
    redbOk(dir.path, ['db', 'add', 'notes', 'sqlite:notes.db']);
    const r = redb(dir.path, ['pull', 'notes']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_DB_UNREACHABLE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('accepts a URL in place of a bound name', () => {
    chinookCopy(dir.path);
    expect(redbOk(dir.path, ['pull', 'sqlite:chinook.db']).stdout).toContain('pulled 11 objects');
  });

  it('refuses to overwrite hand edits, unless told to discard them', () => {
    chinookCopy(dir.path);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(dir.path, ['pull', 'app']);
    // Pulling again over an untouched pull is fine.
    redbOk(dir.path, ['pull', 'app']);
    const file = join(dir.path, 'schema/tables/Genre.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('NVARCHAR(120), length: 120', 'NVARCHAR(99), length: 99'));
    const r = redb(dir.path, ['pull', 'app']);
    expect(errorCode(r)).toBe('REDB_DIRTY_WORKING_TREE');
    expect(readFileSync(file, 'utf8')).toContain('NVARCHAR(99)');
    redbOk(dir.path, ['pull', 'app', '--discard-changes']);
    expect(readFileSync(file, 'utf8')).toContain('NVARCHAR(120)');
  });
});
