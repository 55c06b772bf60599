import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadChanges, type ChangePlane } from '../../src/adapters/changes.js';
import { sqliteRows } from '../../src/adapters/sqlite/rows.js';
import { tempDir } from '../support/scratch.js';
import { byKey, follow, Mirror, readAll, Tail } from './mirror.js';

/** SQLite change capture: triggers into a change table in the same file, read by polling. */

let dir: { path: string; cleanup: () => void };
let file: string;
let writer: Sqlite.Database;
let plane: ChangePlane;
const target = () => ({ name: 'source', url: `sqlite:${file}`, cwd: process.cwd() });

beforeEach(async () => {
  plane = await loadChanges('sqlite');
  dir = tempDir('redb-capture-test-');
  file = join(dir.path, 'source.db');
  writer = new Sqlite(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('busy_timeout = 10000');
  writer.defaultSafeIntegers(true);
});

afterEach(() => {
  writer.close();
  dir.cleanup();
});

async function currentRows(table: string, columns: string[], key: string[]) {
  const source = await sqliteRows.openSource(target(), { jobs: 1 });
  try {
    return await readAll(source, { name: table }, columns, key);
  } finally {
    await source.close();
  }
}

/** Another process writing random changes in transactions for `ms` milliseconds. */
function writeElsewhere(ms: number): Promise<number> {
  const script = `
    const Sqlite = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));
    const db = new Sqlite(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    const live = db.prepare('SELECT id FROM h').pluck().all();
    let next = 100000, transactions = 0;
    const pick = () => live.splice(Math.floor(Math.random() * live.length), 1)[0];
    const end = Date.now() + Number(process.argv[2]);
    while (Date.now() < end) {
      db.transaction(() => {
        for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) {
          const r = Math.random();
          if (r < 0.35 || live.length < 10) { db.prepare('INSERT INTO h VALUES (?, ?, ?)').run(next, Math.floor(Math.random() * 1000), Math.random() < 0.3 ? null : 'n' + next); live.push(next++); }
          else if (r < 0.65) { const id = pick(); db.prepare("UPDATE h SET v = v + 1, note = CASE WHEN random() % 3 = 0 THEN NULL ELSE note END WHERE id = ?").run(id); live.push(id); }
          else if (r < 0.8) db.prepare('DELETE FROM h WHERE id = ?').run(pick());
          else { db.prepare('UPDATE h SET id = ? WHERE id = ?').run(next, pick()); live.push(next++); }
        }
      }).immediate();
      transactions++;
    }
    process.stdout.write(String(transactions));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`writer exited with ${code}`))));
  });
}

describe('SQLite change capture', { timeout: 180_000 }, () => {
  it('hands off from a snapshot to the stream with nothing lost while another process writes', async () => {
    writer.exec(`CREATE TABLE h (id INTEGER PRIMARY KEY, v INTEGER, note TEXT); CREATE TABLE done (id INTEGER PRIMARY KEY);
      WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 500) INSERT INTO h SELECT n, n, 'n' || n FROM s`);
    const writes = writeElsewhere(1500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const c = await plane.open(target(), 'handoff');
    const handoff = await c.prepare([{ name: 'h' }, { name: 'done' }]);
    const snapshot = await handoff.openSnapshot({ jobs: 2 });
    await handoff.close();
    const snapshotRows = await readAll(snapshot, { name: 'h' }, ['id', 'v', 'note'], ['id']);
    await snapshot.close();
    const transactions = await writes;
    writer.exec('INSERT INTO done VALUES (1)');

    // Rows come as they are when read, so a change may find its row gone or changed again: upserts.
    const mirror = new Mirror(false);
    mirror.load('h', ['id', 'v', 'note'], ['id'], snapshotRows);
    await follow(c, handoff.start, mirror, (m) => m.rows('done').length === 1, { pollMs: 50 });
    await c.close();

    const final = await currentRows('h', ['id', 'v', 'note'], ['id']);
    expect(transactions).toBeGreaterThan(5);
    // A backlog is read in groups of up to thousands of changes: one group may hold all of it.
    expect(mirror.events.filter((e) => e.kind === 'insert' || e.kind === 'update' || e.kind === 'delete').length).toBeGreaterThan(5);
    const commits = mirror.events.filter((e) => e.kind === 'commit');
    // Every group is after the snapshot's position: nothing the copy had comes again.
    expect(commits.every((e) => e.kind === 'commit' && plane.compare(e.position, handoff.start) > 0)).toBe(true);
    expect(mirror.rows('h').length).toBe(final.length);
    expect(byKey(mirror.rows('h'), [0])).toEqual(byKey(final, [0]));
  });

  it('keeps every value exactly: 64-bit integers, reals, text with quotes, blobs, and keys made of them', async () => {
    writer.exec(`CREATE TABLE v (k TEXT, b BLOB, i INTEGER, r REAL, t TEXT, PRIMARY KEY (k, b)) WITHOUT ROWID`);
    const c = await plane.open(target(), 'values');
    const handoff = await c.prepare([{ name: 'v' }]);
    await handoff.close();
    const rows: unknown[][] = [
      ["it's", Buffer.from([0, 1, 255]), 9223372036854775807n, 0.1, 'line\nnext, "quoted"'],
      ['ü€😀', Buffer.alloc(0), -9223372036854775808n, 1e300, ''],
      ['nulls', Buffer.from('x'), null, null, null],
    ];
    const insert = writer.prepare('INSERT INTO v VALUES (?, ?, ?, ?, ?)');
    for (const row of rows) insert.run(...row);
    writer.prepare('UPDATE v SET k = ?, i = i - 1 WHERE k = ?').run('moved', "it's");
    writer.prepare('DELETE FROM v WHERE k = ?').run('nulls');
    const mirror = new Mirror(false);
    await follow(c, handoff.start, mirror, (m) => m.events.some((e) => e.kind === 'delete'), { pollMs: 50 });
    await c.close();
    const final = await currentRows('v', ['k', 'b', 'i', 'r', 't'], ['k', 'b']);
    expect(byKey(mirror.rows('v'), [0, 1])).toEqual(byKey(final, [0, 1]));
    expect(mirror.events.find((e) => e.kind === 'update')).toMatchObject({
      before: { image: 'key', key: ["it's", Buffer.from([0, 1, 255])] },
      row: ['moved', Buffer.from([0, 1, 255]), 9223372036854775806n, 0.1, 'line\nnext, "quoted"'],
    });
    expect(mirror.events.find((e) => e.kind === 'delete')).toMatchObject({ before: { image: 'key', key: ['nulls', Buffer.from('x')] } });
  });

  it("sends a table's new shape before its first row in it, and lets the source add, drop and rename columns", async () => {
    writer.exec('CREATE TABLE shape (id INTEGER PRIMARY KEY, a TEXT)');
    const c = await plane.open(target(), 'shape');
    const handoff = await c.prepare([{ name: 'shape' }]);
    await handoff.close();
    const tail = new Tail(c, handoff.start, new Mirror(false), { pollMs: 20 });
    const inserted = (n: number) => (m: Mirror) => m.events.filter((e) => e.kind === 'insert').length === n;
    writer.exec(`INSERT INTO shape VALUES (1, 'a')`);
    await tail.until(inserted(1));
    writer.exec('ALTER TABLE shape ADD COLUMN b INTEGER');
    writer.exec(`INSERT INTO shape VALUES (2, 'b', 5)`);
    await tail.until(inserted(2));
    // Capture triggers name only the key: the source can still drop any other column.
    writer.exec('ALTER TABLE shape DROP COLUMN a');
    writer.exec('INSERT INTO shape VALUES (3, 6)');
    await tail.until(inserted(3));
    writer.exec('ALTER TABLE shape RENAME COLUMN b TO c');
    writer.exec('INSERT INTO shape VALUES (4, 7)');
    await tail.until(inserted(4));
    await tail.close();
    await c.close();
    const story = tail.mirror.events.flatMap((e) =>
      e.kind === 'relation' ? [e.columns.map((x) => x.name).join(',')] : e.kind === 'insert' ? [`+${String(e.row[0])}`] : [],
    );
    expect(story).toEqual(['id,a', '+1', 'id,a,b', '+2', 'id,b', '+3', 'id,c', '+4']);
    expect(tail.mirror.events.flatMap((e) => (e.kind === 'insert' ? [e.row] : []))).toEqual([
      [1n, 'a'],
      [2n, 'b', 5n],
      [3n, 6n],
      [4n, 7n],
    ]);
  });

  it('a table rebuilt by the source (its triggers gone) is sent whole again, with what was written meanwhile', async () => {
    writer.exec(`CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO r VALUES (1, 'one'), (2, 'two')`);
    const c = await plane.open(target(), 'rebuild');
    const handoff = await c.prepare([{ name: 'r' }]);
    const snapshot = await handoff.openSnapshot({ jobs: 1 });
    await handoff.close();
    const mirror = new Mirror(false);
    mirror.load('r', ['id', 'a'], ['id'], await readAll(snapshot, { name: 'r' }, ['id', 'a'], ['id']));
    await snapshot.close();
    writer.exec(`INSERT INTO r VALUES (3, 'three')`);
    const position = await follow(c, handoff.start, mirror, (m) => m.rows('r').length === 3, { pollMs: 20 });
    // What SQLite does for most ALTERs: a new table, the rows copied, the old one dropped (its triggers with it).
    writer.exec(`BEGIN; CREATE TABLE r_new (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER DEFAULT 0); INSERT INTO r_new (id, a) SELECT id, a FROM r;
      DROP TABLE r; ALTER TABLE r_new RENAME TO r; COMMIT; DELETE FROM r WHERE id = 1; INSERT INTO r VALUES (4, 'four', 4)`);
    const resent = new Mirror(false);
    resent.tables.set('r', mirror.tables.get('r') as never);
    await follow(c, position as never, resent, (m) => m.events.some((e) => e.kind === 'truncate') && m.rows('r').length === 3, { pollMs: 20 });
    writer.exec(`UPDATE r SET b = 9 WHERE id = 2`);
    await follow(c, (await c.status()).confirmed as never, resent, (m) => m.rows('r').some((row) => row[2] === 9n), { pollMs: 20 });
    await c.close();
    expect(byKey(resent.rows('r'), [0])).toEqual(byKey(await currentRows('r', ['id', 'a', 'b'], ['id']), [0]));
  });

  it('refuses a table without a primary key and sets nothing up; check notes a rollback journal', async () => {
    writer.exec('CREATE TABLE nokey (a TEXT); CREATE TABLE fine (id INTEGER PRIMARY KEY)');
    const c = await plane.open(target(), 'nokey');
    await expect(c.prepare([{ name: 'fine' }, { name: 'nokey' }])).rejects.toMatchObject({ code: 'REDB_CHANGES_NO_KEY', data: { tables: ['nokey'] } });
    await expect(c.prepare([{ name: 'nope' }])).rejects.toMatchObject({ code: 'REDB_CHANGES_TABLE_MISSING' });
    expect(await plane.listOwned(target())).toEqual([]);
    await c.close();
    expect(await plane.check(target())).toEqual({ notes: [] });
    writer.pragma('journal_mode = DELETE');
    expect((await plane.check(target())).notes[0]).toMatch(/journal_mode = WAL/);
  });

  it('a backlog sends each row once, where it was first touched, with what it holds now: parents before children, children deleted first', async () => {
    writer.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id), v INTEGER NOT NULL);
      CREATE TABLE done (id INTEGER PRIMARY KEY);
      INSERT INTO parent VALUES (3, 0); INSERT INTO child VALUES (12, 3, 0);`);
    writer.pragma('foreign_keys = ON');
    const c = await plane.open(target(), 'backlog');
    const handoff = await c.prepare([{ name: 'parent' }, { name: 'child' }, { name: 'done' }]);
    await handoff.close();
    // A backlog written while nobody reads: rows changed many times, one made and gone, a key moved.
    writer.exec('INSERT INTO parent VALUES (1, 0); INSERT INTO child VALUES (10, 1, 0)');
    for (let i = 0; i < 50; i++) writer.exec('UPDATE parent SET v = v + 1 WHERE id = 1; UPDATE child SET v = v + 2 WHERE id = 10');
    writer.exec(`INSERT INTO parent VALUES (2, 0); DELETE FROM parent WHERE id = 2;
      UPDATE child SET id = 11 WHERE id = 10;
      DELETE FROM child WHERE id = 12; DELETE FROM parent WHERE id = 3;
      INSERT INTO done VALUES (1);`);

    const mirror = new Mirror(false);
    mirror.load('parent', ['id', 'v'], ['id'], [[3n, 0n]]);
    mirror.load('child', ['id', 'parent', 'v'], ['id'], [[12n, 3n, 0n]]);
    await follow(c, handoff.start, mirror, (m) => m.rows('done').length === 1, { pollMs: 20 });
    await c.close();
    const rowEvents = mirror.events.flatMap((e) =>
      e.kind === 'insert' || e.kind === 'update'
        ? [`${e.kind} ${e.table.name} ${e.row.join(',')}`]
        : e.kind === 'delete'
          ? [`delete ${e.table.name} ${(e.before.image === 'key' ? e.before.key : e.before.row).join(',')}`]
          : [],
    );
    expect(rowEvents).toEqual(['insert parent 1,50', 'delete parent 2', 'update child 11,1,100', 'delete child 12', 'delete parent 3', 'insert done 1']);
    // The key moved: one update from the old key to the new.
    expect(mirror.events.find((e) => e.kind === 'update' && e.table.name === 'child')).toMatchObject({ before: { image: 'key', key: [10n] } });
    expect(byKey(mirror.rows('parent'), [0])).toEqual(byKey(await currentRows('parent', ['id', 'v'], ['id']), [0]));
    expect(byKey(mirror.rows('child'), [0])).toEqual(byKey(await currentRows('child', ['id', 'parent', 'v'], ['id']), [0]));
  });

  it('acknowledging removes change rows; a position before them is gone; drop removes triggers and tables', async () => {
    writer.exec('CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE other (id INTEGER PRIMARY KEY)');
    const c = await plane.open(target(), 'ack');
    const handoff = await c.prepare([{ name: 'a' }]);
    await handoff.close();
    const other = await plane.open(target(), 'other');
    await (await other.prepare([{ name: 'other' }])).close();
    writer.exec('INSERT INTO a VALUES (1); INSERT INTO a VALUES (2); INSERT INTO a VALUES (3)');
    expect(await c.status()).toMatchObject({ exists: true, pendingChanges: 3, head: '3', confirmed: '0' });
    await c.acknowledge(plane.position('2'));
    expect(await c.status()).toMatchObject({ pendingChanges: 1, confirmed: '2' });
    await expect(follow(c, handoff.start, new Mirror(false), () => false, { pollMs: 20 })).rejects.toMatchObject({ code: 'REDB_CHANGES_POSITION_GONE' });
    const mirror = new Mirror(false);
    mirror.load('a', ['id'], ['id'], [[1n], [2n]]);
    await follow(c, plane.position('2'), mirror, (m) => m.rows('a').length === 3, { pollMs: 20 });

    const owned = await plane.listOwned(target());
    expect(
      owned
        .filter((o) => o.job === 'ack')
        .map((o) => `${o.kind} ${o.name}`)
        .sort(),
    ).toEqual(['change-table redb_capture_ack', 'change-table redb_changes_ack', 'trigger redb_ack_d_a', 'trigger redb_ack_i_a', 'trigger redb_ack_u_a']);
    await c.drop();
    expect((await plane.listOwned(target())).map((o) => o.job)).not.toContain('ack');
    expect((await plane.listOwned(target())).filter((o) => o.job === 'other')).toHaveLength(5);
    expect(writer.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE '%ack%'`).pluck().get()).toBe(0n);
    writer.exec('INSERT INTO a VALUES (4)');
    await expect(follow(c, plane.position('3'), new Mirror(false), () => false)).rejects.toMatchObject({ code: 'REDB_CHANGES_JOB_MISSING' });
    await c.close();
    await other.drop();
    await other.close();
  });
});
