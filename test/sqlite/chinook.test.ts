import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalText } from '../../src/unified/index.js';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { chinookCopy } from '../support/cli.js';
import { sqliteEngine, tempDir } from '../support/scratch.js';

describe('Chinook on SQLite', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());
  const source = chinookCopy(dir.path);

  it('round-trips exactly: introspect → apply to an empty database → introspect', async () => {
    const schema = await introspectUrl(sqliteEngine, `sqlite:${source}`);
    expect(schema.tables.map((t) => t.name)).toEqual([
      'Album',
      'Artist',
      'Customer',
      'Employee',
      'Genre',
      'Invoice',
      'InvoiceLine',
      'MediaType',
      'Playlist',
      'PlaylistTrack',
      'Track',
    ]);
    expect(schema.tables.reduce((n, t) => n + t.foreignKeys.length, 0)).toBe(11);
    expect(schema.tables.reduce((n, t) => n + t.indexes.length, 0)).toBe(11);
    const empty = await sqliteEngine.create();
    try {
      const copy = await applySchema(sqliteEngine, empty, schema);
      expect(canonicalText(copy)).toBe(canonicalText(schema));
    } finally {
      await empty.drop();
    }
  });

  it('rebuilds a table SQLite cannot alter without losing a row', async () => {
    const schema = await introspectUrl(sqliteEngine, `sqlite:${source}`);
    const track = schema.tables.find((t) => t.name === 'Track');
    if (track === undefined) throw new Error('no Track table');
    const target = {
      ...schema,
      tables: schema.tables.map((t) =>
        t !== track
          ? t
          : {
              ...t,
              columns: t.columns.map((c) => (c.name === 'Composer' ? { ...c, type: { kind: 'text' as const, native: 'NVARCHAR(300)', length: 300 } } : c)),
              checks: [{ name: 'ck_positive_ms', expression: 'Milliseconds > 0' }],
            },
      ),
    };
    const db = { url: `sqlite:${source}`, exec: async () => {}, drop: async () => {} };
    const before = new Sqlite(source, { readonly: true });
    const rows = before.prepare('SELECT * FROM Track ORDER BY TrackId').all();
    before.close();
    const after = await applySchema(sqliteEngine, db, target);
    expect(canonicalText(after)).toBe(canonicalText(target));
    const check = new Sqlite(source, { readonly: true });
    expect(check.prepare('SELECT * FROM Track ORDER BY TrackId').all()).toEqual(rows);
    expect(check.pragma('foreign_key_check')).toEqual([]);
    expect((check.prepare('SELECT count(*) AS n FROM InvoiceLine').get() as { n: number }).n).toBe(2240);
    check.close();
  });

  it('keeps the database file unchanged on a read', async () => {
    const file = join(dir.path, 'ro.db');
    chinookCopy(dir.path, 'ro.db');
    const { statSync } = await import('node:fs');
    const mtime = statSync(file).mtimeMs;
    await introspectUrl(sqliteEngine, `sqlite:${file}`);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });
});
