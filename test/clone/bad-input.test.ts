import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { pgExec, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, redbPw, sqliteQuery } from './helpers.js';

describe('clone refuses bad input with a clear error and changes nothing (SQLite)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('redb-clone-bad-');
    chinookCopy(dir.path, 'src.db');
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());

  it('an unreachable target', () => {
    const r = redbPw(dir.path, ['clone', 'sqlite:src.db', 'postgres://redb:${REDB_TEST_PW}@127.0.0.1:1/nowhere']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_DB_UNREACHABLE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a target table that already has rows, unless --truncate (which needs --yes without a terminal)', () => {
    redbOk(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Artist,Album']);
    const dst = join(dir.path, 'dst.db');
    const refused = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Artist,Album']);
    expect(refused.code).toBe(1);
    expect(errorCode(refused)).toBe('REDB_CLONE_TARGET_NOT_EMPTY');
    expect(refused.stderr).toMatch(/rows in (Artist, Album|Album, Artist)/);
    expect(refused.stderr).toContain('--truncate');
    expect(sqliteQuery<{ n: number }>(dst, 'SELECT count(*) AS n FROM Artist')[0]?.n).toBe(275);

    const unconfirmed = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Artist,Album', '--truncate']);
    expect(errorCode(unconfirmed)).toBe('REDB_CONFIRMATION_REQUIRED');
    expect(unconfirmed.stderr).toContain('--yes');

    redbOk(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Artist,Album', '--truncate', '--yes']);
    expect(sqliteQuery<{ n: number }>(dst, 'SELECT count(*) AS n FROM Artist')[0]?.n).toBe(275);
    expect(sqliteQuery<{ n: number }>(dst, 'SELECT count(*) AS n FROM Album')[0]?.n).toBe(347);
  });

  it('a policy that names a column the source does not have', () => {
    writeFileSync(join(dir.path, 'policy.yaml'), 'secret: s3cret-for-tests\nrules:\n  - match: Customer.Emial\n    transform: email\n');
    const r = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--mask', 'policy.yaml']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_POLICY_UNKNOWN_COLUMN');
    expect(r.stderr).toContain('Customer.Emial');
    expect(existsSync(join(dir.path, 'dst.db'))).toBe(false);
  });

  it('a table that is not there, a malformed --where, and --resume outside a repository', () => {
    const missing = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Artist,Nope']);
    expect(errorCode(missing)).toBe('REDB_CLONE_TABLE_MISSING');
    expect(missing.stderr).toContain('Nope');
    const where = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--where', 'ArtistId > 3']);
    expect(errorCode(where)).toBe('REDB_USAGE');
    expect(existsSync(join(dir.path, 'dst.db'))).toBe(false);

    const outside = tempDir('redb-norepo-');
    try {
      const file = chinookCopy(outside.path, 'src.db');
      const r = redb(outside.path, ['clone', `sqlite:${file}`, 'sqlite:dst.db', '--resume']);
      expect(errorCode(r)).toBe('REDB_USAGE');
      expect(r.stderr).toContain('repository');
      // Without --resume a clone runs outside a repository too (no checkpoints kept).
      redbOk(outside.path, ['clone', `sqlite:${file}`, 'sqlite:dst.db', '--tables', 'Genre']);
      expect(sqliteQuery<{ n: number }>(join(outside.path, 'dst.db'), 'SELECT count(*) AS n FROM Genre')[0]?.n).toBe(25);
    } finally {
      outside.cleanup();
    }
  });
});

describe('clone names types it cannot map, and lossy choices (real PostgreSQL)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  beforeAll(async () => {
    dir = tempDir('redb-clone-types-');
    redbOk(dir.path, ['init']);
    source = await postgresEngine.create();
    await pgExec(source.url, "CREATE TABLE places (id int PRIMARY KEY, name text, spot point, at timestamptz); INSERT INTO places VALUES (1, 'home', point(1, 2), now()); CREATE TABLE prices (id int PRIMARY KEY, amount numeric(10,2)); INSERT INTO prices VALUES (1, 9.99);");
  });
  afterAll(async () => {
    await source?.drop();
    dir?.cleanup();
  });

  it('a type with no mapping is an error naming the table and column', () => {
    const r = redbPw(dir.path, ['clone', envUrl(source.url), 'sqlite:out.db']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_TYPE_UNMAPPED');
    expect(r.stderr).toContain('public.places.spot');
    expect(r.stderr).toContain('point');
    expect(existsSync(join(dir.path, 'out.db'))).toBe(false);
  });

  it('lossy translations are listed and need --allow lossy (exit 3)', () => {
    const r = redbPw(dir.path, ['clone', envUrl(source.url), 'sqlite:out.db', '--tables', 'prices', '--json']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('REDB_CLONE_LOSSY');
    expect(r.stderr).toContain('public.prices.amount: numeric(10,2) → NUMERIC(10,2)');
    expect(r.stderr).toContain('--allow lossy');
    expect(existsSync(join(dir.path, 'out.db'))).toBe(false);
    // With it, even the unmapped type travels, as text.
    const lossy = redbPw(dir.path, ['clone', envUrl(source.url), 'sqlite:out.db', '--allow', 'lossy']);
    expect(lossy.code, lossy.stderr).toBe(0);
    expect(sqliteQuery(join(dir.path, 'out.db'), 'SELECT id, name, spot FROM places')).toEqual([{ id: 1, name: 'home', spot: '(1,2)' }]);
    expect(sqliteQuery(join(dir.path, 'out.db'), 'SELECT amount FROM prices')).toEqual([{ amount: 9.99 }]);
  });
});
