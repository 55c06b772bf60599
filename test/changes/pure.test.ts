import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureKind, type ChangeEvent, jobOfOwned, loadChanges, oneByOne, ownedName, validateJobName, type Position } from '../../src/adapters/changes.js';
import { compareBinlog, GtidState, parseBinlogPosition } from '../../src/adapters/mysql/binlog-position.js';
import { type Attribute, PgChangeDecoder } from '../../src/adapters/postgres/change-events.js';
import { compareLsn, formatLsn, parseLsn, pgTimestamp } from '../../src/adapters/postgres/lsn.js';
import { decodePgoutput, isMetadata, streamedXid } from '../../src/adapters/postgres/pgoutput.js';
import { Spill } from '../../src/adapters/postgres/spill.js';
import { parseQuotedList } from '../../src/adapters/sqlite/sql-literal.js';
import { keyText, sameKey } from '../../src/replicate/job-tables.js';

/** The parts of change capture that are plain functions over data, without a server. */

/** A pgoutput message built the way the server writes one. */
class Message {
  private parts: Buffer[] = [];
  tag(c: string) {
    this.parts.push(Buffer.from(c, 'latin1'));
    return this;
  }
  u8(n: number) {
    this.parts.push(Buffer.from([n]));
    return this;
  }
  i16(n: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    this.parts.push(b);
    return this;
  }
  u32(n: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.parts.push(b);
    return this;
  }
  u64(n: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(n);
    this.parts.push(b);
    return this;
  }
  str(s: string) {
    this.parts.push(Buffer.from(`${s}\0`));
    return this;
  }
  text(s: string) {
    return this.tag('t').u32(Buffer.byteLength(s)).raw(Buffer.from(s));
  }
  raw(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  get buffer() {
    return Buffer.concat(this.parts);
  }
}

describe('positions', () => {
  it('reads and writes LSNs as PostgreSQL spells them, in order', () => {
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(formatLsn(parseLsn('16/B374D848') as bigint)).toBe('16/B374D848');
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('nonsense')).toBeUndefined();
    expect(compareLsn(parseLsn('1/0') as bigint, parseLsn('0/FFFFFFFF') as bigint)).toBe(1);
    expect(pgTimestamp(0n)).toBe('2000-01-01T00:00:00.000000Z');
    expect(pgTimestamp(1_500_000n)).toBe('2000-01-01T00:00:01.500000Z');
    expect(pgTimestamp(123n)).toBe('2000-01-01T00:00:00.000123Z');
  });

  it('orders binlog positions by file, then offset, and keeps GTIDs per domain', () => {
    const p = (file: string, pos: number) => ({ file, pos });
    expect(compareBinlog(p('mysql-bin.000010', 4), p('mysql-bin.000009', 900))).toBeGreaterThan(0);
    expect(compareBinlog(p('mysql-bin.000010', 4), p('mysql-bin.000010', 900))).toBeLessThan(0);
    expect(parseBinlogPosition('{"file":"mysql-bin.000001","pos":4,"gtid":"0-1-5"}')).toEqual({ file: 'mysql-bin.000001', pos: 4, gtid: '0-1-5' });
    expect(() => parseBinlogPosition('{"file":"x"}')).toThrow(expect.objectContaining({ code: 'REDB_CHANGES_BAD_POSITION' }));
    const state = new GtidState('1-2-7,0-1-100');
    state.add(0, 1, 101n);
    state.add(2, 3, '18446744073709551615');
    expect(state.toString()).toBe('0-1-101,1-2-7,2-3-18446744073709551615');
    expect(() => new GtidState('0-1')).toThrow(expect.objectContaining({ code: 'REDB_CHANGES_BAD_POSITION' }));
  });

  it("each plane reads its own positions back and refuses another engine's", async () => {
    const pg = await loadChanges('postgres');
    const my = await loadChanges('mysql');
    const lite = await loadChanges('sqlite');
    expect(pg.compare(pg.position('0/10'), pg.position('0/9'))).toBeGreaterThan(0);
    expect(lite.compare(lite.position('10'), lite.position('9'))).toBeGreaterThan(0);
    expect(() => pg.position('12')).toThrow(expect.objectContaining({ code: 'REDB_CHANGES_BAD_POSITION' }));
    expect(() => lite.position('0/1')).toThrow(expect.objectContaining({ code: 'REDB_CHANGES_BAD_POSITION' }));
    expect(() => my.position('0/1')).toThrow(expect.objectContaining({ code: 'REDB_CHANGES_BAD_POSITION' }));
    expect(my.compare(my.position('{"file":"b.000002","pos":4}'), my.position('{"file":"b.000001","pos":99}') as Position)).toBeGreaterThan(0);
  });
});

describe('engines and names', () => {
  it('DuckDB keeps no change log: asking for its plane is a coded error', async () => {
    expect(captureKind('duckdb')).toBe('none');
    expect(captureKind('sqlite')).toBe('trigger');
    expect(captureKind('postgres')).toBe('log');
    await expect(loadChanges('duckdb')).rejects.toMatchObject({ code: 'REDB_CHANGES_UNSUPPORTED', data: { engine: 'duckdb' } });
    await expect(loadChanges('mongodb')).rejects.toMatchObject({ code: 'REDB_ENGINE_UNSUPPORTED' });
  });

  it('job names are short lower-case identifiers, and owned objects are named after them', () => {
    expect(validateJobName('orders_to_dwh')).toBe('orders_to_dwh');
    for (const bad of ['', 'Orders', '1job', 'a-b', 'a b', 'x'.repeat(41), 'quote"d'])
      expect(() => validateJobName(bad)).toThrow(expect.objectContaining({ code: 'REDB_INVALID_NAME' }));
    expect(ownedName('orders')).toBe('redb_orders');
    expect(jobOfOwned('redb_orders')).toBe('orders');
    expect(jobOfOwned('orders')).toBeUndefined();
    expect(jobOfOwned('redb_Nope')).toBeUndefined();
  });
});

describe('pgoutput', () => {
  it('decodes relations, tuples with nulls and unchanged TOAST values, and key images', () => {
    const relation = new Message()
      .tag('R')
      .u32(16384)
      .str('public')
      .str('t')
      .u8('d'.charCodeAt(0))
      .i16(2)
      .u8(1)
      .str('id')
      .u32(23)
      .u32(0xffffffff)
      .u8(0)
      .str('doc')
      .u32(25)
      .u32(0xffffffff).buffer;
    expect(decodePgoutput(relation, false)).toMatchObject({
      tag: 'relation',
      oid: 16384,
      namespace: 'public',
      name: 't',
      identity: 'd',
      columns: [
        { key: true, name: 'id', typeOid: 23, typmod: -1 },
        { key: false, name: 'doc' },
      ],
    });
    const update = new Message().tag('U').u32(16384).tag('K').i16(2).text('1').tag('n').tag('N').i16(2).text('2').tag('u').buffer;
    expect(decodePgoutput(update, false)).toEqual({
      tag: 'update',
      xid: undefined,
      oid: 16384,
      old: { image: 'key', tuple: ['1', null] },
      tuple: ['2', undefined],
    });
    const del = new Message().tag('D').u32(16384).tag('O').i16(2).text('ü').tag('n').buffer;
    expect(decodePgoutput(del, false)).toMatchObject({ tag: 'delete', old: { image: 'full', tuple: ['ü', null] } });
    // Read in place after a replication frame's 25-byte header, as the stream does.
    const frame = Buffer.concat([Buffer.alloc(25, 0x77), update]);
    expect(decodePgoutput(frame, false, 25)).toEqual(decodePgoutput(update, false));
  });

  it('hands runs out one event at a time, ending at the first commit after a stop', async () => {
    const commit = (n: number) => ({ kind: 'commit', position: `0/${n}` }) as ChangeEvent;
    const insert = { kind: 'insert', table: { name: 't' }, row: ['1'] } as ChangeEvent;
    const stop = new AbortController();
    async function* runs() {
      yield [{ kind: 'begin', transaction: '1' }, insert, commit(1), { kind: 'begin', transaction: '2' }, insert] as ChangeEvent[];
      yield [insert, commit(2), { kind: 'begin', transaction: '3' }, insert, commit(3)] as ChangeEvent[];
    }
    const seen: string[] = [];
    for await (const e of oneByOne(runs(), stop.signal)) {
      seen.push(e.kind);
      // Asked in the middle of transaction 2: it ends whole, and nothing of transaction 3 follows.
      if (seen.length === 5) stop.abort();
    }
    expect(seen).toEqual(['begin', 'insert', 'commit', 'begin', 'insert', 'insert', 'commit']);
  });

  it('tells keys apart as their text did: by value and type, NULL one key, NaN one key, 0 and -0 one key', () => {
    const ids = (keys: unknown[][]) => new Set(keys.map(keyText)).size;
    expect(ids([['1'], [1], [1n], [null], [undefined], [Buffer.from('1')], [true]])).toBe(6);
    expect(ids([[Number.NaN], [Number.NaN]])).toBe(1);
    expect(ids([[0], [-0]])).toBe(1);
    expect(
      ids([
        ['a', 1],
        ['a', '1'],
        ['a', 1],
      ]),
    ).toBe(2);
    expect(sameKey(keyText([Number.NaN]), keyText([Number.NaN]))).toBe(true);
    expect(sameKey(keyText(['1']), keyText([1]))).toBe(false);
    expect(sameKey(keyText([null]), keyText([undefined]))).toBe(true);
  });

  it("tells a column renamed while the job was stopped by the columns' numbers stored with its position", async () => {
    const TAGS = 16384;
    // The catalog as the job finds it when it runs again: label (number 2) renamed to name.
    const catalog = new Map<number, Attribute[]>([
      [
        TAGS,
        [
          { name: 'id', num: 1 },
          { name: 'name', num: 2 },
        ],
      ],
    ]);
    const reader = async (oid: number) => catalog.get(oid) ?? [];
    const typeName = async () => 'integer';
    const relation = {
      tag: 'relation' as const,
      xid: undefined,
      oid: TAGS,
      namespace: 'public',
      name: 'tags',
      identity: 'd' as const,
      columns: ['id', 'name'].map((name, i) => ({ key: i === 0, name, typeOid: 23, typmod: -1 })),
    };
    const renames = async (d: PgChangeDecoder) => {
      const out = [];
      for await (const e of d.events(relation)) if (e.kind === 'schema') out.push(...(e.renames ?? []));
      return out;
    };
    // The first run's stream, started before the rename: its state, taken once, and not again while it does not change.
    const before = new Map([
      [
        TAGS,
        [
          { name: 'id', num: 1 },
          { name: 'label', num: 2 },
        ],
      ],
    ]);
    const first = new PgChangeDecoder(typeName, reader, before);
    const stored = first.takeState();
    expect(stored).toBeDefined();
    expect(first.takeState()).toBeUndefined();
    // Resumed with it, the rename is told; with the catalog alone, it cannot be (label's number now carries name).
    expect(await renames(new PgChangeDecoder(typeName, reader, catalog, stored))).toEqual([{ table: 'tags', schema: 'public', from: 'label', to: 'name' }]);
    expect(await renames(new PgChangeDecoder(typeName, reader, catalog))).toEqual([]);
    // A state that is not one (or none at all) goes by the catalog.
    expect(await renames(new PgChangeDecoder(typeName, reader, catalog, 'not a state'))).toEqual([]);

    // Thousands of tables: stored deflated, read back the same (nothing to store again), and the rename still told.
    const many = new Map(before);
    for (let oid = 20_000; oid < 28_000; oid++)
      many.set(
        oid,
        Array.from({ length: 10 }, (_, i) => ({ name: `column_${i}`, num: i + 1 })),
      );
    const big = new PgChangeDecoder(typeName, reader, many).takeState() as string;
    expect(big.startsWith('z:')).toBe(true);
    expect(big.length).toBeLessThan(512 * 1024);
    const now = new Map([...many, ...catalog]);
    const resumed = new PgChangeDecoder(typeName, reader, now, big);
    expect(resumed.takeState()).toBeUndefined();
    expect(await renames(resumed)).toEqual([{ table: 'tags', schema: 'public', from: 'label', to: 'name' }]);
  });

  it('reads the transaction id that messages carry inside a streamed block, and the stream messages', () => {
    const insert = new Message().tag('I').u32(777).u32(16384).tag('N').i16(1).text('5').buffer;
    expect(decodePgoutput(insert, true)).toEqual({ tag: 'insert', xid: 777, oid: 16384, tuple: ['5'] });
    expect(streamedXid(insert)).toBe(777);
    expect(isMetadata(insert)).toBe(false);
    expect(decodePgoutput(new Message().tag('S').u32(777).u8(1).buffer, false)).toEqual({ tag: 'streamStart', xid: 777, first: true });
    expect(decodePgoutput(new Message().tag('E').buffer, false)).toEqual({ tag: 'streamStop' });
    expect(decodePgoutput(new Message().tag('A').u32(777).u32(778).buffer, false)).toEqual({ tag: 'streamAbort', xid: 777, subxid: 778 });
    expect(decodePgoutput(new Message().tag('c').u32(777).u8(0).u64(10n).u64(20n).u64(30n).buffer, false)).toEqual({
      tag: 'streamCommit',
      xid: 777,
      commitLsn: 10n,
      endLsn: 20n,
      commitTime: 30n,
    });
    expect(decodePgoutput(new Message().tag('T').u32(777).u32(2).u8(3).u32(1).u32(2).buffer, true)).toEqual({
      tag: 'truncate',
      xid: 777,
      oids: [1, 2],
      cascade: true,
      restartIdentity: true,
    });
    expect(() => decodePgoutput(Buffer.from('Z'), false)).toThrow(/unknown message/);
  });

  it('spills a streamed transaction to disk and replays it in order, without what a subtransaction aborted', async () => {
    const spill = await Spill.create({ xidOf: streamedXid, keep: isMetadata });
    const insert = (xid: number, v: string) => new Message().tag('I').u32(xid).u32(1).tag('N').i16(1).text(v).buffer;
    const relation = (xid: number) => new Message().tag('R').u32(xid).u32(1).str('public').str('t').u8(100).i16(0).buffer;
    // Enough records to cross the spill's in-memory buffer and its read chunks several times.
    const expected: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const sub = i % 3 === 1 ? 11 : 10;
      await spill.append(10, sub === 11 && i % 300 === 1 ? relation(11) : insert(sub, `${'v'.repeat(i % 50)}${i}`));
      if (sub === 10) expected.push(`${'v'.repeat(i % 50)}${i}`);
    }
    await spill.append(20, insert(20, 'other'));
    await spill.abort(10, 11);
    await spill.abort(20, 20);
    const replayed: string[] = [];
    let relations = 0;
    for await (const record of spill.replay(10)) {
      const m = decodePgoutput(record, true);
      if (m.tag === 'insert') replayed.push(m.tuple[0] as string);
      if (m.tag === 'relation') relations++;
    }
    expect(replayed).toEqual(expected);
    expect(relations).toBe(200);
    expect([
      ...(await (async () => {
        const out: Buffer[] = [];
        for await (const r of spill.replay(20)) out.push(r);
        return out;
      })()),
    ]).toEqual([]);
    await spill.close();
  });
});

describe('SQLite literals', () => {
  it('reads quote() back exactly, whatever the value', () => {
    const db = new Sqlite(':memory:');
    db.defaultSafeIntegers(true);
    const values: unknown[] = [
      9223372036854775807n,
      -9223372036854775808n,
      0n,
      0.1,
      -2.5e-300,
      1e308,
      Infinity,
      -Infinity,
      'it\'s, a "list"\n',
      '',
      'ü😀',
      Buffer.from([0, 255, 10]),
      Buffer.alloc(0),
      null,
    ];
    const placeholders = values.map(() => 'quote(?)').join(` || ',' || `);
    const text = db
      .prepare(`SELECT ${placeholders}`)
      .pluck()
      .get(...values) as string;
    expect(parseQuotedList(text)).toEqual(values);
    db.close();
    expect(() => parseQuotedList("'open")).toThrow();
  });
});
