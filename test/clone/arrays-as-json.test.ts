import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { duckdbEngine } from '../support/duckdb.js';
import { sqliteEngine } from '../support/scratch.js';
import { PASSWORD_ENV } from './helpers.js';
import { arrayJson } from '../../src/replicate/values.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, until } from '../replicate/helpers.js';
import { reachedHead } from '../replicate/source-head.js';

/**
 * A PostgreSQL array cloned or replicated into MariaDB or SQLite becomes the JSON array its column
 * there holds (the loss `clone` lists: "text[] becomes a JSON array"): elements with commas, quotes,
 * braces and the word NULL as text, NULL elements, numbers as written, nested arrays. (The array's
 * text form was written as it was: MariaDB's json check refused it mid-copy, and SQLite kept text
 * that is not JSON.) `verify` compares the source's arrays as the JSON they became. Into DuckDB it
 * becomes a list, element for element (DuckDB refused PostgreSQL's text form mid-copy), and DuckDB's
 * lists go back to PostgreSQL as arrays (their printed form lost an apostrophe on the way).
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const TABLE = `CREATE TABLE lists (
  id integer PRIMARY KEY,
  words text[],
  counts integer[],
  prices numeric(10,2)[],
  flags boolean[],
  docs jsonb[],
  grid integer[][]
)`;
const ROWS = `INSERT INTO lists VALUES
  (1, ARRAY['a', 'x,y', 'say "hi"', '{braced}', 'NULL', NULL, 'back\\slash'], ARRAY[1, -2, NULL], ARRAY[1.50, -0.01], ARRAY[true, false, NULL],
   ARRAY['{"k": [1, 2]}'::jsonb, 'null'::jsonb], ARRAY[[1, 2], [3, 4]]),
  (2, '{}', '{}', NULL, NULL, NULL, NULL)`;
const EXPECTED = [
  {
    id: 1,
    words: ['a', 'x,y', 'say "hi"', '{braced}', 'NULL', null, 'back\\slash'],
    counts: [1, -2, null],
    prices: [1.5, -0.01],
    flags: [true, false, null],
    docs: [{ k: [1, 2] }, null],
    grid: [
      [1, 2],
      [3, 4],
    ],
  },
  { id: 2, words: [], counts: [], prices: null, flags: null, docs: null, grid: null },
];
const COLUMNS = ['words', 'counts', 'prices', 'flags', 'docs', 'grid'] as const;

/** The target's rows with each JSON column parsed. */
const parsed = (list: Record<string, unknown>[]): Record<string, unknown>[] =>
  list.map((r) => ({
    id: Number(r.id),
    ...Object.fromEntries(COLUMNS.map((c) => [c, r[c] === null ? null : typeof r[c] === 'string' ? JSON.parse(r[c] as string) : r[c]])),
  }));

describe('the JSON text of a PostgreSQL array', () => {
  it('keeps numbers as written and strings as strings', () => {
    expect(arrayJson('{1,2.50,NULL,1e3}', { kind: 'decimal', native: 'numeric', precision: 10, scale: 2 })).toBe('[1,2.50,null,1000]');
    expect(arrayJson('{"a \\"b\\"",NULL,"NULL",c}', { kind: 'text', native: 'text' })).toBe('["a \\"b\\"",null,"NULL","c"]');
    expect(arrayJson('[0:1]={{1,2},{3,4}}', { kind: 'integer', native: 'integer', bits: 32 })).toBe('[[1,2],[3,4]]');
  });
});

/** The target's rows, a DuckDB list read as its JSON. */
const select = (engine: string) =>
  engine === 'duckdb' ? `SELECT id, ${COLUMNS.map((c) => `to_json(${c})::VARCHAR AS ${c}`).join(', ')} FROM public.lists` : 'SELECT * FROM lists';

describe.concurrent('PostgreSQL arrays into MariaDB and SQLite json columns and DuckDB lists (real servers)', () => {
  it.each([
    ['MariaDB', mysqlEngine],
    ['SQLite', sqliteEngine],
    ['DuckDB', duckdbEngine],
  ])(
    'PostgreSQL → %s: clone, then replicate',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(postgresEngine, engine, 'redb-arrays-', cleanups);
      await exec(source, `${TABLE}; ${ROWS}`);
      const clone = redb(project.path, ['clone', source.url, target.url, '--allow', 'lossy', '--yes'], PASSWORD_ENV);
      expect(clone.code, clone.stderr).toBe(0);
      expect(clone.stdout + clone.stderr).toContain('verified');
      expect(parsed(await rows(target, `${select(target.engine)} ORDER BY id`))).toEqual(EXPECTED);

      // The stream carries the same text form: a row inserted and one updated while a job runs land as JSON too.
      await exec(target, target.engine === 'duckdb' ? 'DROP TABLE public.lists' : 'DROP TABLE lists');
      const job = `a_${randomBytes(4).toString('hex')}`;
      const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--allow', 'lossy', '--yes']);
      await r.until('streaming');
      await exec(source, "INSERT INTO lists (id, words) VALUES (3, ARRAY['new, row']); UPDATE lists SET counts = ARRAY[7] WHERE id = 2;");
      // A DuckDB file is held by the job while it runs: there, the job's own events say when it has applied the source's changes.
      if (target.engine === 'duckdb') await reachedHead(source, job, r);
      else
        await until(
          async () => (parsed(await rows(target, `${select(target.engine)} WHERE id = 2`))[0]?.counts as unknown[] | null)?.[0] === 7,
          () => r.stderr,
        );
      expect(await r.stop('SIGTERM')).toBe(143);
      expect(
        parsed(await rows(target, `${select(target.engine)} WHERE id = 2`))[0]?.counts,
        `${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
      ).toEqual([7]);
      expect(parsed(await rows(target, `${select(target.engine)} WHERE id = 3`))[0]?.words).toEqual(['new, row']);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    },
    180_000,
  );
});

describe.concurrent('DuckDB lists out of DuckDB (real servers)', () => {
  const LISTS = `CREATE TABLE lists (id INTEGER PRIMARY KEY, words VARCHAR[], counts INTEGER[], grid INTEGER[][]);
    INSERT INTO lists VALUES (1, ['it''s', 'say "hi"', 'back\\slash', 'NULL', NULL, 'a, b', '[x]'], [1, NULL], [[1, 2], [3, 4]]), (2, [], NULL, NULL)`;
  const WORDS = ["it's", 'say "hi"', 'back\\slash', 'NULL', null, 'a, b', '[x]'];
  it.each([
    ['PostgreSQL', postgresEngine],
    ['DuckDB', duckdbEngine],
  ])(
    'DuckDB → %s: clone, element for element',
    async (_name, engine) => {
      const { source, target, project } = await replicationSetup(duckdbEngine, engine, 'redb-lists-', cleanups);
      await exec(source, LISTS);
      const clone = redb(project.path, ['clone', source.url, target.url, '--yes'], PASSWORD_ENV);
      expect(clone.code, clone.stderr).toBe(0);
      expect(clone.stdout + clone.stderr).toContain('verified');
      const got = await rows(
        target,
        target.engine === 'duckdb'
          ? 'SELECT to_json(words)::VARCHAR AS words FROM lists ORDER BY id'
          : 'SELECT array_to_json(words)::text AS words FROM lists ORDER BY id',
      );
      expect(got.map((r) => JSON.parse(String(r.words)))).toEqual([WORDS, []]);
    },
    120_000,
  );
});
