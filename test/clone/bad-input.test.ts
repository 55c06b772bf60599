import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { chinookCopy, errorCode, redb, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, redbPw, sqliteQuery } from './helpers.js';

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

  it('a database cloned into itself, however its path is spelled, is refused and keeps its rows', () => {
    symlinkSync(join(dir.path, 'src.db'), join(dir.path, 'alias.db'));
    for (const other of ['sqlite:./src.db', 'sqlite:alias.db', `sqlite:${join(dir.path, 'src.db')}`]) {
      const r = redb(dir.path, ['clone', 'sqlite:src.db', other, '--truncate', '--yes']);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_CLONE_SAME_DATABASE');
      expect(r.stderr).toContain('nothing was changed');
    }
    expect(sqliteQuery<{ n: number }>(join(dir.path, 'src.db'), 'SELECT count(*) AS n FROM Track')[0]?.n).toBe(3503);
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

describe('--where conditions are checked on the source before anything is written (SQLite)', () => {
  let dir: ReturnType<typeof tempDir>;
  let src: string;
  beforeEach(() => {
    dir = tempDir('redb-clone-where-');
    src = chinookCopy(dir.path, 'src.db');
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());
  const dst = () => join(dir.path, 'dst.db');

  it('a condition the engine cannot resolve names the table and the engine’s complaint, for clone and verify', () => {
    const r = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--where', 'Track:Bogus > 1']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_WHERE_INVALID');
    expect(r.stderr).toContain('--where for Track');
    expect(r.stderr).toContain('no such column: Bogus');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dst())).toBe(false);

    redbOk(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Genre']);
    const v = redb(dir.path, ['verify', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Genre', '--where', 'Genre:Name >>> 1']);
    expect(v.code).toBe(1);
    expect(errorCode(v)).toBe('REDB_CLONE_WHERE_INVALID');
    expect(v.stderr).toContain('syntax error');
  });

  it('a condition that would strand referring rows is refused with their counts and a --where that fits', () => {
    const cut = 'Milliseconds > 300000';
    // What the refusal must report, counted here straight from the source.
    const stranded = (child: string) =>
      sqliteQuery<{ n: number }>(src, `SELECT count(*) AS n FROM ${child} WHERE TrackId NOT IN (SELECT TrackId FROM Track WHERE ${cut})`)[0]?.n;
    expect(stranded('InvoiceLine')).toBeGreaterThan(0);
    const r = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--where', `Track:${cut}`]);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_WHERE_BREAKS_KEY');
    expect(r.stderr).toContain(`${stranded('InvoiceLine')} rows of InvoiceLine (foreign key InvoiceLine(TrackId) → Track(TrackId))`);
    expect(r.stderr).toContain(`${stranded('PlaylistTrack')} rows of PlaylistTrack (foreign key PlaylistTrack(TrackId) → Track(TrackId))`);
    expect(existsSync(dst())).toBe(false);

    // The conditions the hint offers, taken as they are, give a copy whose foreign keys hold.
    const offered = [...r.stderr.matchAll(/--where '([^']+)'/g)].map((m) => m[1] as string);
    expect(offered.map((w) => w.split(':')[0])).toEqual(['InvoiceLine', 'PlaylistTrack']);
    const ok = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--json', '--where', `Track:${cut}`, ...offered.flatMap((w) => ['--where', w])]);
    expect(ok.code, ok.stderr).toBe(0);
    const tracks = sqliteQuery<{ n: number }>(src, `SELECT count(*) AS n FROM Track WHERE ${cut}`)[0]?.n;
    expect(sqliteQuery<{ n: number }>(dst(), 'SELECT count(*) AS n FROM Track')[0]?.n).toBe(tracks);
    expect(sqliteQuery(dst(), 'PRAGMA foreign_key_check')).toEqual([]);
    expect(sqliteQuery<{ table: string }>(dst(), 'SELECT "table" FROM pragma_foreign_key_list(\'InvoiceLine\')').map((f) => f.table)).toContain('Track');
  });

  it('a row the target refuses during the copy is named with the table and how to go on', () => {
    const db = new Sqlite(dst());
    db.exec('CREATE TABLE Genre (GenreId INTEGER PRIMARY KEY, Name NVARCHAR(120) CHECK (length(Name) < 10))');
    db.close();
    const r = redb(dir.path, ['clone', 'sqlite:src.db', 'sqlite:dst.db', '--tables', 'Genre', '--data-only']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_COPY_FAILED');
    expect(r.stderr).toContain('copying Genre');
    expect(r.stderr).toContain('CHECK constraint failed');
    expect(r.stderr).toContain('--resume');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('clone names types it cannot map, and lossy choices (real PostgreSQL)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  beforeAll(async () => {
    dir = tempDir('redb-clone-types-');
    redbOk(dir.path, ['init']);
    source = await postgresEngine.create();
    await pgExec(
      source.url,
      "CREATE TABLE places (id int PRIMARY KEY, name text, spot point, at timestamptz); INSERT INTO places VALUES (1, 'home', point(1, 2), now()); CREATE TABLE prices (id int PRIMARY KEY, amount numeric(10,2)); INSERT INTO prices VALUES (1, 9.99);",
    );
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

describe('a key the target cannot build after the load is named, with the rows left in (PostgreSQL → MariaDB)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  let target: ScratchDb;
  beforeAll(async () => {
    dir = tempDir('redb-clone-finish-');
    redbOk(dir.path, ['init']);
    source = await postgresEngine.create();
    target = await mysqlEngine.create();
    // Distinct to PostgreSQL; the same to MariaDB's case-insensitive default collation.
    await pgExec(
      source.url,
      "CREATE TABLE code (id int PRIMARY KEY, code varchar(10) NOT NULL); CREATE UNIQUE INDEX code_code ON code (code); INSERT INTO code VALUES (1, 'abc'), (2, 'ABC');",
    );
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    dir?.cleanup();
  });

  it('the same server database under another host name or the same URL is refused, on PostgreSQL and MariaDB', async () => {
    const alias = source.url.replace('@127.0.0.1:', '@localhost:');
    expect(alias).not.toBe(source.url);
    const pg = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(alias), '--truncate', '--yes']);
    expect(errorCode(pg), pg.stderr).toBe('REDB_CLONE_SAME_DATABASE');
    const my = redbPw(dir.path, ['clone', envUrl(target.url), envUrl(target.url), '--truncate', '--yes']);
    expect(errorCode(my), my.stderr).toBe('REDB_CLONE_SAME_DATABASE');
    expect(await pgQuery(source.url, 'SELECT count(*)::int AS n FROM code')).toEqual([{ n: 2 }]);
  });

  it('REDB_CLONE_FINISH_FAILED says the rows are in, which statement failed, and how to go on', async () => {
    const r = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--allow', 'lossy']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_FINISH_FAILED');
    expect(r.stderr).toContain('the rows are in');
    expect(r.stderr).toContain('CREATE UNIQUE INDEX `code_code`');
    expect(r.stderr).toContain('Duplicate entry');
    expect(r.stderr).toContain('--resume');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await mysqlRows(target, 'SELECT id, code FROM code ORDER BY id')).toEqual([
      { id: 1, code: 'abc' },
      { id: 2, code: 'ABC' },
    ]);

    // As the hint says: once the cause is fixed, --resume keeps the rows and adds what is missing.
    await mysqlRows(target, 'ALTER TABLE code MODIFY code varchar(10) COLLATE utf8mb4_bin NOT NULL');
    const resumed = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--allow', 'lossy', '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(cloneResult(resumed).verify?.every((c) => c.match)).toBe(true);
    expect(
      await mysqlRows(target, "SELECT non_unique AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'code_code'"),
    ).toEqual([{ n: 0 }]);
  });
});
