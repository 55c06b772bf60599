import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../src/adapters/registry.js';
import { redbOk } from '../support/cli.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, redbPw } from '../clone/helpers.js';

/**
 * Between two PostgreSQL databases rows travel as raw COPY bytes: in COPY's binary format where
 * every column has a built-in type (nothing printed or parsed), else in its text format (a user
 * type's binary form names its oid, which differs between databases). Real PostgreSQL server.
 */
describe('raw COPY between PostgreSQL databases picks binary only where it is safe (real PostgreSQL)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  let target: ScratchDb;

  beforeAll(async () => {
    dir = tempDir('redb-copyfmt-');
    redbOk(dir.path, ['init']);
    [source, target] = await Promise.all([postgresEngine.create(), postgresEngine.create()]);
    await source.exec(`
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
      CREATE TABLE builtin (id bigint PRIMARY KEY, n numeric(12,3), t text, b bytea, at timestamptz, tags int[], doc jsonb, ref uuid, f float8, span interval);
      INSERT INTO builtin SELECT i, i * 1.125, 'line ' || i || E'\\twith tab\\nand newline \\\\ backslash', decode(lpad(to_hex(i), 8, '0'), 'hex'),
        timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute', ARRAY[i, i + 1], jsonb_build_object('i', i, 'k', 'v'),
        ('00000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, i / 3.0, i * interval '1 second'
        FROM generate_series(1, 3000) i;
      INSERT INTO builtin (id) VALUES (100000);
      CREATE TABLE usertypes (id int PRIMARY KEY, m mood, p positive, moods mood[]);
      INSERT INTO usertypes SELECT i, (ARRAY['sad','ok','happy']::mood[])[1 + i % 3], i, ARRAY['ok', 'happy']::mood[] FROM generate_series(1, 500) i;
      ANALYZE builtin, usertypes;`);
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), target?.drop()]);
    dir?.cleanup();
  });

  it('offers binary for built-in types in the database encoding, and only text for user types', async () => {
    const rows = await loadRows('postgres');
    const src = await rows.openSource({ name: 'src', url: source.url, cwd: dir.path }, { jobs: 1 });
    try {
      const reader = src.readers[0];
      expect(await reader?.rawFormats?.({ schema: 'public', name: 'builtin' }, ['id', 'n', 't', 'b', 'at', 'tags', 'doc', 'ref', 'f', 'span'])).toEqual([
        'binary/UTF8',
        'text',
      ]);
      expect(await reader?.rawFormats?.({ schema: 'public', name: 'usertypes' }, ['id', 'm'])).toEqual(['text']);
      expect(await reader?.rawFormats?.({ schema: 'public', name: 'usertypes' }, ['id', 'p'])).toEqual(['text']);
      expect(await reader?.rawFormats?.({ schema: 'public', name: 'usertypes' }, ['id', 'moods'])).toEqual(['text']);
    } finally {
      await src.close();
    }
  });

  it('copies both kinds of table exactly, in chunks of pages, and verifies them', async () => {
    // Raw chunks of 50 batches of 10 rows: 500 rows' worth of key values each.
    const r = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--batch-rows', '10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = cloneResult(r);
    expect(result.tables.map((t) => [t.table, t.rows])).toEqual([
      ['public.builtin', 3001],
      ['public.usertypes', 500],
    ]);
    expect(result.verify?.every((v) => v.match)).toBe(true);
    for (const table of ['builtin', 'usertypes']) {
      const all = `SELECT * FROM ${table} ORDER BY id`;
      expect(await pgQuery(target.url, all)).toEqual(await pgQuery(source.url, all));
    }
    // Progress comes per committed chunk. Between PostgreSQL databases the chunks are ranges of pages
    // sized from the statistics to about 500 rows (50 batches of 10): several chunks, each adding rows, ending at 3,001.
    const progress = r.stdout.split('\n').filter((l) => l.includes('"table":"public.builtin"') && l.includes('"state":"rows"'));
    const counts = progress.map((l) => (JSON.parse(l) as { rows: number }).rows);
    expect(counts.length).toBeGreaterThanOrEqual(4);
    expect(counts.at(-1)).toBe(3001);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1] as number);
  });
});
