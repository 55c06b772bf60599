import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headCommit, headRef, openStore, readSchemaAt, writeCommit, writeRef, writeFilesTree } from '../../src/repo/index.js';
import { schemaToFiles, type Schema } from '../../src/unified/index.js';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { factsOf } from '../../src/adapters/registry.js';

/** A schema that cannot exist is refused when the working tree or a dir: ref is read, with file and field; lint reports it. */

const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('hand edits that make an impossible schema (Chinook on SQLite)', () => {
  let dir: ReturnType<typeof tempDir>;
  const album = () => join(dir.path, 'schema', 'tables', 'Album.yaml');
  let original: string;
  beforeEach(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', 'sqlite:chinook.db']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
    original = readFileSync(album(), 'utf8');
  });
  afterEach(() => dir.cleanup());

  it.each([
    [
      'a kind that contradicts its native spelling',
      '{kind: text, native: NVARCHAR(160), length: 160}',
      '{kind: integer, native: NVARCHAR(160), bits: 32}',
      'columns.1.type.kind: native NVARCHAR(160) is a text type on sqlite, but kind says integer',
    ],
    ['two columns of one name', '  - name: ArtistId\n', '  - name: Title\n', "columns.2.name: a second column named 'Title'"],
    [
      'a primary key on a column that does not exist',
      'columns: [AlbumId]',
      'columns: [AlbumKey]',
      "primaryKey.columns.0: the primary key names column 'AlbumKey', which Album does not have",
    ],
    [
      'an index on a column that does not exist',
      '- {column: ArtistId}',
      '- {column: ArtistKey}',
      "indexes.0.keys.0: index IFK_AlbumArtistId names column 'ArtistKey', which Album does not have",
    ],
    [
      'a foreign key from a column that does not exist',
      '  - columns: [ArtistId]\n',
      '  - columns: [Artist]\n',
      "foreignKeys.0.columns.0: foreign key 0 names column 'Artist', which Album does not have",
    ],
  ])('%s: status, diff, commit and a dir: ref refuse it; lint reports it', (_what, from, to, message) => {
    edit(album(), from, to);
    for (const args of [['status', '--no-db'], ['diff'], ['commit', '-m', 'broken'], ['show', 'working']]) {
      const r = redb(dir.path, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(errorCode(r)).toBe('REDB_INVALID_SCHEMA_FILE');
      expect(r.stderr).toContain(`schema/tables/Album.yaml: ${message}`);
    }
    expect(redbOk(dir.path, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
    cpSync(join(dir.path, 'schema'), join(dir.path, 'copy'), { recursive: true });
    const viaDir = redb(dir.path, ['diff', 'HEAD', 'dir:copy']);
    expect(errorCode(viaDir)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(viaDir.stderr).toContain(`copy/tables/Album.yaml: ${message}`);
    const lint = redb(dir.path, ['lint', '--format', 'json']);
    expect(lint.code).toBe(3);
    const findings = (JSON.parse(lint.stdout) as { findings: { rule: string; file: string; message: string }[] }).findings;
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'invalid-schema', file: 'schema/tables/Album.yaml', message: expect.stringContaining(message) as unknown }),
    ]);
    writeFileSync(album(), original);
    expect(redbOk(dir.path, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('a foreign key to a table that does not exist is a lint warning on SQLite, which creates such keys', () => {
    edit(album(), 'table: Artist', 'table: Singer');
    redbOk(dir.path, ['commit', '-m', 'points nowhere']);
    const lint = redb(dir.path, ['lint', 'HEAD~1', 'HEAD', '--format', 'json']);
    const findings = (JSON.parse(lint.stdout) as { findings: { rule: string; level: string; message: string }[] }).findings.filter(
      (f) => f.rule === 'invalid-schema',
    );
    expect(findings).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringContaining('references table Singer, which does not exist') as unknown }),
    ]);
  });
});

describe('a merge of two valid branches into an impossible schema (DuckDB)', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: ScratchDb;
  const file = (object: string) => join(dir.path, 'schema', object);
  beforeEach(async () => {
    dir = tempDir();
    db = await duckdbEngine.create();
    await db.exec('CREATE TABLE artist (id INTEGER PRIMARY KEY, name VARCHAR); CREATE TABLE album (id INTEGER PRIMARY KEY, title VARCHAR)');
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', db.url]);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(async () => {
    dir.cleanup();
    await db.drop();
  });

  it('one branch adds a foreign key to artist, the other drops artist: the merge stops and commit refuses until it is fixed', () => {
    redbOk(dir.path, ['switch', '-c', 'feature']);
    const albumText = readFileSync(file('tables/album.yaml'), 'utf8');
    writeFileSync(
      file('tables/album.yaml'),
      albumText.replace('primaryKey:', 'foreignKeys:\n  - columns: [id]\n    references:\n      table: artist\n      columns: [id]\nprimaryKey:'),
    );
    redbOk(dir.path, ['commit', '-m', 'albums have artists']);
    redbOk(dir.path, ['switch', 'main']);
    rmSync(file('tables/artist.yaml'));
    redbOk(dir.path, ['commit', '-m', 'no more artists']);

    const merged = redb(dir.path, ['merge', 'feature', '--json']);
    expect(merged.code).toBe(1);
    const result = JSON.parse(merged.stdout) as { outcome: string; problems: { path: string; field: string; detail: string }[] };
    expect(result.outcome).toBe('conflicts');
    expect(result.problems).toEqual([
      { path: 'tables/album.yaml', field: 'foreignKeys.0.references.table', detail: 'foreign key 0 references table artist, which does not exist' },
    ]);
    expect(redb(dir.path, ['merge', 'feature']).stderr).toContain('merge is in progress');
    const commit = redb(dir.path, ['commit', '-m', 'merge anyway']);
    expect(errorCode(commit)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(commit.stderr).toContain('schema/tables/album.yaml: foreignKeys.0.references.table');
    // Fixed by hand (keep the drop, lose the key), the merge commits with both parents.
    writeFileSync(file('tables/album.yaml'), albumText);
    redbOk(dir.path, ['commit', '-m', 'merged without the key']);
    expect(redbOk(dir.path, ['log', '--oneline']).stdout).toContain('merged without the key');
  });

  it('a commit that drops a referenced table, or adds a key to a missing one, is refused with the file at fault', () => {
    const albumText = readFileSync(file('tables/album.yaml'), 'utf8');
    const withKey = (table: string) =>
      albumText.replace('primaryKey:', `foreignKeys:\n  - columns: [id]\n    references:\n      table: ${table}\n      columns: [id]\nprimaryKey:`);
    writeFileSync(file('tables/album.yaml'), withKey('singer'));
    const toMissing = redb(dir.path, ['commit', '-m', 'key to nowhere']);
    expect(errorCode(toMissing)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(toMissing.stderr).toContain('schema/tables/album.yaml: foreignKeys.0.references.table: foreign key 0 references table singer, which does not exist');
    writeFileSync(file('tables/album.yaml'), withKey('artist'));
    redbOk(dir.path, ['commit', '-m', 'albums have artists']);
    rmSync(file('tables/artist.yaml'));
    const dropped = redb(dir.path, ['commit', '-m', 'no more artists']);
    expect(errorCode(dropped)).toBe('REDB_INVALID_SCHEMA_FILE');
    expect(dropped.stderr).toContain('schema/tables/album.yaml: foreignKeys.0.references.table');
    expect(redbOk(dir.path, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(2);
  });

  it('lint reports a stored commit that holds a foreign key to a missing table (made by another tool or an older redb)', async () => {
    const store = openStore(nodeFs, dir.path, async () => factsOf);
    const head = (await headCommit(store)) as string;
    const schema = await readSchemaAt(store, head);
    const album = schema.tables.find((t) => t.name === 'album');
    const bad: Schema = {
      ...schema,
      tables: schema.tables.map((t) => (t === album ? { ...t, foreignKeys: [{ columns: ['id'], references: { table: 'nobody', columns: ['id'] } }] } : t)),
    };
    const tree = await writeFilesTree(store, schemaToFiles(bad));
    await writeRef(
      store,
      await headRef(store),
      await writeCommit(store, { tree, parents: [head], message: 'bad', author: { name: 'x', email: 'x@example.com' } }),
    );
    const lint = redb(dir.path, ['lint', 'HEAD~1', 'HEAD', '--format', 'json']);
    expect(lint.code).toBe(3);
    const findings = (JSON.parse(lint.stdout) as { findings: { rule: string; file: string; message: string; blocking: boolean }[] }).findings.filter(
      (f) => f.rule === 'invalid-schema',
    );
    expect(findings).toEqual([
      {
        rule: 'invalid-schema',
        level: 'error',
        blocking: true,
        file: 'schema/tables/album.yaml',
        message: 'foreignKeys.0.references.table: foreign key 0 references table nobody, which does not exist',
      },
    ]);
  });
});
