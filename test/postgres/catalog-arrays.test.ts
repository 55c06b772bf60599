import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTypes, plainArray } from '../../src/adapters/postgres/catalog-arrays.js';
import { serverUrl } from '../support/scratch.js';

// Arrays as the server prints them, of every kind the catalog queries return, including the
// elements it quotes (commas, quotes, backslashes, spaces, braces, empty, the word NULL), NULLs,
// explicit bounds and nesting.
const ARRAYS = `SELECT
  ARRAY['a,b', 'plain']::text[] AS comma,
  ARRAY['NULL', NULL]::text[] AS null_word,
  ARRAY['', 'x']::text[] AS empty_element,
  ARRAY[' x', 'y']::text[] AS space,
  ARRAY['q"u', 'y']::text[] AS quote,
  ARRAY['b\\s', 'y']::text[] AS backslash,
  ARRAY['{x}', 'y']::text[] AS brace,
  ARRAY['btree', 'text_pattern_ops', 'C']::text[] AS plain_text,
  '{}'::text[] AS empty,
  ARRAY[1, NULL, -3]::int2[] AS int2s,
  ARRAY[7, 8]::int4[] AS int4s,
  ARRAY[1, 4294967295]::oid[] AS oids,
  '[0:1]={1,2}'::int4[] AS bounded,
  ARRAY[[1, 2], [3, 4]]::int4[] AS nested,
  ARRAY[['a', 'b'], ['c', 'd']]::text[] AS nested_text,
  (SELECT i.indkey::int2[] FROM pg_index i WHERE i.indexrelid = 'pg_class_oid_index'::regclass) AS indkey,
  (SELECT i.indclass::oid[]::text[] FROM pg_index i WHERE i.indexrelid = 'pg_class_oid_index'::regclass) AS indclass`;

describe('the catalog read parses arrays as the driver does (real server)', () => {
  const client = new pg.Client({ connectionString: serverUrl('REDB_TEST_PG_URL') });
  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('gives the same values as the driver for every array the server prints', async () => {
    const driver = (await client.query(ARRAYS)).rows[0] as Record<string, unknown>;
    const fast = (await client.query({ text: ARRAYS, types: catalogTypes(pg.types) })).rows[0] as Record<string, unknown>;
    expect(fast).toEqual(driver);
    // The values are real arrays, not the server's text.
    expect(fast.comma).toEqual(['a,b', 'plain']);
    expect(fast.null_word).toEqual(['NULL', null]);
    expect(fast.backslash).toEqual(['b\\s', 'y']);
    expect(fast.int2s).toEqual([1, null, -3]);
    expect(fast.oids).toEqual([1, 4294967295]);
    expect(fast.nested).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('splits only what is plain, and leaves the rest to the driver', () => {
    expect(plainArray('{1,NULL,3}', Number)).toEqual([1, null, 3]);
    expect(plainArray('{}', Number)).toEqual([]);
    for (const text of ['{"a,b",c}', '{a\\,b}', '[0:1]={1,2}', '{{1,2},{3,4}}', '1,2', '']) expect(plainArray(text, String)).toBeUndefined();
  });
});
