import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

const dump = (file: string) => {
  const db = new Sqlite(file, { readonly: true });
  try {
    return {
      schema: db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all(),
      artists: db.prepare('SELECT * FROM Artist ORDER BY ArtistId').all(),
    };
  } finally {
    db.close();
  }
};

describe('migrate and status against SQLite', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  const edit = (object: string, change: (text: string) => string) => {
    const path = join(dir.path, 'schema', object);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };
  const addColumn = (text: string) => text.replace('primaryKey:', '  - name: Country\n    type: {kind: text, native: TEXT}\n    nullable: true\nprimaryKey:');

  beforeEach(() => {
    dir = tempDir();
    file = chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(dir.path, ['pull', 'app']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(() => dir.cleanup());

  it('plans with --dry-run and changes nothing', () => {
    edit('tables/Artist.yaml', addColumn);
    redbOk(dir.path, ['commit', '-m', 'artist country']);
    const before = dump(file);
    const r = redbOk(dir.path, ['migrate', 'app', '--dry-run']);
    expect(r.stdout).toContain('ALTER TABLE "Artist" ADD COLUMN "Country" TEXT;');
    expect(JSON.parse(redbOk(dir.path, ['migrate', 'app', '--dry-run', '--json']).stdout)).toMatchObject({ shadow: 'verified', applied: false });
    expect(JSON.parse(redbOk(dir.path, ['migrate', 'app', '--dry-run', '--no-shadow', '--json']).stdout)).toMatchObject({ shadow: 'skipped' });
    expect(r.stdout).toContain('dry run: nothing was changed');
    expect(dump(file)).toEqual(before);
  });

  it('applies with --yes and records the commit the database is at', () => {
    edit('tables/Artist.yaml', addColumn);
    redbOk(dir.path, ['commit', '-m', 'artist country']);
    const r = redbOk(dir.path, ['migrate', 'app', '--yes']);
    expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
    expect(r.stdout).toContain('applied 1 statements to app');
    expect(dump(file).artists).toHaveLength(275);
    const diff = redb(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code']);
    expect(diff.code).toBe(0);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json']).stdout) as { databases: { name: string; state: string; at: string }[] };
    const head = (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1']).stdout) as { id: string }[])[0]?.id;
    expect(status.databases).toEqual([expect.objectContaining({ name: 'app', state: 'in-sync', at: head })]);
  });

  it('keeps a history in the database itself, outside the modelled schema', () => {
    edit('tables/Artist.yaml', addColumn);
    redbOk(dir.path, ['commit', '-m', 'artist country']);
    redbOk(dir.path, ['migrate', 'app', '--yes']);
    const head = (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1']).stdout) as { id: string }[])[0]?.id;
    const db = new Sqlite(file, { readonly: true });
    const rows = db.prepare('SELECT commit_id, outcome, statements FROM redb_migrations').all() as { commit_id: string; outcome: string; statements: string }[];
    db.close();
    expect(rows).toEqual([{ commit_id: head, outcome: 'applied', statements: JSON.stringify(['ALTER TABLE "Artist" ADD COLUMN "Country" TEXT']) }]);
    // The history table is not part of the schema...
    expect(redb(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code']).code).toBe(0);
    // ...and it, not this checkout's memory, says which commit the database is at.
    rmSync(join(dir.path, '.redb', 'state', 'databases.json'));
    const status = JSON.parse(redbOk(dir.path, ['status', '--json']).stdout) as { databases: { state: string; at: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync', at: head })]);
  });

  it('asks for --yes when there is no terminal to confirm on', () => {
    edit('tables/Artist.yaml', addColumn);
    redbOk(dir.path, ['commit', '-m', 'artist country']);
    const before = dump(file);
    const r = redb(dir.path, ['migrate', 'app']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CONFIRMATION_REQUIRED');
    expect(r.stderr).toContain('--yes');
    expect(dump(file)).toEqual(before);
  });

  it('blocks hazards that were not allowed, with exit code 3, and changes nothing', () => {
    edit('tables/Artist.yaml', (t) => t.replace('NVARCHAR(120), length: 120', 'NVARCHAR(60), length: 60'));
    redbOk(dir.path, ['commit', '-m', 'narrow artist name']);
    const before = dump(file);
    const r = redb(dir.path, ['migrate', 'app', '--yes']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('REDB_HAZARDS_BLOCKED');
    expect(r.stderr).toContain('--allow data-dependent,rewrites-table');
    expect(dump(file)).toEqual(before);
    const dry = redb(dir.path, ['migrate', 'app', '--dry-run']);
    expect(dry.code).toBe(3);
    expect(dry.stdout).toContain('hazard data-dependent');
    const ok = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'data-dependent,rewrites-table']);
    expect(ok.code).toBe(0);
    expect(dump(file).artists).toEqual(before.artists);
  });

  it('rolls a failed migrate back completely', () => {
    // A unique index on a column with duplicate values fails half way through the plan.
    edit('tables/Artist.yaml', addColumn);
    edit('tables/Album.yaml', (t) =>
      `${t}  - name: uq_album_artist\n    unique: true\n    keys:\n      - {column: ArtistId}\n`.replace('indexes:\n  - name: IFK', 'indexes:\n  - name: IFK'),
    );
    redbOk(dir.path, ['commit', '-m', 'bad unique']);
    const before = dump(file);
    const r = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'all']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_MIGRATE_FAILED');
    expect(r.stderr).toContain('UNIQUE constraint failed');
    expect(r.stderr).toContain('the database was left as it was');
    const db = new Sqlite(file, { readonly: true });
    const history = db.prepare('SELECT outcome, error FROM redb_migrations').all() as { outcome: string; error: string }[];
    db.close();
    expect(history).toEqual([{ outcome: 'failed', error: expect.stringContaining('UNIQUE constraint failed') }]);
    expect({ ...dump(file), schema: dump(file).schema.filter((o) => (o as { name: string }).name !== 'redb_migrations') }).toEqual(before);
  });

  it('reports drift when the live schema moves away from its commit', () => {
    expect(redb(dir.path, ['status', '--exit-code']).code).toBe(0);
    const db = new Sqlite(file);
    db.exec('CREATE INDEX hand_made ON Artist (Name)');
    db.close();
    const r = redb(dir.path, ['status', '--exit-code']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/app\s+at [0-9a-f]{7}\s+drift/);
    expect(r.stdout).toMatch(/\+\s+index\s+Artist\.hand_made/);
    // Without --exit-code, drift is reported but is not a failure.
    expect(redb(dir.path, ['status']).code).toBe(0);
  });

  it('migrates back to an older commit (rollback is just another plan)', () => {
    edit('tables/Artist.yaml', addColumn);
    redbOk(dir.path, ['commit', '-m', 'artist country']);
    redbOk(dir.path, ['migrate', 'app', '--yes']);
    const blocked = redb(dir.path, ['migrate', 'app', '--to', 'HEAD~1', '--yes']);
    expect(blocked.code).toBe(3);
    redbOk(dir.path, ['migrate', 'app', '--to', 'HEAD~1', '--yes', '--allow', 'drops-data,breaks-compatibility']);
    expect(redb(dir.path, ['diff', 'db:app', 'HEAD~1', '--exit-code']).code).toBe(0);
    expect(dump(file).artists).toHaveLength(275);
  });

  it('reports an unreachable database', () => {
    redbOk(dir.path, ['db', 'add', 'gone', 'sqlite:nowhere/missing.db']);
    const r = redb(dir.path, ['migrate', 'gone', '--yes']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_DB_UNREACHABLE');
  });

  it('diff --exit-code says 0 for same and 2 for different, and --sql shows the statements', () => {
    expect(redb(dir.path, ['diff', '--exit-code']).code).toBe(0);
    edit('tables/Artist.yaml', addColumn);
    const r = redb(dir.path, ['diff', '--exit-code', '--sql', 'sqlite']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\+\s+column\s+Artist\.Country\s+TEXT/);
    expect(r.stdout).toContain('ALTER TABLE "Artist" ADD COLUMN "Country" TEXT;');
    const json = JSON.parse(redb(dir.path, ['diff', '--json']).stdout) as { operations: { op: string }[] };
    expect(json.operations.map((o) => o.op)).toEqual(['add_column']);
  });
});
