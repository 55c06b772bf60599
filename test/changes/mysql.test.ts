import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChanges, type ChangePlane, type Position } from '../../src/adapters/changes.js';
import { checkSession } from '../../src/adapters/mysql/changes.js';
import { mysqlRows as mysqlRowsPlane } from '../../src/adapters/mysql/rows.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';
import { byKey, follow, Mirror, readAll, Tail } from './mirror.js';

/** MariaDB/MySQL change capture from the test server's row binlog. */

const target = (url: string) => ({ name: 'source', url, cwd: process.cwd() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: ScratchDb;
let database: string;
let plane: ChangePlane;

const connect = () => mysqlScriptConnection(database);

async function capture(tables: string[]) {
  const c = await plane.open(target(db.url), `t_${randomBytes(4).toString('hex')}`);
  return { capture: c, handoff: await c.prepare(tables.map((name) => ({ name }))) };
}

async function currentRows(table: string, columns: string[], key: string[]) {
  const source = await mysqlRowsPlane.openSource(target(db.url), { jobs: 1 });
  try {
    return await readAll(source, { name: table }, columns, key);
  } finally {
    await source.close();
  }
}

beforeAll(async () => {
  plane = await loadChanges('mysql');
  db = await mysqlEngine.create();
  database = decodeURIComponent(new URL(db.url).pathname.slice(1));
});

afterAll(async () => {
  await db?.drop();
});

/** Transactions of a few random changes (inserts, updates, NULLs, deletes, key updates) until told to stop. */
async function writeLoop(stop: { now: boolean }, live: number[], firstId: number): Promise<number> {
  const c = await connect();
  let next = firstId;
  let transactions = 0;
  const pick = () => live.splice(Math.floor(Math.random() * live.length), 1)[0];
  try {
    while (!stop.now) {
      await c.query('START TRANSACTION');
      for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) {
        const r = Math.random();
        if (r < 0.35 || live.length < 10) {
          await c.query('INSERT INTO h (id, v, note) VALUES (?, ?, ?)', [next, Math.floor(Math.random() * 1000), Math.random() < 0.3 ? null : `n${next}`]);
          live.push(next++);
        } else if (r < 0.65) {
          const id = pick() as number;
          await c.query('UPDATE h SET v = v + 1, note = IF(RAND() < 0.3, NULL, note) WHERE id = ?', [id]);
          live.push(id);
        } else if (r < 0.8) await c.query('DELETE FROM h WHERE id = ?', [pick()]);
        else {
          await c.query('UPDATE h SET id = ? WHERE id = ?', [next, pick()]);
          live.push(next++);
        }
      }
      await c.query('COMMIT');
      transactions++;
    }
  } finally {
    await c.end();
  }
  return transactions;
}

describe('MariaDB change capture (needs the test server)', { timeout: 180_000 }, () => {
  it('hands off from a snapshot to the stream with no gap and no overlap while another session writes', async () => {
    await db.exec(`CREATE TABLE h (id int PRIMARY KEY, v int, note varchar(20)); CREATE TABLE done (id int PRIMARY KEY);
      INSERT INTO h SELECT seq, seq, CONCAT('n', seq) FROM seq_1_to_500`);
    const live = Array.from({ length: 500 }, (_, i) => i + 1);
    const stop = { now: false };
    const writer = writeLoop(stop, live, 1000);
    await sleep(300);
    const { capture: c, handoff } = await capture(['h', 'done']);
    const snapshot = await handoff.openSnapshot({ jobs: 2 });
    await handoff.close();
    await sleep(200);
    const snapshotRows = await readAll(snapshot, { name: 'h' }, ['id', 'v', 'note'], ['id']);
    await snapshot.close();
    await sleep(700);
    stop.now = true;
    const transactions = await writer;
    await db.exec('INSERT INTO done VALUES (1)');

    const mirror = new Mirror(true, false);
    mirror.load('h', ['id', 'v', 'note'], ['id'], snapshotRows);
    await follow(c, handoff.start, mirror, (m) => m.rows('done').length === 1);
    await c.close();

    const final = await currentRows('h', ['id', 'v', 'note'], ['id']);
    expect(mirror.problems).toEqual([]);
    expect(transactions).toBeGreaterThan(5);
    expect(mirror.commits).toBeGreaterThan(5);
    const sum = (rows: unknown[][]) => rows.reduce((s, r) => s + BigInt(String(r[0])) * 1000n + BigInt(String(r[1])), 0n);
    expect(mirror.rows('h').length).toBe(final.length);
    expect(sum(mirror.rows('h'))).toBe(sum(final));
    expect(byKey(mirror.rows('h'), [0])).toEqual(byKey(final, [0]));
  });

  it('streams values as the rows plane reads them: every type, NULLs, key updates, deletes, truncate', async () => {
    await db.exec(`CREATE TABLE v (id int PRIMARY KEY, ti tinyint, si smallint, mi mediumint, iu int unsigned, bi bigint, bu bigint unsigned, de decimal(12,4),
      fl float, db double, bt bit(5), dt date, dtm datetime(6), ts timestamp(3) NULL, tm time(2), yr year, ch char(3), vc varchar(20), tx text, bl blob,
      bn binary(4), vb varbinary(8), en enum('a','b'), st set('x','y'), js json)`);
    const values = `-5, -300, 8000000, 4000000000, 9007199254740993, 18446744073709551615, 12.3400, 0.1, 0.1, b'10101', '2024-02-29', '2020-01-01 10:00:00.123456',
      '2020-06-01 10:00:00.5', '-12:30:00.25', 2024, 'ab', 'tab\\tquote''s', 'long text', x'00ff10', x'0102', x'aabb', 'b', 'x,y', '{"a": [1, 2]}'`;
    const nulls = 'NULL, '.repeat(23) + 'NULL';
    await db.exec(`INSERT INTO v VALUES (1, ${values}), (2, ${nulls})`);
    const { capture: c, handoff } = await capture(['v']);
    const snapshot = await handoff.openSnapshot({ jobs: 1 });
    await handoff.close();
    const columns = [
      'id',
      'ti',
      'si',
      'mi',
      'iu',
      'bi',
      'bu',
      'de',
      'fl',
      'db',
      'bt',
      'dt',
      'dtm',
      'ts',
      'tm',
      'yr',
      'ch',
      'vc',
      'tx',
      'bl',
      'bn',
      'vb',
      'en',
      'st',
      'js',
    ];
    const copied = await readAll(snapshot, { name: 'v' }, columns, ['id']);
    await snapshot.close();
    for (const sql of [
      `INSERT INTO v VALUES (11, ${values}), (12, ${nulls})`,
      'UPDATE v SET vc = NULL WHERE id = 11',
      'UPDATE v SET id = 21 WHERE id = 12',
      'DELETE FROM v WHERE id = 1',
      'TRUNCATE v',
      'INSERT INTO v (id) VALUES (99)',
    ])
      await db.exec(sql);

    const mirror = new Mirror(true);
    mirror.load('v', columns, ['id'], copied);
    await follow(c, handoff.start, mirror, (m) => m.rows('v').length === 1);
    await c.close();
    expect(mirror.problems).toEqual([]);
    const kinds = mirror.events.filter((e) => !['begin', 'commit', 'heartbeat'].includes(e.kind)).map((e) => e.kind);
    expect(kinds).toEqual(['relation', 'insert', 'insert', 'update', 'update', 'delete', 'truncate', 'insert']);
    // The same values, copied and streamed, look the same. FLOAT is compared as the 32-bit value it
    // stores: the binlog has its exact bits, a text read its shortest spelling.
    const float = columns.indexOf('fl');
    const same = (row: unknown[]) => row.slice(1).map((v, i) => (i + 1 === float && typeof v === 'number' ? Math.fround(v) : v));
    const inserted = mirror.events.filter((e) => e.kind === 'insert').slice(0, 2) as { row: unknown[] }[];
    expect(inserted.map((e) => same(e.row))).toEqual(copied.map(same));
    expect(mirror.events.find((e) => e.kind === 'update' && e.row[0] === 21)).toMatchObject({ before: { image: 'full', row: expect.arrayContaining([12]) } });
  });

  it("sends DDL in order, and a table's new shape before its first row in it: a column added, dropped, renamed", async () => {
    await db.exec('CREATE TABLE shape (id int PRIMARY KEY, a varchar(5))');
    const { capture: c, handoff } = await capture(['shape']);
    await handoff.close();
    const tail = new Tail(c, handoff.start, new Mirror(true));
    const inserted = (n: number) => (m: Mirror) => m.events.filter((e) => e.kind === 'insert').length === n;
    const schema = (n: number) => (m: Mirror) => m.events.filter((e) => e.kind === 'schema').length === n;
    // Each step is read before the next: a stream this close behind names columns right (see the next test).
    await db.exec(`INSERT INTO shape VALUES (1, 'a')`);
    await tail.until(inserted(1));
    await db.exec('ALTER TABLE shape ADD COLUMN b int');
    await tail.until(schema(1));
    await db.exec("INSERT INTO shape VALUES (2, 'b', 5)");
    await tail.until(inserted(2));
    await db.exec('ALTER TABLE shape DROP COLUMN a');
    await tail.until(schema(2));
    await db.exec('INSERT INTO shape VALUES (3, 6)');
    await tail.until(inserted(3));
    await db.exec('ALTER TABLE shape RENAME COLUMN b TO c');
    await tail.until(schema(3));
    await db.exec('INSERT INTO shape VALUES (4, 7)');
    await tail.until(inserted(4));
    await tail.close();
    await c.close();
    const story = tail.mirror.events.flatMap((e) =>
      e.kind === 'relation'
        ? [e.columns.map((x) => x.name).join(',')]
        : e.kind === 'insert'
          ? [`+${String(e.row[0])}`]
          : e.kind === 'schema'
            ? [e.statement.replace(/ COLUMN.*/, '')]
            : [],
    );
    expect(story).toEqual([
      'id,a',
      '+1',
      'ALTER TABLE shape ADD',
      'id,a,b',
      '+2',
      'ALTER TABLE shape DROP',
      'id,b',
      '+3',
      'ALTER TABLE shape RENAME',
      'id,c',
      '+4',
    ]);
    expect(tail.mirror.events.flatMap((e) => (e.kind === 'insert' ? [e.row] : []))).toEqual([
      [1, 'a'],
      [2, 'b', 5],
      [3, 6],
      [4, 7],
    ]);
  });

  it("says each table's columns at the hand-off as the stream first describes them, an ALTER made since left out", async () => {
    await db.exec('CREATE TABLE handed (id int PRIMARY KEY, a varchar(5), q int)');
    const { capture: c, handoff } = await capture(['handed']);
    await db.exec('ALTER TABLE handed RENAME COLUMN a TO b, MODIFY q bigint');
    const at = handoff.columnsAt?.({ name: 'handed' });
    await handoff.close();
    await db.exec("INSERT INTO handed VALUES (1, 'one', 1)");
    const mirror = new Mirror(true);
    await follow(c, handoff.start, mirror, (m) => m.rows('handed').length === 1, { state: handoff.state });
    await c.close();
    const plain = (columns: readonly { name: string; type: string; key: boolean }[] | undefined) =>
      columns?.map((x) => ({ name: x.name, type: x.type, key: x.key }));
    expect(plain(at)).toEqual([
      { name: 'id', type: 'int(11)', key: true },
      { name: 'a', type: 'varchar(5)', key: false },
      { name: 'q', type: 'int(11)', key: false },
    ]);
    // The stream describes the table as it was at the hand-off, then as the ALTER left it.
    const relations = mirror.events.flatMap((e) => (e.kind === 'relation' ? [plain(e.columns)] : []));
    expect(relations[0]).toEqual(plain(at));
    expect(relations[1]?.map((x) => `${x.name} ${x.type}`)).toEqual(['id int(11)', 'b varchar(5)', 'q bigint(20)']);
  });

  it('a stream far behind an ALTER names columns from the log when the server writes them, and otherwise stops with a coded error', async () => {
    await db.exec('CREATE TABLE behind (id int PRIMARY KEY, a int)');
    const { capture: c, handoff } = await capture(['behind']);
    await handoff.close();
    for (const sql of ['INSERT INTO behind VALUES (1, 1)', 'ALTER TABLE behind ADD COLUMN b int', 'INSERT INTO behind VALUES (2, 2, 2)']) await db.exec(sql);
    const server = await connect();
    const [[setting]] = (await server.query('SELECT @@GLOBAL.binlog_row_metadata AS m')) as unknown as [{ m: string }[]];
    await server.end();
    const mirror = new Mirror(true);
    if (setting?.m === 'FULL') {
      await follow(c, handoff.start, mirror, (m) => m.rows('behind').length === 2);
      expect(byKey(mirror.rows('behind'), [0])).toEqual([
        [1, 1, null],
        [2, 2, 2],
      ]);
    } else {
      await expect(follow(c, handoff.start, mirror, () => false)).rejects.toMatchObject({ code: 'REDB_CHANGES_SCHEMA_UNKNOWN', data: { table: 'behind' } });
    }
    await c.close();
  });

  it('a stream resumed with the state stored at its position names rows by the shapes of that point of the log, whatever the catalog says now', async () => {
    await db.exec('CREATE TABLE hist (id int PRIMARY KEY, a int, b varchar(10))');
    const { capture: c, handoff } = await capture(['hist']);
    await handoff.close();
    expect(handoff.state).toBeDefined();
    // The same count of columns before and after, other names in other places: by position, a would be c and b would be a.
    for (const sql of [
      "INSERT INTO hist VALUES (1, 1, 'one')",
      'ALTER TABLE hist RENAME COLUMN a TO c',
      "INSERT INTO hist VALUES (2, 2, 'two')",
      'ALTER TABLE hist DROP COLUMN b',
      'ALTER TABLE hist ADD COLUMN a varchar(10) FIRST',
      "INSERT INTO hist VALUES ('x', 3, 3)",
    ])
      await db.exec(sql);
    const shapes: string[][] = [];
    const mirror = new Mirror(true);
    let states = 0;
    await follow(c, handoff.start, mirror, (m) => m.rows('hist').length === 3, {
      state: handoff.state,
      onEvent: (e) => {
        if (e.kind === 'relation' && e.table.name === 'hist') shapes.push(e.columns.map((x) => x.name));
        if (e.kind === 'commit' && e.state !== undefined) states++;
      },
    });
    // Each schema change describes the table as it leaves it, rows after it or not (the drop, here).
    expect(shapes).toEqual([
      ['id', 'a', 'b'],
      ['id', 'c', 'b'],
      ['id', 'c'],
      ['a', 'id', 'c'],
    ]);
    // A schema change's commit carries the shapes after it, to be stored with its position.
    expect(states).toBeGreaterThanOrEqual(3);
    await c.close();
  });

  it('stops with the setting to fix when a session logs statements or partial row images', async () => {
    await db.exec('CREATE TABLE fmt (id int PRIMARY KEY, a int, b int)');
    for (const [setting, code] of [
      ["binlog_format = 'STATEMENT'", 'REDB_CHANGES_BINLOG_FORMAT'],
      ["binlog_row_image = 'MINIMAL'", 'REDB_CHANGES_ROW_IMAGE'],
    ] as const) {
      const { capture: c, handoff } = await capture(['fmt']);
      await handoff.close();
      const writer = await connect();
      await writer.query(`SET SESSION ${setting}`);
      // The check reads a connection's own settings: what its writes would be logged with.
      await expect(checkSession(writer, 'source')).rejects.toMatchObject({ code, data: { where: expect.stringMatching(/this session/) } });
      await writer.query('INSERT INTO fmt VALUES (1, 1, 1) ON DUPLICATE KEY UPDATE a = a + 1');
      await writer.query('UPDATE fmt SET b = b + 1');
      await writer.end();
      const tail = new Tail(c, handoff.start, new Mirror(false));
      expect(await tail.failed()).toMatchObject({ code });
      await tail.close();
      await c.close();
    }
  });

  it('check accepts the test server, and names the privileges a login lacks', async () => {
    expect((await plane.check(target(db.url))).notes.every((n) => n.includes('binlog_row_metadata'))).toBe(true);
    const user = `redb_norepl_${randomBytes(4).toString('hex')}`;
    const admin = await mysqlScriptConnection();
    try {
      await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
      await admin.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'`);
      await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${user}'@'%'`);
      await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${user}'@'127.0.0.1'`);
      const url = new URL(db.url);
      url.username = user;
      url.password = 'pw';
      await expect(plane.check(target(url.toString()))).rejects.toMatchObject({
        code: 'REDB_CHANGES_PRIVILEGE',
        data: { missing: ['REPLICATION SLAVE', 'REPLICATION CLIENT'] },
      });
    } finally {
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
      await admin.end();
    }
  });

  it('warns, at check and in status, where the login cannot keep a schema history (no scratch database) and the log names no columns', async () => {
    const server = await connect();
    const [[setting]] = (await server.query('SELECT @@GLOBAL.binlog_row_metadata AS m')) as unknown as [{ m: string }[]];
    await server.end();
    const user = `redb_nohist_${randomBytes(4).toString('hex')}`;
    const admin = await mysqlScriptConnection();
    try {
      for (const host of ['%', '127.0.0.1']) {
        await admin.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY 'pw'`);
        await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${user}'@'${host}'`);
        await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'${host}'`);
      }
      const url = new URL(db.url);
      url.username = user;
      url.password = 'pw';
      const notes = (await plane.check(target(url.toString()))).notes;
      const c = await plane.open(target(url.toString()), `t_${randomBytes(4).toString('hex')}`);
      const status = await c.status();
      await c.close();
      if (setting?.m === 'FULL') {
        expect(notes.filter((n) => n.includes('scratch'))).toEqual([]);
        expect(status.notes).toBeUndefined();
      } else {
        expect(notes).toEqual([expect.stringMatching(/binlog_row_metadata is not FULL and the login cannot create a scratch database/)]);
        expect(status.notes).toEqual([expect.stringContaining('GRANT CREATE, DROP')]);
      }
      // The test's own login may: nothing to warn of.
      expect((await plane.check(target(db.url))).notes).toEqual([]);
    } finally {
      for (const host of ['%', '127.0.0.1']) await admin.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
      await admin.end();
    }
  });

  it('streams a large transaction in flat memory; reports positions, and a purged one as gone', async () => {
    await db.exec('CREATE TABLE big (id int PRIMARY KEY, v varchar(40))');
    const { capture: c, handoff } = await capture(['big']);
    await handoff.close();
    await db.exec(`INSERT INTO big SELECT seq, CONCAT('row ', seq) FROM seq_1_to_300000`);
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    let rows = 0;
    let sum = 0n;
    let end: Position | undefined;
    try {
      for await (const e of c.stream(handoff.start)) {
        if (e.kind === 'insert') {
          rows++;
          sum += BigInt(e.row[0] as number);
        } else if (e.kind === 'commit') {
          end = e.position;
          break;
        }
      }
    } finally {
      clearInterval(sample);
    }
    expect(rows).toBe(300_000);
    expect(sum).toBe(45_000_150_000n);
    expect(peak).toBeLessThan(300 * 1024 * 1024);
    await c.acknowledge(end as Position);
    const status = await c.status();
    expect(status.confirmed).toBe(end);
    expect(plane.compare(status.head as Position, end as Position)).toBeGreaterThanOrEqual(0);
    expect(status.retainedBytes).toBeGreaterThan(0);
    expect(await plane.listOwned(target(db.url))).toEqual([]);
    const gone = plane.position(JSON.stringify({ file: 'mysql-bin.999999', pos: 4 }));
    await expect(follow(c, gone, new Mirror(false), () => false)).rejects.toMatchObject({ code: 'REDB_CHANGES_POSITION_GONE' });
    await c.close();
  }, 120_000);
});
