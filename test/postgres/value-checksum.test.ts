import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../src/adapters/registry.js';
import type { Checksum } from '../../src/adapters/canonical-sql.js';
import type { RowReader, RowSource } from '../../src/adapters/rows.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * The checksum by value a PostgreSQL server computes for verification (each column hashed by its
 * type's own hash function, src/adapters/postgres/row-hash.ts): equal rows give equal sums however
 * the tables are declared or ordered, and every way two tables' rows can differ changes the sum,
 * including differences a per-column hash could miss (values moved between rows or columns, a
 * NULL moved). A real server.
 */

let db: ScratchDb;
let source: RowSource;
let reader: RowReader;

const sum = async (table: string, columns: readonly string[]): Promise<Checksum | undefined> =>
  reader.checksum?.({ schema: 'public', name: table }, columns, undefined, 'value');

/** Two tables of the same columns, each with its rows (SQL VALUES lists); their sums over `columns`. */
async function pair(columns: string, a: string, b: string, names: readonly string[]): Promise<[Checksum | undefined, Checksum | undefined]> {
  const id = Math.random().toString(36).slice(2, 8);
  await source.close();
  await db.exec(`CREATE TABLE a_${id} (${columns}); CREATE TABLE b_${id} (${columns}); INSERT INTO a_${id} VALUES ${a}; INSERT INTO b_${id} VALUES ${b};`);
  await open();
  return [await sum(`a_${id}`, names), await sum(`b_${id}`, names)];
}

async function open(): Promise<void> {
  source = await (await loadRows('postgres')).openSource({ name: 'pg', url: db.url, cwd: process.cwd() }, { jobs: 1 });
  reader = source.readers[0] as RowReader;
}

beforeAll(async () => {
  db = await postgresEngine.create();
  await open();
});
afterAll(async () => {
  await source?.close();
  await db?.drop();
});

describe('PostgreSQL checksum by value (real server)', () => {
  it('equal rows give equal sums, in any order and whatever the NOT NULL constraints', async () => {
    const id = Math.random().toString(36).slice(2, 8);
    await source.close();
    await db.exec(`CREATE TABLE a_${id} (id bigint NOT NULL, name varchar(20) NOT NULL, amount numeric(10,2), at timestamp NOT NULL);
      CREATE TABLE b_${id} (id bigint, name varchar(20), amount numeric(10,2), at timestamp);
      INSERT INTO a_${id} VALUES (1, 'one', 1.50, '2024-01-01 10:00'), (2, 'two', NULL, '2024-01-02 10:00'), (3, '', 0, '2024-01-03 10:00');
      INSERT INTO b_${id} VALUES (3, '', 0, '2024-01-03 10:00'), (1, 'one', 1.5, '2024-01-01 10:00'), (2, 'two', NULL, '2024-01-02 10:00');`);
    await open();
    const names = ['id', 'name', 'amount', 'at'];
    const [a, b] = [await sum(`a_${id}`, names), await sum(`b_${id}`, names)];
    expect(a?.rows).toBe(3);
    expect(a).toEqual(b);
  });

  it('values recombined between rows change the sum, though every column holds the same values', async () => {
    const [a, b] = await pair('id int, name text', "(1, 'x'), (2, 'y')", "(1, 'y'), (2, 'x')", ['id', 'name']);
    expect(a?.rows).toBe(2);
    expect(a?.checksum).not.toBe(b?.checksum);
  });

  it('values swapped between two columns of one type change the sum', async () => {
    const [a, b] = await pair('p text, q text', "('x', 'y')", "('y', 'x')", ['p', 'q']);
    expect(a?.checksum).not.toBe(b?.checksum);
  });

  it('a NULL moved to another column, or turned into an empty string, changes the sum', async () => {
    const [a, b] = await pair('p text, q text', "(NULL, 'x')", "('x', NULL)", ['p', 'q']);
    expect(a?.checksum).not.toBe(b?.checksum);
    const [c, d] = await pair('p text, q text', "(NULL, 'x')", "('', 'x')", ['p', 'q']);
    expect(c?.checksum).not.toBe(d?.checksum);
    const [e, f] = await pair('p int, q int', '(NULL, NULL)', '(0, 0)', ['p', 'q']);
    expect(e?.checksum).not.toBe(f?.checksum);
  });

  it("varchar keeps its trailing blanks (text's hash, not char's), floats keep -0 apart from 0, numerics compare by value", async () => {
    const [a, b] = await pair('v varchar(10)', "('a')", "('a ')", ['v']);
    expect(a?.checksum).not.toBe(b?.checksum);
    const [c, d] = await pair('f double precision, r real', '(0, 0)', "('-0', '-0')", ['f', 'r']);
    expect(c?.checksum).not.toBe(d?.checksum);
    const [e, f] = await pair('n numeric', '(1.0)', '(1.00)', ['n']);
    expect(e?.checksum).toBe(f?.checksum);
  });

  it('types whose hash function takes another type (date, timestamptz, boolean, bytea, arrays) are hashed too', async () => {
    const columns = 'd date, z timestamptz, b boolean, y bytea, i int[], r int4range';
    const names = ['d', 'z', 'b', 'y', 'i', 'r'];
    const row = "('2024-02-29', '2024-02-29 12:00+00', true, '\\x00ff', '{1,2}', '[1,5)')";
    const [a, b] = await pair(columns, row, row, names);
    expect(a?.rows).toBe(1);
    expect(a).toEqual(b);
    for (const changed of [
      "('2024-03-01', '2024-02-29 12:00+00', true, '\\x00ff', '{1,2}', '[1,5)')",
      "('2024-02-29', '2024-02-29 12:00:01+00', true, '\\x00ff', '{1,2}', '[1,5)')",
      "('2024-02-29', '2024-02-29 12:00+00', false, '\\x00ff', '{1,2}', '[1,5)')",
      "('2024-02-29', '2024-02-29 12:00+00', true, '\\x00fe', '{1,2}', '[1,5)')",
      "('2024-02-29', '2024-02-29 12:00+00', true, '\\x00ff', '{2,1}', '[1,5)')",
      "('2024-02-29', '2024-02-29 12:00+00', true, '\\x00ff', '{1,2}', '[1,6)')",
    ]) {
      const [, c] = await pair(columns, row, changed, names);
      expect(c?.checksum, changed).not.toBe(a?.checksum);
    }
  });

  it('a type without a hash function (json) is left to the text comparison', async () => {
    const [a] = await pair('id int, j json', `(1, '{"a": 1}')`, `(1, '{"a": 1}')`, ['id', 'j']);
    expect(a).toBeUndefined();
  });
});
