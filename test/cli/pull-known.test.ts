import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk, type CliResult } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

// A repeated pull leaves an object the catalog gives back unchanged as the file it made last time,
// without canonicalising it again (the index records which object gave which file). Among 2,000
// tables, a changed column, index or comment must still be seen, a hand edit must still be refused
// or discarded, and an index that is stale or edited must never be believed: after each step the
// working tree is byte for byte what a first pull of the same database writes.

const TABLES = 2000;
const PASSWORD_ENV = { REDB_TEST_PW: 'redb' };
const bindable = (url: string): string => {
  const password = new URL(url).password;
  return password === '' ? url : url.replace(`:${password}@`, ':${REDB_TEST_PW}@');
};

/** Every file of schema/, path → text. */
function tree(project: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else out.set(`${prefix}${entry.name}`, readFileSync(join(dir, entry.name), 'utf8'));
    }
  };
  walk(join(project, 'schema'), '');
  return out;
}

/** The paths whose texts differ between two trees (added or removed ones too). */
function differing(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
}

/** Make every file of schema/ look written a minute ago, so that the index trusts their stats. */
function age(project: string): void {
  const old = new Date(Date.now() - 60_000);
  for (const entry of readdirSync(join(project, 'schema', 'tables'))) utimesSync(join(project, 'schema', 'tables', entry), old, old);
}

const changeIds = (r: CliResult): string[] => (JSON.parse(r.stdout) as { changes: { id: string }[] }).changes.map((c) => c.id);
const indexFile = (project: string) => join(project, '.redb', 'state', 'index.json');
const tableFile = (project: string, n: number) => join(project, 'schema', 'tables', `public.t${n}.yaml`);

describe(`a repeated pull among ${TABLES} PostgreSQL tables`, () => {
  let db: ScratchDb;
  const dir = tempDir();
  const project = join(dir.path, 'project');
  const ok = (args: string[]) => redbOk(project, args, PASSWORD_ENV);
  const pullJson = () => ok(['pull', 'app', '--json']);
  /** What a first pull of the database writes, in a project of its own. */
  const fresh = (): Map<string, string> => {
    const ref = join(dir.path, `ref-${Date.now()}`);
    redbOk(dir.path, ['init', ref]);
    redbOk(ref, ['db', 'add', 'app', bindable(db.url)], PASSWORD_ENV);
    redbOk(ref, ['pull', 'app'], PASSWORD_ENV);
    return tree(ref);
  };

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(`DO $$ BEGIN
      FOR i IN 1..${TABLES} LOOP
        EXECUTE format('CREATE TABLE t%s (id integer PRIMARY KEY, name varchar(40) NOT NULL, code integer)', i);
        EXECUTE format('CREATE INDEX t%s_code ON t%s (code)', i, i);
      END LOOP;
    END $$`);
    redbOk(dir.path, ['init', project]);
    ok(['db', 'add', 'app', bindable(db.url)]);
    ok(['pull', 'app']);
    ok(['commit', '-m', 'pulled']);
    age(project);
    // Records, with the stats, which object gave which file.
    ok(['pull', 'app']);
  }, 600_000);
  afterAll(async () => {
    dir.cleanup();
    await db?.drop();
  }, 600_000);

  it('sees one changed column, one changed index and one new comment, and writes what a first pull writes', async () => {
    const before = tree(project);
    await db.exec('ALTER TABLE t1234 ALTER COLUMN name TYPE varchar(50)');
    await db.exec('DROP INDEX t777_code; CREATE INDEX t777_code ON t777 (name)');
    await db.exec(`COMMENT ON TABLE t1500 IS 'kept by hand'`);
    const pulled = pullJson();
    expect(changeIds(pulled).length).toBeGreaterThanOrEqual(3);
    expect(changeIds(pulled).join(' ')).toMatch(/t1234/);
    expect(changeIds(pulled).join(' ')).toMatch(/t777/);
    expect(changeIds(pulled).join(' ')).toMatch(/t1500/);
    const after = tree(project);
    expect(differing(before, after)).toEqual(['tables/public.t1234.yaml', 'tables/public.t1500.yaml', 'tables/public.t777.yaml']);
    expect(readFileSync(tableFile(project, 1234), 'utf8')).toContain('50');
    expect(readFileSync(tableFile(project, 1500), 'utf8')).toContain('kept by hand');
    expect(differing(after, fresh())).toEqual([]);
    // status reads the files themselves, and agrees.
    expect(changeIds(ok(['status', '--no-db', '--json']))).toEqual(changeIds(pulled));
    ok(['commit', '-m', 'three changes']);
    age(project);
    ok(['pull', 'app']);
  }, 600_000);

  it('sees what another table or a type changed in a table whose own catalog rows did not change', async () => {
    // A foreign key names the columns it references, which are the other table's rows; a column of
    // an enum type depends on the type's row.
    await db.exec(`CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE TABLE parent (id integer PRIMARY KEY, code integer NOT NULL UNIQUE);
      CREATE TABLE child (id integer PRIMARY KEY, parent_code integer REFERENCES parent (code), feeling mood)`);
    ok(['pull', 'app']);
    ok(['commit', '-m', 'parent and child']);
    age(project);
    ok(['pull', 'app']);
    const before = tree(project);
    await db.exec('ALTER TABLE parent RENAME COLUMN code TO parent_key');
    const pulled = pullJson();
    expect(changeIds(pulled).join(' ')).toMatch(/child/);
    expect(readFileSync(join(project, 'schema', 'tables', 'public.child.yaml'), 'utf8')).toContain('parent_key');
    expect(differing(before, tree(project))).toEqual(['tables/public.child.yaml', 'tables/public.parent.yaml']);
    expect(differing(tree(project), fresh())).toEqual([]);
    ok(['commit', '-m', 'renamed']);
    age(project);
    ok(['pull', 'app']);
    // The type renamed: the column's own row spells the new name.
    await db.exec('ALTER TYPE mood RENAME TO feeling');
    ok(['pull', 'app']);
    expect(readFileSync(join(project, 'schema', 'tables', 'public.child.yaml'), 'utf8')).toContain('feeling');
    expect(differing(tree(project), fresh())).toEqual([]);
    ok(['commit', '-m', 'type renamed']);
  }, 600_000);

  it('refuses to overwrite a hand edit, and --discard-changes writes the database over it', () => {
    const path = tableFile(project, 42);
    const text = readFileSync(path, 'utf8');
    const edited = text.replaceAll('40', '41');
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    const refused = redb(project, ['pull', 'app'], PASSWORD_ENV);
    expect(refused.code).toBe(1);
    expect(errorCode(refused)).toBe('REDB_DIRTY_WORKING_TREE');
    expect(readFileSync(path, 'utf8')).toBe(edited);
    ok(['pull', 'app', '--discard-changes']);
    expect(readFileSync(path, 'utf8')).toBe(text);
  }, 600_000);

  it('never believes an index that is stale or edited', async () => {
    age(project);
    ok(['pull', 'app']);
    const index = JSON.parse(readFileSync(indexFile(project), 'utf8')) as { catalog?: Record<string, [string, string]> };
    const catalog = index.catalog ?? {};
    const entryOf = (n: number) => Object.entries(catalog).find(([, [path]]) => path === `tables/public.t${n}.yaml`);
    const [key5] = entryOf(5) ?? [];
    const six = entryOf(6)?.[1];
    expect(key5).toBeDefined();
    expect(six).toBeDefined();
    const stale = readFileSync(indexFile(project), 'utf8');

    // Stale: the database changes twice, and the index from before the first change is put back.
    await db.exec('ALTER TABLE t9 ADD COLUMN note text');
    ok(['pull', 'app']);
    ok(['commit', '-m', 'note']);
    writeFileSync(indexFile(project), stale);
    await db.exec('ALTER TABLE t9 DROP COLUMN note');
    const back = pullJson();
    expect(changeIds(back).join(' ')).toMatch(/t9\.note/);
    expect(readFileSync(tableFile(project, 9), 'utf8')).not.toContain('note');
    ok(['commit', '-m', 'no note']);

    // Edited: table 5's entry names table 6's file, and table 7's entry a blob id its file does not have.
    const before = tree(project);
    const edited = JSON.parse(readFileSync(indexFile(project), 'utf8')) as { catalog: Record<string, [string, string]> };
    const [key7, [path7]] = Object.entries(edited.catalog).find(([, [path]]) => path === 'tables/public.t7.yaml') as [string, [string, string]];
    edited.catalog[key5 as string] = six as [string, string];
    edited.catalog[key7] = [path7, '0'.repeat(40)];
    writeFileSync(indexFile(project), JSON.stringify(edited));
    await db.exec('ALTER TABLE t8 ADD COLUMN eight integer');
    expect(changeIds(pullJson()).join(' ')).toMatch(/t8\.eight/);
    expect(differing(before, tree(project))).toEqual(['tables/public.t8.yaml']);
    ok(['commit', '-m', 'eight']);

    // Nonsense in the index's record is no reason to fail, nor to believe any of it.
    writeFileSync(indexFile(project), JSON.stringify({ ...edited, catalog: { [key5 as string]: 'tables/public.t5.yaml' } }));
    await db.exec('ALTER TABLE t5 ADD COLUMN five integer');
    ok(['pull', 'app']);
    expect(readFileSync(tableFile(project, 5), 'utf8')).toContain('five');
    expect(differing(tree(project), fresh())).toEqual([]);
  }, 600_000);
});
