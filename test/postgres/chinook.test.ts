import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalText, type Schema } from '../../src/unified/index.js';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { sharedFixture } from '../support/cli.js';
import { pgDumpSchema, postgresEngine, psqlFile } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

const CHINOOK = sharedFixture('chinook', 'Chinook_PostgreSql.sql');

/** The Chinook script creates and switches to its own database; a scratch database stands in for it. */
function loadChinook(url: string): void {
  const dir = tempDir('redb-chinook-');
  try {
    const script = readFileSync(CHINOOK, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|\\c )/i.test(line))
      .join('\n');
    const file = join(dir.path, 'chinook.sql');
    writeFileSync(file, script);
    psqlFile(url, file);
  } finally {
    dir.cleanup();
  }
}

describe('Chinook against a real PostgreSQL server', () => {
  let source: ScratchDb;
  let target: ScratchDb;
  let schema: Schema;
  let copy: Schema;

  beforeAll(async () => {
    source = await postgresEngine.create();
    target = await postgresEngine.create();
    loadChinook(source.url);
    schema = await introspectUrl(postgresEngine, source.url);
    copy = await applySchema(postgresEngine, target, schema);
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('reads every table, key and index', () => {
    expect(schema.tables.map((t) => t.name)).toEqual([
      'album',
      'artist',
      'customer',
      'employee',
      'genre',
      'invoice',
      'invoice_line',
      'media_type',
      'playlist',
      'playlist_track',
      'track',
    ]);
    expect(schema.tables.every((t) => t.schema === 'public' && t.primaryKey !== undefined)).toBe(true);
    expect(schema.tables.flatMap((t) => t.foreignKeys)).toHaveLength(11);
    expect(schema.tables.flatMap((t) => t.indexes)).toHaveLength(11);
    const track = schema.tables.find((t) => t.name === 'track');
    expect(track?.columns.find((c) => c.name === 'unit_price')?.type).toEqual({ kind: 'decimal', native: 'numeric(10,2)', precision: 10, scale: 2 });
    expect(track?.columns.find((c) => c.name === 'name')).toMatchObject({ type: { kind: 'text', length: 200 }, nullable: false });
  });

  it('round trip is exact', () => {
    expect(canonicalText(copy)).toBe(canonicalText(schema));
  });

  it('the copy dumps exactly like the source (pg_dump --schema-only)', () => {
    const original = pgDumpSchema(source.url);
    expect(original).toContain('CREATE TABLE public.invoice_line');
    expect(pgDumpSchema(target.url)).toBe(original);
  });
});
