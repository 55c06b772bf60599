import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, redbOk } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, loadChinookPostgres, mysqlCounts, pgCounts, redbPw, sqliteQuery } from './helpers.js';

const TABLES = ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track'];
const EXPECTED = {
  album: 347,
  artist: 275,
  customer: 59,
  employee: 8,
  genre: 25,
  invoice: 412,
  invoice_line: 2240,
  media_type: 5,
  playlist: 18,
  playlist_track: 8715,
  track: 3503,
};

describe('Chinook cloned PostgreSQL → MariaDB → SQLite → DuckDB → PostgreSQL (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  let maria: ScratchDb;
  let back: ScratchDb;

  beforeAll(async () => {
    dir = tempDir('redb-clone-');
    redbOk(dir.path, ['init']);
    [source, maria, back] = await Promise.all([postgresEngine.create(), mysqlEngine.create(), postgresEngine.create()]);
    loadChinookPostgres(source.url);
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), maria?.drop(), back?.drop()]);
    dir?.cleanup();
  });

  const hop = (from: string, to: string, ...extra: string[]) => {
    const r = redbPw(dir.path, ['clone', from, to, '--json', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    const result = cloneResult(r);
    expect(result.verify?.map((v) => [v.table, v.match, v.countsOnly])).toEqual(result.tables.map((t) => [t.table, true, false]));
    expect(Object.fromEntries(result.tables.map((t) => [t.table.replace(/^public\./, '').toLowerCase(), t.rows]))).toEqual(EXPECTED);
    return result;
  };

  it('keeps every row and value at every hop, and the round trip verifies against the original', async () => {
    const sqlite = join(dir.path, 'hop.db');
    const pgToMaria = hop(envUrl(source.url), envUrl(maria.url));
    // PostgreSQL's Chinook translates to MariaDB without losing anything.
    expect(pgToMaria.losses).toEqual([]);
    expect(await mysqlCounts(maria, TABLES)).toEqual(EXPECTED);

    hop(envUrl(maria.url), 'sqlite:hop.db', '--allow', 'lossy');
    expect(sqliteQuery<{ n: number }>(sqlite, 'SELECT count(*) AS n FROM invoice_line')[0]?.n).toBe(2240);
    expect(sqliteQuery(sqlite, 'SELECT name, unit_price, milliseconds FROM track WHERE track_id = 1')).toEqual([
      { name: 'For Those About To Rock (We Salute You)', unit_price: 0.99, milliseconds: 343719 },
    ]);

    hop('sqlite:hop.db', 'duckdb:hop.duckdb', '--allow', 'lossy');
    hop('duckdb:hop.duckdb', envUrl(back.url), '--allow', 'lossy');
    expect(await pgCounts(back.url, TABLES)).toEqual(EXPECTED);
    const totals = 'SELECT sum(total)::text AS s, min(invoice_date)::text AS first, max(invoice_date)::text AS last FROM invoice';
    expect(await pgQuery(back.url, totals)).toEqual(await pgQuery(source.url, totals));
    // Indexes and foreign keys were added after the load, and they hold.
    const fks = await pgQuery<{ n: string }>(back.url, "SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f'");
    expect(Number(fks[0]?.n)).toBe(11);

    const same = redbPw(dir.path, ['verify', envUrl(source.url), envUrl(back.url), '--json']);
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as { tables: { match: boolean }[] }).tables.every((t) => t.match)).toBe(true);
  });

  it('verify names the table whose values differ, and exits 1', async () => {
    await pgExec(back.url, 'UPDATE track SET unit_price = unit_price + 0.01 WHERE track_id = 7');
    try {
      const r = redbPw(dir.path, ['verify', envUrl(source.url), envUrl(back.url), '--tables', 'track,album']);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_VERIFY_MISMATCH');
      expect(r.stderr).toContain('public.track');
      expect(r.stdout).toMatch(/public\.album .* ok/);
      expect(r.stdout).toMatch(/public\.track .*MISMATCH/);
    } finally {
      await pgExec(back.url, 'UPDATE track SET unit_price = unit_price - 0.01 WHERE track_id = 7');
    }
  });
});
