import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk, type CliResult } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

// The pull people repeat, over the working tree an earlier pull left: like git, it compares files
// by blob id and stat, writes only what changed, and a pull that finds nothing changed writes
// nothing at all (no schema file, no state file), committed or not.

const PASSWORD_ENV = { REDB_TEST_PW: 'redb' };
/** A server URL with its password as ${REDB_TEST_PW}, as redb takes it. */
const bindable = (url: string): string => {
  const password = new URL(url).password;
  return password === '' ? url : url.replace(`:${password}@`, ':${REDB_TEST_PW}@');
};

/** Every file of the project's working tree and of .redb/state, with what shows it was written. */
function snapshot(project: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path, { bigint: true });
        out.set(relative(project, path), `ino ${st.ino} mtime ${st.mtimeNs} ctime ${st.ctimeNs} size ${st.size}`);
      }
    }
  };
  walk(join(project, 'schema'));
  walk(join(project, '.redb', 'state'));
  return out;
}

/** The files whose inode, times or size differ between two snapshots (added or removed ones too). */
function touched(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Make every file of schema/ look written a minute ago, as files of an earlier day's pull are. */
function age(project: string): void {
  const old = new Date(Date.now() - 60_000);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else utimesSync(path, old, old);
    }
  };
  walk(join(project, 'schema'));
}

const changeIds = (r: CliResult): string[] => (JSON.parse(r.stdout) as { changes: { id: string }[] }).changes.map((c) => c.id);

describe.each<TestEngine>([sqliteEngine, postgresEngine])('a repeated pull on $engine', (engine) => {
  let db: ScratchDb;
  let dir: ReturnType<typeof tempDir>;
  const run = (args: string[]) => redb(dir.path, args, PASSWORD_ENV);
  const ok = (args: string[]) => redbOk(dir.path, args, PASSWORD_ENV);
  const pullJson = () => ok(['pull', 'app', '--json']);

  beforeEach(async () => {
    db = await engine.create();
    await db.exec('CREATE TABLE artist (id integer PRIMARY KEY, name varchar(120) NOT NULL)');
    await db.exec('CREATE TABLE album (id integer PRIMARY KEY, title varchar(160) NOT NULL, artist_id integer NOT NULL REFERENCES artist (id))');
    await db.exec('CREATE TABLE genre (id integer PRIMARY KEY, name varchar(120))');
    dir = tempDir();
    ok(['init']);
    ok(['db', 'add', 'app', bindable(db.url)]);
  });
  afterEach(async () => {
    dir.cleanup();
    await db.drop();
  });

  it('writes no file when nothing changed, before the first commit and after it', () => {
    const first = pullJson();
    expect(changeIds(first).length).toBeGreaterThan(0);
    age(dir.path);
    let before = snapshot(dir.path);
    // Not committed: the tree is what the last pull wrote, and reports the same changes against HEAD.
    expect(changeIds(pullJson())).toEqual(changeIds(first));
    // The first pull over files older than the racy window records their stats (the index is a cache).
    expect(touched(before, snapshot(dir.path)).filter((p) => p !== '.redb/state/index.json')).toEqual([]);
    before = snapshot(dir.path);
    expect(changeIds(pullJson())).toEqual(changeIds(first));
    expect(touched(before, snapshot(dir.path))).toEqual([]);

    ok(['commit', '-m', 'pulled']);
    age(dir.path);
    ok(['pull', 'app']);
    before = snapshot(dir.path);
    const again = ok(['pull', 'app']);
    expect(again.stdout).toContain('pulled');
    expect(touched(before, snapshot(dir.path))).toEqual([]);
    expect(ok(['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('rewrites only the file of the one table that changed', async () => {
    ok(['pull', 'app']);
    ok(['commit', '-m', 'pulled']);
    age(dir.path);
    ok(['pull', 'app']);
    const before = snapshot(dir.path);
    await db.exec('ALTER TABLE genre ADD COLUMN note varchar(40)');
    const changed = pullJson();
    expect(changeIds(changed)).toEqual([expect.stringMatching(/genre\.note$/)]);
    const files = touched(before, snapshot(dir.path));
    // The table's file, and what redb records of the database's pulled schema; nothing else.
    expect(files.filter((p) => p.startsWith('schema/'))).toEqual([expect.stringMatching(/^schema\/tables\/(public\.)?genre\.yaml$/)]);
    expect(files.filter((p) => !p.startsWith('schema/') && p !== '.redb/state/index.json')).toEqual(['.redb/state/databases.json']);
    expect(readFileSync(join(dir.path, files.find((p) => p.startsWith('schema/')) as string), 'utf8')).toContain('note');
    // The change is what the working tree holds against HEAD, as status reads it from the files.
    expect(changeIds(ok(['status', '--no-db', '--json']))).toEqual(changeIds(changed));
  });

  it('still refuses to overwrite a hand edit that keeps the file size, whatever the index remembers', () => {
    ok(['pull', 'app']);
    age(dir.path);
    ok(['pull', 'app']);
    ok(['pull', 'app']);
    const genre = readdirSync(join(dir.path, 'schema', 'tables')).find((f) => f.includes('genre')) as string;
    const path = join(dir.path, 'schema', 'tables', genre);
    const text = readFileSync(path, 'utf8');
    const edited = text.replaceAll('120', '121');
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    writeFileSync(path, edited);
    const refused = run(['pull', 'app']);
    expect(refused.code).toBe(1);
    expect(errorCode(refused)).toBe('REDB_DIRTY_WORKING_TREE');
    expect(readFileSync(path, 'utf8')).toBe(edited);
    ok(['pull', 'app', '--discard-changes']);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
