import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk } from '../support/cli.js';
import { duckdbRows, withDuckdb } from '../support/duckdb.js';
import { tempDir } from '../support/scratch.js';

const SETUP = `
  CREATE TABLE artist (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
  CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER REFERENCES artist (id), title VARCHAR, year VARCHAR);
  CREATE INDEX album_title ON album (title);
  CREATE TYPE format AS ENUM ('cd', 'vinyl');
  CREATE MACRO decade(y) AS y - y % 10;
  INSERT INTO artist VALUES (1, 'Nina'), (2, 'Miles');
  INSERT INTO album VALUES (10, 1, 'Pastel Blues', '1965'), (11, 2, 'Kind of Blue', '1959')`;

describe('the CLI against a DuckDB database', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  const edit = (object: string, change: (text: string) => string) => {
    const path = join(dir.path, 'schema', object);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };
  const headId = () => (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1']).stdout) as { id: string }[])[0]?.id;

  beforeEach(async () => {
    dir = tempDir('redb-duckdb-cli-');
    file = join(dir.path, 'x.duckdb');
    await withDuckdb(file, async (run) => void (await run(SETUP)));
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'd', 'duckdb:x.duckdb']);
    redbOk(dir.path, ['pull', 'd']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(() => dir.cleanup());

  it('pulls every object, macros kept as native DDL', () => {
    const schema = (name: string) => readFileSync(join(dir.path, 'schema', name), 'utf8');
    expect(schema('tables/album.yaml')).toMatch(/references:\s+table: artist\s+columns: \[id\]/);
    expect(schema('enums/format.yaml')).toContain('values: [cd, vinyl]');
    expect(load(schema('native/macro.decade.yaml'))).toMatchObject({ type: 'macro', definition: 'CREATE MACRO "decade"("y") AS (y - (y % 10))' });
    expect(redb(dir.path, ['status', '--exit-code']).code).toBe(0);
  });

  it('migrates an edited schema: a column added, a type changed with a rebuild, the rows kept, status clean', async () => {
    edit('tables/artist.yaml', (t) => t.replace('primaryKey:', '  - name: country\n    type: {kind: text, native: VARCHAR}\n    nullable: true\nprimaryKey:'));
    edit('tables/album.yaml', (t) =>
      t.replace(
        'type: {kind: text, native: VARCHAR}\n    nullable: true\nprimaryKey:',
        'type: {kind: integer, native: INTEGER, bits: 32}\n    nullable: true\nprimaryKey:',
      ),
    );
    redbOk(dir.path, ['commit', '-m', 'country, numeric year']);
    const blocked = redb(dir.path, ['migrate', 'd', '--yes']);
    expect(blocked.code).toBe(3);
    expect(errorCode(blocked)).toBe('REDB_HAZARDS_BLOCKED');
    const r = redbOk(dir.path, ['migrate', 'd', '--yes', '--allow', 'all']);
    expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
    expect(r.stdout).toContain('ALTER TABLE "artist" ADD COLUMN "country" VARCHAR');
    expect(await duckdbRows(file, 'SELECT id, artist_id, title, year FROM album ORDER BY id')).toEqual([
      { id: 10, artist_id: 1, title: 'Pastel Blues', year: 1965 },
      { id: 11, artist_id: 2, title: 'Kind of Blue', year: 1959 },
    ]);
    expect(await duckdbRows(file, 'SELECT name, country FROM artist ORDER BY id')).toEqual([
      { name: 'Nina', country: null },
      { name: 'Miles', country: null },
    ]);
    expect(redb(dir.path, ['diff', 'db:d', 'HEAD', '--exit-code']).code).toBe(0);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json']).stdout) as { databases: { name: string; state: string; at: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ name: 'd', state: 'in-sync', at: headId() })]);
    expect(redb(dir.path, ['status', '--exit-code']).code).toBe(0);
    expect(await duckdbRows(file, 'SELECT commit_id, outcome FROM redb.migrations')).toEqual([{ commit_id: headId(), outcome: 'applied' }]);
  });

  it('rolls a failing migrate back and records the failure', async () => {
    // A unique index on a column with duplicates fails after the new column was added.
    edit('tables/artist.yaml', (t) => t.replace('primaryKey:', '  - name: country\n    type: {kind: text, native: VARCHAR}\n    nullable: true\nprimaryKey:'));
    await withDuckdb(file, async (run) => void (await run(`INSERT INTO album VALUES (12, 1, 'Pastel Blues', '1966')`)));
    edit('tables/album.yaml', (t) => t.replace('unique: false', 'unique: true'));
    redbOk(dir.path, ['commit', '-m', 'bad unique']);
    const r = redb(dir.path, ['migrate', 'd', '--yes', '--allow', 'all', '--no-shadow']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_MIGRATE_FAILED');
    expect(r.stderr).toContain('the database was left as it was');
    expect(await duckdbRows(file, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'artist' ORDER BY column_index`)).toEqual([
      { column_name: 'id' },
      { column_name: 'name' },
    ]);
    expect(await duckdbRows(file, 'SELECT outcome FROM redb.migrations')).toEqual([{ outcome: 'failed' }]);
  });

  it('says clearly when the database file is missing', () => {
    redbOk(dir.path, ['db', 'add', 'gone', 'duckdb:nowhere.duckdb']);
    const r = redb(dir.path, ['pull', 'gone']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_DB_UNREACHABLE');
    expect(r.stderr).toContain('no DuckDB database at');
  });
});
