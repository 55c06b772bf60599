import { describe, expect, it } from 'vitest';
import { openChangeTarget } from '../../src/adapters/change-apply.js';
import { duckdbEngine, duckdbRows } from '../support/duckdb.js';

/**
 * DuckDB as a replication target, applying changes straight through its change plane (no job):
 * dates and timestamps before year 1 arrive in the portable spelling (`0044-03-15 BC`), which
 * DuckDB reads otherwise (as a date after Christ, or as a timestamp in a zone named BC).
 */
describe('DuckDB change target', () => {
  it('inserts, updates and deletes by key rows whose dates and timestamps are before year 1', async () => {
    const db = await duckdbEngine.create();
    const file = db.url.replace(/^duckdb:/, '');
    try {
      await db.exec('CREATE TABLE era (d DATE PRIMARY KEY, ts TIMESTAMP, tz TIMESTAMPTZ, note VARCHAR)');
      const target = await openChangeTarget('duckdb', { name: 'era', url: db.url, cwd: process.cwd() });
      try {
        const table = { name: 'era' };
        const tx = await target.begin();
        await tx.upsert(
          table,
          ['d', 'ts', 'tz', 'note'],
          ['d'],
          [
            ['0044-03-15 BC', '0044-03-15 12:00:00.5 BC', '2024-01-01 00:00:00', '0044-03-15 BC'],
            ['2024-02-29', '0001-01-01 00:00:00 BC', null, 'after'],
            ['0100-01-01 BC', '2024-02-29 13:14:15.123456', null, 'gone'],
          ],
        );
        await tx.update(table, ['ts'], ['0010-06-01 00:00:01 BC'], ['d'], ['2024-02-29']);
        await tx.delete(table, ['d'], [['0100-01-01 BC']]);
        await tx.commit({ job: 'era', source: 'test', position: '1', committedAt: undefined, appliedAt: new Date().toISOString() });
      } finally {
        await target.close();
      }
      const rows = await duckdbRows(file, 'SELECT CAST(d AS VARCHAR) AS d, CAST(ts AS VARCHAR) AS ts, note FROM era ORDER BY d');
      expect(rows).toEqual([
        // The text column keeps what it was given: only dates and timestamps are reshaped.
        { d: '0044-03-15 (BC)', ts: '0044-03-15 (BC) 12:00:00.5', note: '0044-03-15 BC' },
        { d: '2024-02-29', ts: '0010-06-01 (BC) 00:00:01', note: 'after' },
      ]);
    } finally {
      await db.drop();
    }
  });
});
