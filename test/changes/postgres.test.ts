import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChanges, type ChangeEvent, type ChangePlane, type Position, type RelationEvent, type UpdateEvent } from '../../src/adapters/changes.js';
import { postgresRows } from '../../src/adapters/postgres/rows.js';
import { parseLsn } from '../../src/adapters/postgres/lsn.js';
import { pgDatabaseUrl, pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, type ScratchDb } from '../support/scratch.js';
import { byKey, follow, Mirror, readAll } from './mirror.js';
import { startPrivatePostgres } from './private-postgres.js';

/**
 * PostgreSQL change capture against the test server. The scratch database decodes with a tiny
 * logical_decoding_work_mem, so transactions of a few thousand rows are streamed before they
 * commit (protocol 2), as only much larger ones would be by default.
 */

const job = () => `t_${randomBytes(5).toString('hex')}`;
const target = (url: string) => ({ name: 'source', url, cwd: process.cwd() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: ScratchDb;
let plane: ChangePlane;
const jobs: string[] = [];

async function capture(tables: string[], name = job()) {
  jobs.push(name);
  const c = await plane.open(target(db.url), name);
  const handoff = await c.prepare(tables.map((t) => ({ name: t })));
  return { capture: c, handoff, name };
}

beforeAll(async () => {
  plane = await loadChanges('postgres');
  db = await postgresEngine.create();
  const name = new URL(db.url).pathname.slice(1);
  await pgExec(serverUrl('REDB_TEST_PG_URL'), `ALTER DATABASE "${name}" SET logical_decoding_work_mem = '64kB'`);
});

afterAll(async () => {
  for (const name of jobs) {
    const c = await plane.open(target(db.url), name);
    await c.drop().catch(() => undefined);
    await c.close();
  }
  await db?.drop();
});

/** Transactions of a few random changes (inserts, updates, NULLs, deletes, key updates) until told to stop. */
async function writeLoop(url: string, table: string, stop: { now: boolean }, firstId: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let next = firstId;
  let transactions = 0;
  const pick = `(SELECT id FROM ${table} ORDER BY random() LIMIT 1)`;
  try {
    while (!stop.now) {
      await c.query('BEGIN');
      for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) {
        const r = Math.random();
        if (r < 0.35)
          await c.query(`INSERT INTO ${table} (id, v, note) VALUES ($1, $2, $3)`, [
            next++,
            Math.floor(Math.random() * 1000),
            Math.random() < 0.3 ? null : `n${next}`,
          ]);
        else if (r < 0.65) await c.query(`UPDATE ${table} SET v = v + 1, note = CASE WHEN random() < 0.3 THEN NULL ELSE note END WHERE id = ${pick}`);
        else if (r < 0.8) await c.query(`DELETE FROM ${table} WHERE id = ${pick}`);
        else await c.query(`UPDATE ${table} SET id = $1 WHERE id = ${pick}`, [next++]);
      }
      await c.query('COMMIT');
      transactions++;
    }
  } finally {
    await c.end();
  }
  return transactions;
}

async function currentRows(table: string, columns: string[], key: string[]) {
  const source = await postgresRows.openSource(target(db.url), { jobs: 1 });
  try {
    return await readAll(source, { name: table }, columns, key);
  } finally {
    await source.close();
  }
}

describe('PostgreSQL change capture (needs the test server)', { timeout: 180_000 }, () => {
  it('hands off from a snapshot to the stream with no gap and no overlap while another session writes', async () => {
    await db.exec(
      `CREATE TABLE h (id int PRIMARY KEY, v int, note text); INSERT INTO h SELECT g, g, 'n' || g FROM generate_series(1, 500) g; CREATE TABLE done (id int PRIMARY KEY)`,
    );
    const stop = { now: false };
    const writer = writeLoop(db.url, 'h', stop, 1000);
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
    await db.exec(`CREATE TYPE mood AS ENUM ('sad', 'ok');
      CREATE TABLE v (id int PRIMARY KEY, i2 smallint, i8 bigint, n numeric(12,4), r real, d double precision, b boolean, t text, vc varchar(10), ch char(3),
        by bytea, dt date, tm time, tz timetz, ts timestamp, tstz timestamptz, iv interval, u uuid, j json, jb jsonb, ai int[], at text[], ip inet, m mood)`);
    const values = `2, 9007199254740993, 12.3400, 0.1, 0.1, true, E'tab\\tquote''s', 'x', 'ab', '\\x00ff10', '2024-02-29', '23:59:59.5', '10:00+02', '2020-01-01 10:00:00.123456',
        '2020-06-01 10:00:00+02', '1 day 02:03:04', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": 1, "a": 2}', '{1,NULL,3}', '{"a b",c}', '10.0.0.1/8', 'ok'`;
    const nulls = 'NULL, '.repeat(22) + 'NULL';
    await db.exec(`INSERT INTO v VALUES (1, ${values}), (2, ${nulls})`);
    const { capture: c, handoff } = await capture(['v']);
    const snapshot = await handoff.openSnapshot({ jobs: 1 });
    await handoff.close();
    const columns = ['id', 'i2', 'i8', 'n', 'r', 'd', 'b', 't', 'vc', 'ch', 'by', 'dt', 'tm', 'tz', 'ts', 'tstz', 'iv', 'u', 'j', 'jb', 'ai', 'at', 'ip', 'm'];
    const copied = await readAll(snapshot, { name: 'v' }, columns, ['id']);
    await snapshot.close();
    await db.exec(`INSERT INTO v VALUES (11, ${values}), (12, ${nulls});
      UPDATE v SET t = NULL WHERE id = 11; UPDATE v SET id = 21 WHERE id = 12; DELETE FROM v WHERE id = 1; TRUNCATE v; INSERT INTO v (id) VALUES (99)`);

    const mirror = new Mirror(true);
    mirror.load('v', columns, ['id'], copied);
    await follow(c, handoff.start, mirror, (m) => m.rows('v').length === 1);
    await c.close();
    expect(mirror.problems).toEqual([]);
    const kinds = mirror.events.filter((e) => !['begin', 'commit', 'heartbeat'].includes(e.kind)).map((e) => e.kind);
    expect(kinds).toEqual(['relation', 'insert', 'insert', 'update', 'update', 'delete', 'truncate', 'insert']);
    const inserted = mirror.events.filter((e) => e.kind === 'insert').slice(0, 2) as { row: unknown[] }[];
    // The same values, copied and streamed, look the same (all but the key). bytea is bytes, as the
    // rows plane reads it through binary COPY (a text read of it gives its hex text).
    const by = columns.indexOf('by');
    const bytes = (row: unknown[]) => row.map((v, i) => (i === by && typeof v === 'string' ? Buffer.from(v.slice(2), 'hex') : v)).slice(1);
    expect(inserted.map((e) => bytes(e.row))).toEqual(copied.map(bytes));
    expect(inserted[0]?.row[by]).toEqual(Buffer.from([0, 255, 16]));
    const keyUpdate = mirror.events.find((e) => e.kind === 'update' && e.before !== undefined) as UpdateEvent;
    expect(keyUpdate.before).toEqual({ image: 'key', key: ['12'] });
    expect(keyUpdate.row[0]).toBe('21');
    const relation = mirror.events.find((e) => e.kind === 'relation') as RelationEvent;
    expect(relation.columns.map((c) => c.type)).toContain('numeric(12,4)');
    expect(relation.columns.find((c) => c.name === 'm')?.type).toBe('mood');
  });

  it('marks an unchanged TOAST value as unchanged, never as a value, and sends it whole when it changes', async () => {
    await db.exec(`CREATE TABLE big (id int PRIMARY KEY, a text, doc text)`);
    const { capture: c, handoff } = await capture(['big']);
    await handoff.close();
    // Over 8 kB of text that does not compress, so it is stored out of line.
    // Each statement its own transaction (a string of statements would run as one).
    for (const sql of [
      `INSERT INTO big SELECT 1, 'a', string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 400) g`,
      `UPDATE big SET a = 'b' WHERE id = 1`,
      `UPDATE big SET doc = doc || 'x' WHERE id = 1`,
      `UPDATE big SET a = 'c' WHERE id = 1`,
    ])
      await db.exec(sql);
    const mirror = new Mirror(true);
    await follow(c, handoff.start, mirror, (m) => m.commits === 4);
    await c.close();
    const updates = mirror.events.filter((e): e is UpdateEvent => e.kind === 'update');
    expect(updates.map((u) => u.unchanged)).toEqual([['doc'], [], ['doc']]);
    expect(updates[0]?.row[2]).toBeUndefined();
    expect(String(updates[1]?.row[2]).length).toBe(12_801);
    expect(mirror.problems).toEqual([]);
    const [final] = await pgQuery<{ a: string; doc: string }>(db.url, 'SELECT a, doc FROM big');
    expect(mirror.rows('big')).toEqual([['1', final?.a, final?.doc]]);
  });

  it("sends a table's new shape before its first row in it: a column added, dropped, renamed", async () => {
    await db.exec(`CREATE TABLE shape (id int PRIMARY KEY, a text)`);
    const { capture: c, handoff } = await capture(['shape']);
    await handoff.close();
    await db.exec(`INSERT INTO shape VALUES (1, 'a'); ALTER TABLE shape ADD COLUMN b int; INSERT INTO shape VALUES (2, 'b', 5);
      ALTER TABLE shape DROP COLUMN a; INSERT INTO shape VALUES (3, 6); ALTER TABLE shape RENAME COLUMN b TO c; INSERT INTO shape VALUES (4, 7)`);
    const mirror = new Mirror(true);
    await follow(c, handoff.start, mirror, (m) => m.rows('shape').length === 4);
    await c.close();
    const story = mirror.events.flatMap((e) =>
      e.kind === 'relation' ? [e.columns.map((x) => x.name).join(',')] : e.kind === 'insert' ? [`+${String(e.row[0])}`] : [],
    );
    expect(story).toEqual(['id,a', '+1', 'id,a,b', '+2', 'id,b', '+3', 'id,c', '+4']);
    // Read after all four changes, the catalog is ahead of each description but the last: no rename is said from it.
    expect(mirror.events.filter((e) => e.kind === 'schema')).toEqual([]);
    // Each row in the shape of the relation before it.
    expect(mirror.events.flatMap((e) => (e.kind === 'insert' ? [e.row] : []))).toEqual([
      ['1', 'a'],
      ['2', 'b', '5'],
      ['3', '6'],
      ['4', '7'],
    ]);
  });

  it('says a column renamed by hand, by its number; a drop and an add, or swapped names, it does not', async () => {
    await db.exec(`CREATE TABLE renamed (id int PRIMARY KEY, a text, b int); CREATE TABLE hushed (id int PRIMARY KEY, v int)`);
    const { capture: c, handoff } = await capture(['renamed', 'hushed']);
    await handoff.close();
    await db.exec(`INSERT INTO renamed VALUES (1, 'a', 1)`);
    // Each step is taken once the stream has passed the row before it: the catalog and the stream then agree.
    const steps = new Map<string, string>([
      [
        '1',
        `ALTER TABLE renamed RENAME COLUMN b TO c; INSERT INTO renamed VALUES (2, 'b', 2); ALTER TABLE hushed RENAME COLUMN v TO w; INSERT INTO hushed VALUES (1, 1)`,
      ],
      ['2', `ALTER TABLE renamed DROP COLUMN a, ADD COLUMN d text; INSERT INTO renamed (id, c, d) VALUES (3, 3, 'd')`],
      ['3', `BEGIN; ALTER TABLE renamed RENAME COLUMN c TO e; ALTER TABLE renamed RENAME COLUMN d TO c; INSERT INTO renamed VALUES (4, 4, 'x'); COMMIT`],
      // Two renames before the stream reads either: the catalog is ahead of the first description, yet still tells it.
      [
        '4',
        `ALTER TABLE renamed RENAME COLUMN e TO f; INSERT INTO renamed VALUES (5, 5, 'y'); ALTER TABLE renamed RENAME COLUMN c TO g; INSERT INTO renamed VALUES (6, 6, 'z')`,
      ],
    ]);
    let last = '';
    const mirror = new Mirror(true);
    await follow(c, handoff.start, mirror, (m) => m.rows('renamed').length === 6, {
      onEvent: async (e) => {
        if (e.kind === 'insert' && e.table.name === 'renamed') last = String(e.row[0]);
        if (e.kind !== 'commit') return;
        const step = steps.get(last);
        steps.delete(last);
        if (step !== undefined) await db.exec(step);
      },
    });
    await c.close();
    const story = mirror.events.flatMap((e) =>
      e.kind === 'relation'
        ? [`${e.table.name}(${e.columns.map((x) => x.name).join(',')})`]
        : e.kind === 'schema'
          ? [`renames ${JSON.stringify(e.renames)}`]
          : e.kind === 'insert'
            ? [`+${e.table.name} ${String(e.row[0])}`]
            : [],
    );
    /** The story's line for a schema event stating one rename in `public`. */
    const said = (table: string, from: string, to: string) => `renames ${JSON.stringify([{ table, schema: 'public', from, to }])}`;
    expect(story).toEqual([
      'renamed(id,a,b)',
      '+renamed 1',
      // In the session: the description before it had the old name under the same number.
      said('renamed', 'b', 'c'),
      'renamed(id,a,c)',
      '+renamed 2',
      // First described after its rename: the columns the catalog had when the stream opened tell it.
      said('hushed', 'v', 'w'),
      'hushed(id,w)',
      '+hushed 1',
      // A new column of the same place in the table is a new number: no rename.
      'renamed(id,c,d)',
      '+renamed 3',
      // c → e and d → c at once: names alone cannot follow it, so nothing is said.
      'renamed(id,e,c)',
      '+renamed 4',
      said('renamed', 'e', 'f'),
      'renamed(id,f,c)',
      '+renamed 5',
      said('renamed', 'c', 'g'),
      'renamed(id,f,g)',
      '+renamed 6',
    ]);
  });

  it("says each table's columns at the hand-off as the stream first describes them, an ALTER made since left out", async () => {
    await db.exec(`CREATE TABLE handed (id int PRIMARY KEY, a varchar(20), p numeric(10,2), g int GENERATED ALWAYS AS (id * 2) STORED)`);
    const { capture: c, handoff } = await capture(['handed']);
    await db.exec(`ALTER TABLE handed RENAME COLUMN a TO b; ALTER TABLE handed ALTER COLUMN p TYPE numeric(12,3); ALTER TABLE handed ADD COLUMN x int`);
    const at = handoff.columnsAt?.({ schema: 'public', name: 'handed' });
    await handoff.close();
    await db.exec(`INSERT INTO handed (id, b, p) VALUES (1, 'one', 1)`);
    const mirror = new Mirror(true);
    await follow(c, handoff.start, mirror, (m) => m.rows('handed').length === 1);
    await c.close();
    expect(at).toEqual([
      { name: 'id', type: 'integer', key: true },
      { name: 'a', type: 'character varying(20)', key: false },
      { name: 'p', type: 'numeric(10,2)', key: false },
    ]);
    // Spelt as the stream spells its relations: the stream's own (after the ALTERs) differs only by what the ALTERs changed.
    const relation = mirror.events.find((e): e is RelationEvent => e.kind === 'relation');
    expect(relation?.columns.map((x) => ({ name: x.name, type: x.type, key: x.key }))).toEqual([
      { name: 'id', type: 'integer', key: true },
      { name: 'b', type: 'character varying(20)', key: false },
      { name: 'p', type: 'numeric(12,3)', key: false },
      { name: 'x', type: 'integer', key: false },
    ]);
  });

  it('never surfaces a streamed transaction that aborted, nor the part of one a savepoint rolled back', async () => {
    await db.exec(`CREATE TABLE ab (id int PRIMARY KEY, what text)`);
    const { capture: c, handoff, name } = await capture(['ab']);
    await handoff.close();
    await db.exec(`BEGIN; INSERT INTO ab SELECT g, 'aborted' FROM generate_series(1, 5000) g; ROLLBACK;
      BEGIN; INSERT INTO ab SELECT g, 'kept' FROM generate_series(10001, 13000) g; SAVEPOINT s; INSERT INTO ab SELECT g, 'rolled back' FROM generate_series(20001, 24000) g;
      ROLLBACK TO SAVEPOINT s; INSERT INTO ab SELECT g, 'kept' FROM generate_series(30001, 33000) g; COMMIT;
      INSERT INTO ab VALUES (0, 'last')`);
    const mirror = new Mirror(true, false);
    await follow(c, handoff.start, mirror, (m) => m.rows('ab').some((r) => r[0] === '0'));
    await c.close();
    const rows = mirror.rows('ab');
    expect(rows.length).toBe(6001);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['kept', 'last']));
    expect(mirror.commits).toBe(2);
    // The server did stream them (the test would prove nothing if it had decoded them whole).
    let streamed = 0;
    for (let i = 0; i < 50 && streamed === 0; i++) {
      streamed = Number(
        (await pgQuery<{ n: string }>(db.url, `SELECT coalesce(stream_txns, 0) AS n FROM pg_stat_replication_slots WHERE slot_name = 'redb_${name}'`))[0]?.n ??
          0,
      );
      if (streamed === 0) await sleep(200);
    }
    expect(streamed).toBeGreaterThanOrEqual(2);
  });

  it('streams a transaction of a million rows in flat memory, and acknowledging it lets the slot free its WAL', async () => {
    await db.exec(`CREATE TABLE m (id int PRIMARY KEY, v text)`);
    const { capture: c, handoff, name } = await capture(['m']);
    await handoff.close();
    await db.exec(`INSERT INTO m SELECT g, 'row ' || g FROM generate_series(1, 1000000) g`);
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    let rows = 0;
    let sum = 0n;
    let end: Position | undefined;
    const stop = new AbortController();
    try {
      for await (const e of c.stream(handoff.start, { signal: stop.signal })) {
        if (e.kind === 'insert') {
          rows++;
          sum += BigInt(String(e.row[0]));
        } else if (e.kind === 'commit') {
          end = e.position;
          break;
        }
      }
    } finally {
      clearInterval(sample);
    }
    expect(rows).toBe(1_000_000);
    expect(sum).toBe(500_000_500_000n);
    expect(peak).toBeLessThan(300 * 1024 * 1024);

    // Nothing acknowledged yet: the slot keeps the transaction's WAL.
    const slot = async () =>
      (
        await pgQuery<{ confirmed: string; restart: string }>(
          db.url,
          `SELECT confirmed_flush_lsn::text AS confirmed, restart_lsn::text AS restart FROM pg_replication_slots WHERE slot_name = 'redb_${name}'`,
        )
      )[0] as { confirmed: string; restart: string };
    const before = await slot();
    expect((await c.status()).retainedBytes ?? 0).toBeGreaterThan(20 * 1024 * 1024);
    expect(parseLsn(before.restart) as bigint).toBeLessThan(parseLsn(end as string) as bigint);
    await c.acknowledge(end as Position);
    expect(parseLsn((await slot()).confirmed) as bigint).toBeGreaterThanOrEqual(parseLsn(end as string) as bigint);
    // The restart point (what WAL the slot keeps) moves at the next record of running transactions: a checkpoint writes one.
    await pgExec(serverUrl('REDB_TEST_PG_URL'), 'CHECKPOINT');
    await db.exec('INSERT INTO m VALUES (0, null)');
    const mirror = new Mirror(false, false);
    mirror.load('m', ['id', 'v'], ['id'], []);
    await follow(c, end as Position, mirror, (x) => x.rows('m').length === 1);
    let after = await slot();
    for (let i = 0; i < 50 && after.restart === before.restart; i++) {
      await sleep(100);
      after = await slot();
    }
    await c.close();
    expect(parseLsn(after.restart) as bigint).toBeGreaterThan(parseLsn(before.restart) as bigint);
  }, 240_000);

  it('heartbeats on a source busy only with other tables, so acknowledging them moves the slot', async () => {
    await db.exec(`CREATE TABLE quiet (id int PRIMARY KEY); CREATE TABLE busy (id int PRIMARY KEY)`);
    const { capture: c, handoff, name } = await capture(['quiet']);
    await handoff.close();
    let written: bigint | undefined;
    let beat: ChangeEvent | undefined;
    const stop = new AbortController();
    const writes = (async () => {
      for (let i = 0; i < 5; i++) {
        await db.exec(`INSERT INTO busy VALUES (${i})`);
        await sleep(100);
      }
      written = parseLsn((await pgQuery<{ l: string }>(db.url, 'SELECT pg_current_wal_insert_lsn()::text AS l'))[0]?.l ?? '0/0');
    })();
    const timeout = setTimeout(() => stop.abort(), 30_000);
    for await (const e of c.stream(handoff.start, { signal: stop.signal, heartbeatMs: 200 })) {
      expect(['heartbeat']).toContain(e.kind);
      if (e.kind === 'heartbeat') {
        await c.acknowledge(e.position);
        if (written !== undefined && (parseLsn(e.position) as bigint) >= written) {
          beat = e;
          break;
        }
      }
    }
    clearTimeout(timeout);
    await writes;
    expect(beat).toBeDefined();
    let confirmed = 0n;
    for (let i = 0; i < 50 && confirmed < (written as bigint); i++) {
      confirmed = parseLsn(
        (await pgQuery<{ l: string }>(db.url, `SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'redb_${name}'`))[0]?.l ??
          '0/0',
      ) as bigint;
      if (confirmed < (written as bigint)) await sleep(100);
    }
    await c.close();
    expect(confirmed).toBeGreaterThanOrEqual(written as bigint);
  });

  it('refuses a table without a primary key, naming it and the fixes, and sets nothing up', async () => {
    await db.exec(`CREATE TABLE nokey (a int); CREATE TABLE full_identity (a int); ALTER TABLE full_identity REPLICA IDENTITY FULL`);
    const name = job();
    const c = await plane.open(target(db.url), name);
    const failure = await c.prepare([{ name: 'nokey' }]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'REDB_CHANGES_NO_KEY', data: { tables: ['public.nokey'] } });
    expect((failure as Error & { hint: string }).hint).toMatch(/REPLICA IDENTITY FULL/);
    expect((await plane.listOwned(target(db.url))).filter((o) => o.job === name)).toEqual([]);
    await expect(c.prepare([{ name: 'nope' }])).rejects.toMatchObject({ code: 'REDB_CHANGES_TABLE_MISSING' });
    await c.close();
    // A table whose changes carry whole rows is fine: its before-images are full rows.
    const { capture: ok, handoff } = await capture(['full_identity']);
    await handoff.close();
    for (const sql of ['INSERT INTO full_identity VALUES (1)', 'UPDATE full_identity SET a = 2', 'DELETE FROM full_identity']) await db.exec(sql);
    const mirror = new Mirror(true);
    await follow(ok, handoff.start, mirror, (m) => m.commits === 3);
    await ok.close();
    expect(mirror.events.find((e) => e.kind === 'delete')).toMatchObject({ before: { image: 'full', row: ['2'] } });
  });

  it('check says what is missing: a login without REPLICATION, a server with wal_level replica', async () => {
    expect(await plane.check(target(db.url))).toEqual({ notes: [] });
    const role = `redb_norepl_${randomBytes(4).toString('hex')}`;
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `CREATE ROLE ${role} LOGIN PASSWORD 'pw' NOREPLICATION`);
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = 'pw';
      await expect(plane.check(target(url.toString()))).rejects.toMatchObject({
        code: 'REDB_CHANGES_PRIVILEGE',
        data: { login: role, missing: ['the REPLICATION attribute'] },
      });
    } finally {
      await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE ${role}`);
    }
    const replica = await startPrivatePostgres({ wal_level: 'replica' });
    try {
      await expect(plane.check(target(replica.url))).rejects.toMatchObject({ code: 'REDB_CHANGES_WAL_LEVEL', data: { walLevel: 'replica' } });
      await pgExec(replica.url, 'CREATE TABLE t (id int PRIMARY KEY)');
      const c = await plane.open(target(replica.url), 'replica_only');
      await expect(c.prepare([{ name: 't' }])).rejects.toMatchObject({ code: 'REDB_CHANGES_WAL_LEVEL' });
      expect(await plane.listOwned(target(replica.url))).toEqual([]);
      await c.close();
    } finally {
      replica.stop();
    }
  }, 120_000);

  it('drop removes the slot and the publication; the dropped job then says it has none', async () => {
    await db.exec(`CREATE TABLE gone (id int PRIMARY KEY)`);
    const { capture: c, handoff, name } = await capture(['gone']);
    await handoff.close();
    // A stream that just stopped leaves the slot active for a moment: drop waits it out.
    await db.exec('CREATE TABLE gone_elsewhere (id int)');
    for await (const e of c.stream(handoff.start, { heartbeatMs: 100 })) if (e.kind === 'heartbeat') break;
    expect(
      (await plane.listOwned(target(db.url)))
        .filter((o) => o.job === name)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['publication', 'slot']);
    await c.drop();
    expect((await plane.listOwned(target(db.url))).filter((o) => o.job === name)).toEqual([]);
    expect(await pgQuery(pgDatabaseUrl('postgres'), `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'redb_${name}'`)).toEqual([]);
    expect((await c.status()).exists).toBe(false);
    const stream = c.stream(handoff.start)[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toMatchObject({ code: 'REDB_CHANGES_JOB_MISSING' });
    await c.close();
  });
});
