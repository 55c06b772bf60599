import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbRows } from '../support/duckdb.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, redbAsync } from './helpers.js';

/**
 * Values of tens of megabytes cross engines whole, in batches bounded by bytes: two 50 MB bytea
 * values from PostgreSQL into SQLite and DuckDB, and eight of 16 MB into DuckDB; 10 MB values into MariaDB, whose statements could
 * not carry them as hex text; and a value larger than MariaDB's max_allowed_packet is refused with
 * a coded error naming the table, the column and the limit, before anything is written. Real PostgreSQL and MariaDB servers. Memory and time are measured in bench/large-values.js.
 */

type Digest = { id: number; bytes: number; md5: string };
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** A table of `n` rows of `bytes` random bytes each, written with the driver (random bytes do not compress). */
async function randomTable(url: string, table: string, n: number, bytes: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, b bytea); ALTER TABLE ${table} ALTER b SET STORAGE EXTERNAL`);
    for (let i = 1; i <= n; i++) await client.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, randomBytes(bytes)]);
  } finally {
    await client.end();
  }
}

describe('large values stream between engines (real servers)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  let packet: number;
  const digests: Record<string, Digest[]> = {};

  beforeAll(async () => {
    dir = tempDir('redb-large-');
    source = await postgresEngine.create();
    const probe = await mysqlEngine.create();
    try {
      packet = Number((await mysqlRows<{ n: number }>(probe, 'SELECT @@max_allowed_packet AS n'))[0]?.n);
    } finally {
      await probe.drop();
    }
    await randomTable(source.url, 'blobs', 2, 50 << 20);
    await randomTable(source.url, 'mid', 2, 10 << 20);
    await randomTable(source.url, 'huge', 1, packet + (1 << 20));
    await randomTable(source.url, 'many', 8, 16 << 20);
    for (const table of ['blobs', 'mid', 'many']) {
      digests[table] = (
        await pgQuery<{ id: number; bytes: number; md5: string }>(source.url, `SELECT id, octet_length(b) AS bytes, md5(b) AS md5 FROM ${table} ORDER BY id`)
      ).map((r) => ({ ...r, bytes: Number(r.bytes) }));
    }
  }, 300_000);
  afterAll(async () => {
    await source?.drop();
    dir?.cleanup();
  });

  const clone = (to: string, ...extra: string[]) => redbAsync(dir.path, ['clone', envUrl(source.url), to, '--yes', '--allow', 'lossy', '--json', ...extra]);

  it.concurrent('two 50 MB values reach SQLite whole', { timeout: 300_000 }, async () => {
    const file = join(dir.path, 'blobs.db');
    const r = await clone(`sqlite:${file}`, '--tables', 'blobs');
    expect(r.code, r.stderr).toBe(0);
    const db = new Sqlite(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT id, b FROM blobs ORDER BY id').all() as { id: number; b: Buffer }[];
      expect(rows.map((row) => ({ id: row.id, bytes: row.b.length, md5: md5(row.b) }))).toEqual(digests.blobs);
    } finally {
      db.close();
    }
  });

  it.concurrent('two 50 MB values reach DuckDB whole, past its small memory limit', { timeout: 300_000 }, async () => {
    const file = join(dir.path, 'blobs.duckdb');
    const r = await clone(`duckdb:${file}`, '--tables', 'blobs');
    expect(r.code, r.stderr).toBe(0);
    const rows = await duckdbRows(file, 'SELECT id, octet_length(b) AS bytes, md5(b) AS md5 FROM public.blobs ORDER BY id');
    expect(rows.map((row) => ({ id: Number(row.id), bytes: Number(row.bytes), md5: row.md5 }))).toEqual(digests.blobs);
  });

  it.concurrent('eight 16 MB values reach DuckDB whole: the room for each grows by the large values before it', { timeout: 300_000 }, async () => {
    const file = join(dir.path, 'many.duckdb');
    const r = await clone(`duckdb:${file}`, '--tables', 'many');
    expect(r.code, r.stderr).toBe(0);
    const rows = await duckdbRows(file, 'SELECT id, octet_length(b) AS bytes, md5(b) AS md5 FROM public.many ORDER BY id');
    expect(rows.map((row) => ({ id: Number(row.id), bytes: Number(row.bytes), md5: row.md5 }))).toEqual(digests.many);
  });

  it.concurrent('10 MB values reach MariaDB whole, though as hex text they would not fit one statement', { timeout: 300_000 }, async () => {
    expect(2 * (10 << 20)).toBeGreaterThan(packet);
    const my = await mysqlEngine.create();
    try {
      const r = await clone(envUrl(my.url), '--tables', 'mid');
      expect(r.code, r.stderr).toBe(0);
      const rows = await mysqlRows<{ id: number; bytes: number; md5: string }>(my, 'SELECT id, length(b) AS bytes, md5(b) AS md5 FROM mid ORDER BY id');
      expect(rows.map((row) => ({ ...row, bytes: Number(row.bytes) }))).toEqual(digests.mid);
    } finally {
      await my.drop();
    }
  });

  it.concurrent("a value larger than MariaDB's max_allowed_packet is a coded error naming table, column and limit, before anything is written", {
    timeout: 300_000,
  }, async () => {
    const my = await mysqlEngine.create();
    try {
      const r = await clone(envUrl(my.url), '--tables', 'huge');
      expect(r.code).toBe(1);
      // The error is the last document on stdout, after any progress lines.
      const error = (JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{\n  "error"'))) as { error?: { code: string; data: { problems: unknown[] } } }).error;
      expect(error?.code).toBe('REDB_CLONE_VALUE_TOO_LARGE');
      expect(error?.data.problems).toEqual([{ table: 'public.huge', column: 'b', rows: 1, limit: packet, setting: 'max_allowed_packet' }]);
      expect(r.stderr).toMatch(/error\[REDB_CLONE_VALUE_TOO_LARGE\].*huge.*max_allowed_packet/);
      expect(await mysqlRows(my, 'SHOW TABLES')).toEqual([]);
    } finally {
      await my.drop();
    }
  });

  it.concurrent('--batch-rows 1000000 still commits in batches bounded by bytes', { timeout: 300_000 }, async () => {
    await source.exec("CREATE TABLE wide (id integer PRIMARY KEY, note text); INSERT INTO wide SELECT i, repeat('x', 400) FROM generate_series(1, 120000) i");
    const file = join(dir.path, 'wide.db');
    const r = await clone(`sqlite:${file}`, '--tables', 'wide', '--batch-rows', '1000000');
    expect(r.code, r.stderr).toBe(0);
    // One progress event per committed batch: 120,000 rows of 400 bytes are more than one batch's bytes.
    const steps = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; state?: string; rows?: number })
      .filter((e) => e.type === 'table' && e.state === 'rows');
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.at(-1)?.rows).toBe(120000);
  });
});
