import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

describe('redb mv: recorded renames keep rows', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  const count = (sql: string): number => {
    const db = new Sqlite(file, { readonly: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const lastMessage = () => execFileSync('git', ['--git-dir', join(dir.path, '.redb'), 'log', '-1', '--format=%B'], { encoding: 'utf8' });

  beforeEach(() => {
    dir = tempDir();
    file = chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(() => dir.cleanup());

  it('renames in the working tree, commits the rename, and migrates by renaming, and back', () => {
    redbOk(dir.path, ['mv', 'table', 'Artist', 'Performer']);
    redbOk(dir.path, ['mv', 'column', 'Album.Title', 'Name']);
    redbOk(dir.path, ['mv', 'index', 'Track.IFK_TrackAlbumId', 'IFK_Track_Album']);
    expect(existsSync(join(dir.path, 'schema/tables/Performer.yaml'))).toBe(true);
    expect(existsSync(join(dir.path, 'schema/tables/Artist.yaml'))).toBe(false);
    // The foreign key that pointed at Artist follows it.
    expect(readFileSync(join(dir.path, 'schema/tables/Album.yaml'), 'utf8')).toMatch(/table: Performer/);
    const status = redbOk(dir.path, ['status', '--no-db']).stdout;
    expect(status).toMatch(/table\s+Artist\s+renamed to Performer/);
    expect(status).toMatch(/column\s+Album\.Title\s+renamed to Name/);

    redbOk(dir.path, ['commit', '-m', 'rename things']);
    expect(lastMessage()).toContain('Redb-Rename: {"kind":"table","from":"Artist","to":"Performer"}');
    expect(existsSync(join(dir.path, 'schema/.renames.yaml'))).toBe(false);

    const plan = redb(dir.path, ['migrate', 'app', '--dry-run']);
    expect(plan.code).toBe(3); // renames break old application versions
    expect(plan.stdout).toContain('ALTER TABLE "Artist" RENAME TO "Performer"');
    expect(plan.stdout).toContain('ALTER TABLE "Album" RENAME COLUMN "Title" TO "Name"');
    expect(plan.stdout).not.toMatch(/DROP TABLE/);

    redbOk(dir.path, ['migrate', 'app', '--yes', '--allow', 'breaks-compatibility']);
    expect(count('SELECT count(*) AS n FROM Performer')).toBe(275);
    expect(count('SELECT count(*) AS n FROM Album WHERE Name IS NOT NULL')).toBe(347);
    expect(redbOk(dir.path, ['status']).stdout).toMatch(/app\s+at \w+\s+in sync/);

    // Rollback undoes the renames, rows and all.
    redbOk(dir.path, ['migrate', 'app', '--to', 'HEAD~1', '--yes', '--allow', 'breaks-compatibility']);
    expect(count('SELECT count(*) AS n FROM Artist')).toBe(275);
    expect(count('SELECT count(*) AS n FROM Album WHERE Title IS NOT NULL')).toBe(347);
  });

  it('suggests a rename for a drop and add of the same shape, and records one made by hand', () => {
    const composers = count('SELECT count(*) AS n FROM Track WHERE Composer IS NOT NULL');
    const path = join(dir.path, 'schema/tables/Track.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('name: Composer', 'name: Writer'));
    const diff = redbOk(dir.path, ['diff']).stdout;
    expect(diff).toContain('redb mv column Track.Composer Writer');
    const json = JSON.parse(redbOk(dir.path, ['diff', '--json']).stdout) as { suggestions: { command: string }[] };
    expect(json.suggestions.map((s) => s.command)).toEqual(['redb mv column Track.Composer Writer']);

    redbOk(dir.path, ['mv', 'column', 'Track.Composer', 'Writer']);
    expect(redbOk(dir.path, ['diff']).stdout).toMatch(/column\s+Track\.Composer\s+renamed to Writer/);
    redbOk(dir.path, ['commit', '-m', 'writer']);
    redbOk(dir.path, ['migrate', 'app', '--yes', '--allow', 'breaks-compatibility']);
    expect(count('SELECT count(*) AS n FROM Track WHERE Writer IS NOT NULL')).toBe(composers);
  });

  it('takes the new name written in full, as git mv takes paths', () => {
    expect(redbOk(dir.path, ['mv', 'column', 'Track.Composer', 'Track.Writer']).stdout).toContain('renamed column Track.Composer -> Writer');
    const track = readFileSync(join(dir.path, 'schema/tables/Track.yaml'), 'utf8');
    expect(track).toContain('- name: Writer\n');
    expect(track).not.toContain('Track.Writer');
  });

  it('refuses unknown kinds, missing objects and taken names, changing nothing', () => {
    const before = readFileSync(join(dir.path, 'schema/tables/Track.yaml'), 'utf8');
    expect(errorCode(redb(dir.path, ['mv', 'sequence', 'a', 'b']))).toBe('REDB_USAGE');
    expect(errorCode(redb(dir.path, ['mv', 'table', 'Nope', 'Other']))).toBe('REDB_USAGE');
    const taken = redb(dir.path, ['mv', 'column', 'Track.Composer', 'Name']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/new one is taken/);
    // Written in full, the new name must stay in the old one's table; the same name is nothing to record.
    const moved = redb(dir.path, ['mv', 'column', 'Track.Composer', 'Album.Writer']);
    expect(errorCode(moved)).toBe('REDB_INVALID_NAME');
    expect(moved.stderr).toContain('a rename stays in its table');
    expect(errorCode(redb(dir.path, ['mv', 'column', 'Track.Composer', 'Track.Composer']))).toBe('REDB_USAGE');
    expect(readFileSync(join(dir.path, 'schema/tables/Track.yaml'), 'utf8')).toBe(before);
    expect(existsSync(join(dir.path, 'schema/.renames.yaml'))).toBe(false);
  });
});
