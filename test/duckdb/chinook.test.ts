import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { canonicalText, diffSchemas, planHazards, type Schema } from '../../src/unified/index.js';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { chinookCopy } from '../support/cli.js';
import { duckdbEngine, duckdbRows, loadChinook } from '../support/duckdb.js';
import { tempDir } from '../support/scratch.js';

const TABLES = ['Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track'];

describe('Chinook in DuckDB', () => {
  const dir = tempDir('redb-duckdb-chinook-');
  const sqliteFile = chinookCopy(dir.path);
  const file = join(dir.path, 'chinook.duckdb');
  const url = `duckdb:${file}`;
  const counts = (path: string) => duckdbRows(path, TABLES.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL ') + ' ORDER BY t');

  beforeAll(() => loadChinook(sqliteFile, file));
  afterAll(() => dir.cleanup());

  it('holds every table and row of the SQLite original, translated by redb', async () => {
    const sqlite = new Sqlite(sqliteFile, { readonly: true });
    const expected = TABLES.map((t) => ({ t, n: String((sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n) }));
    sqlite.close();
    expect(await counts(file)).toEqual(expected);
    const schema = await introspectUrl(duckdbEngine, url);
    expect(schema.tables.map((t) => t.name)).toEqual(TABLES);
    expect(schema.tables.reduce((n, t) => n + t.foreignKeys.length, 0)).toBe(11);
    expect(schema.tables.reduce((n, t) => n + t.indexes.length, 0)).toBe(11);
    expect(schema.tables.find((t) => t.name === 'Invoice')?.columns.find((c) => c.name === 'Total')?.type).toEqual({
      kind: 'decimal',
      native: 'DECIMAL(10,2)',
      precision: 10,
      scale: 2,
    });
  });

  it('introspects to byte-identical text every time', async () => {
    expect(canonicalText(await introspectUrl(duckdbEngine, url))).toBe(canonicalText(await introspectUrl(duckdbEngine, url)));
  });

  it('round-trips exactly: introspect → apply to an empty database → introspect', async () => {
    const schema = await introspectUrl(duckdbEngine, url);
    const empty = await duckdbEngine.create();
    try {
      expect(canonicalText(await applySchema(duckdbEngine, empty, schema))).toBe(canonicalText(schema));
    } finally {
      await empty.drop();
    }
  });

  it('rebuilds a table other tables reference, keeping every row and every foreign key', async () => {
    const before = await introspectUrl(duckdbEngine, url);
    const target: Schema = {
      ...before,
      tables: before.tables.map((t) =>
        t.name !== 'Track'
          ? t
          : { ...t, columns: t.columns.map((c) => (c.name === 'Milliseconds' ? { ...c, type: { kind: 'integer', native: 'INTEGER', bits: 32 } } : c)) },
      ),
    };
    const tracks = await duckdbRows(file, 'SELECT * FROM "Track" ORDER BY "TrackId"');
    const lines = await counts(file);
    const adapter = await loadAdapter('duckdb');
    const plan = adapter.dialect.compile({ operations: diffSchemas(before, target), from: before, to: target });
    expect(planHazards(plan).map((h) => h.name)).toContain('rewrites-table');
    const after = await applySchema(duckdbEngine, { url, exec: async () => {}, drop: async () => {} }, target);
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(await duckdbRows(file, 'SELECT * REPLACE (CAST("Milliseconds" AS BIGINT) AS "Milliseconds") FROM "Track" ORDER BY "TrackId"')).toEqual(tracks);
    expect(await counts(file)).toEqual(lines);
    await expect(duckdbRows(file, 'INSERT INTO "InvoiceLine" VALUES (99999, 1, 999999, 0.99, 1)')).rejects.toThrow(/foreign key/i);
  });
});
