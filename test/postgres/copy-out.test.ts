import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOut } from '../../src/adapters/postgres/copy-out.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * The COPY reader that moves a read's rows together (copy-out.ts) gives the bytes pg-copy-streams'
 * own reader gives, whatever the server interleaves: rows larger than a socket read, notices
 * between rows, an error after rows were sent, a consumer slower than the server. Real PostgreSQL.
 */
describe('COPY TO STDOUT read by copy-out gives exactly the server rows (real PostgreSQL)', () => {
  let db: ScratchDb;
  let client: pg.Client;

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(`
      CREATE TABLE small (id int PRIMARY KEY, t text, b bytea);
      INSERT INTO small SELECT i, 'row ' || i || repeat('x', i % 300), CASE WHEN i % 7 = 0 THEN NULL ELSE decode(md5(i::text), 'hex') END FROM generate_series(1, 60000) i;
      CREATE TABLE large (id int PRIMARY KEY, t text);
      INSERT INTO large SELECT i, repeat(md5(i::text), 100000) FROM generate_series(1, 4) i;
      CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'row %', i; RETURN i; END $$;`);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    client.on('notice', () => undefined);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** The md5 of what a stream gives, and into how many chunks, read at `pace` ms per chunk. */
  async function read(stream: NodeJS.ReadableStream, pace = 0): Promise<{ md5: string; bytes: number }> {
    const hash = createHash('md5');
    let bytes = 0;
    await pipeline(
      stream,
      new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          if (pace > 0) setTimeout(done, pace);
          else done();
        },
      }),
    );
    return { md5: hash.digest('hex'), bytes };
  }

  const both = async (sql: string, pace = 0) => {
    const expected = await read(client.query(to(sql)));
    const got = await read(client.query(await copyOut(sql, { highWaterMark: 1024 })), pace);
    return { expected, got };
  };

  it.each([
    ['many small rows, text', 'COPY small TO STDOUT'],
    ['many small rows, binary', 'COPY small TO STDOUT (FORMAT binary)'],
    ['rows of 3 MB, longer than a socket read', 'COPY large TO STDOUT (FORMAT binary)'],
    ['a notice between every two rows', 'COPY (SELECT noisy(id), t FROM small WHERE id <= 3000) TO STDOUT'],
  ])('%s', async (_name, sql) => {
    const { expected, got } = await both(sql);
    expect(got.bytes).toBeGreaterThan(1000);
    expect(got).toEqual(expected);
    // The connection is pg's again: the next query answers.
    expect((await client.query('SELECT count(*)::int AS n FROM small')).rows[0]).toEqual({ n: 60000 });
  });

  it('a consumer slower than the server gets every byte (the stream waits for it)', async () => {
    const { expected, got } = await both('COPY (SELECT * FROM small WHERE id <= 20000) TO STDOUT', 1);
    expect(got).toEqual(expected);
  });

  it('an error after rows were sent fails the stream with the server error, and the connection goes on', async () => {
    const sql = 'COPY (SELECT id, 1 / (id - 40000) FROM small) TO STDOUT';
    await expect(read(client.query(await copyOut(sql)))).rejects.toThrow(/division by zero/);
    expect((await client.query('SELECT 2 AS n')).rows[0]).toEqual({ n: 2 });
  });
});
