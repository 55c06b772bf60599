import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, PASSWORD_ENV, redbPw } from './helpers.js';

/**
 * Limits are checked before anything is written: identifier lengths, columns per table, row and
 * key sizes and packet sizes of the target, by commit (the schema's own engine), migrate and clone.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const scratch = async (make: () => Promise<ScratchDb>): Promise<ScratchDb> => {
  const db = await make();
  cleanups.push(() => db.drop());
  return db;
};
const project = (): string => {
  const dir = tempDir('redb-limits-');
  cleanups.push(() => dir.cleanup());
  redbOk(dir.path, ['init']);
  return dir.path;
};
const url = (db: ScratchDb): string => (/^(sqlite|duckdb):/.test(db.url) ? db.url : envUrl(db.url));
const columns = (n: number, type: string) => Array.from({ length: n }, (_, i) => `c${i} ${type}`).join(', ');
const LONG = `${'x'.repeat(60)}_col`; // 64 characters and bytes

/** A column added at the end of a table's file in the working tree, as a person would write it. */
function addColumn(cwd: string, file: string, name: string): void {
  const path = join(cwd, 'schema', 'tables', file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.indexOf('columns:');
  const end = lines.findIndex((l, i) => i > start && l !== '' && !l.startsWith(' '));
  lines.splice(end === -1 ? lines.length : end, 0, `  - name: ${name}`, '    type: {kind: integer, native: integer, bits: 32}', '    nullable: true');
  writeFileSync(path, lines.join('\n'));
}

describe('identifier lengths (real PostgreSQL)', () => {
  it('a 64-byte column name: lint flags it, commit and migrate refuse it, the database is left as it was', { timeout: 240_000 }, async () => {
    const cwd = project();
    const db = await scratch(() => postgresEngine.create());
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT i, i FROM generate_series(1, 100) i;');
    redbOk(cwd, ['db', 'add', 'pg', url(db)]);
    redbOk(cwd, ['pull', 'pg'], PASSWORD_ENV);
    redbOk(cwd, ['commit', '-m', 'initial']);
    addColumn(cwd, 'public.t.yaml', LONG);

    const lint = redb(cwd, ['lint', '--format', 'json']);
    expect(lint.code).toBe(3);
    expect((JSON.parse(lint.stdout) as { findings: { rule: string; message: string }[] }).findings).toContainEqual(
      expect.objectContaining({ rule: 'name-too-long', message: expect.stringContaining('is 64 bytes long') }),
    );

    const commit = redb(cwd, ['commit', '-m', 'long name']);
    expect(commit.code).toBe(1);
    expect(errorCode(commit)).toBe('REDB_LIMIT_EXCEEDED');
    expect(commit.stderr).toContain(`column public.t.${LONG} is 64 bytes long: PostgreSQL identifiers are at most 63 bytes`);
    expect(commit.stderr).toContain('nothing was committed');
    expect(redbOk(cwd, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);

    const migrate = redbPw(cwd, ['migrate', 'pg', '--to', 'working', '--allow', 'all', '--yes']);
    expect(migrate.code).toBe(1);
    expect(errorCode(migrate)).toBe('REDB_LIMIT_EXCEEDED');
    expect(migrate.stderr).toContain('nothing was changed');
    expect(await pgQuery(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position")).toEqual([
      { column_name: 'id' },
      { column_name: 'v' },
    ]);

    // Bytes, not characters: 32 × 'é' is 64 bytes. A 63-byte name goes through.
    addColumn(cwd, 'public.t.yaml', 'é'.repeat(32));
    expect(errorCode(redb(cwd, ['commit', '-m', 'accents']))).toBe('REDB_LIMIT_EXCEEDED');
    const path = join(cwd, 'schema', 'tables', 'public.t.yaml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replace(`${LONG}`, 'x'.repeat(63))
        .replace(`  - name: ${'é'.repeat(32)}\n    type: {kind: integer, native: integer, bits: 32}\n    nullable: true\n`, ''),
    );
    redbOk(cwd, ['commit', '-m', '63 bytes']);
    redbOk(cwd, ['migrate', 'pg', '--allow', 'all', '--yes'], PASSWORD_ENV);
    expect(redbPw(cwd, ['status', '--exit-code']).code).toBe(0);
  });

  it('clone refuses names the target would cut or refuse: SQLite → PostgreSQL (64 bytes), SQLite → MariaDB (65 characters)', { timeout: 120_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => sqliteEngine.create());
    await source.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, "${LONG}" INTEGER); CREATE TABLE u (id INTEGER PRIMARY KEY, "${LONG}y" INTEGER);`);
    const pg = await scratch(() => postgresEngine.create());
    const toPg = redbPw(cwd, ['clone', source.url, url(pg), '--tables', 't', '--allow', 'lossy']);
    expect(errorCode(toPg)).toBe('REDB_LIMIT_EXCEEDED');
    expect(toPg.stderr).toContain(`column public.t.${LONG} is 64 bytes long`);
    expect(await pgQuery(pg.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
    const my = await scratch(() => mysqlEngine.create());
    const toMy = redbPw(cwd, ['clone', source.url, url(my), '--allow', 'lossy']);
    expect(errorCode(toMy)).toBe('REDB_LIMIT_EXCEEDED');
    expect(toMy.stderr).toContain(`column u.${LONG}y is 65 characters long: MariaDB/MySQL identifiers are at most 64 characters`);
    expect(await mysqlRows(my, 'SHOW TABLES')).toEqual([]);
  });
});

describe('columns, rows, keys and packets (real MariaDB)', () => {
  it('1,600 columns from PostgreSQL: refused before CREATE names the table and InnoDB’s 1,017', async () => {
    const cwd = project();
    const source = await scratch(() => postgresEngine.create());
    await source.exec(`CREATE TABLE wide (id int PRIMARY KEY, ${columns(1599, 'int')})`);
    const target = await scratch(() => mysqlEngine.create());
    const r = redbPw(cwd, ['clone', url(source), url(target), '--allow', 'lossy']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_LIMIT_EXCEEDED');
    expect(r.stderr).toContain('table wide has 1600 columns: an InnoDB table has at most 1017');
    expect(await mysqlRows(target, 'SHOW TABLES')).toEqual([]);
  });

  it('rows too large for InnoDB or for the server are refused; rows just within are copied (the estimate matches the server)', {
    timeout: 120_000,
  }, async () => {
    const cwd = project();
    const source = await scratch(() => postgresEngine.create());
    await source.exec(`CREATE TABLE fits (id int PRIMARY KEY, ${columns(32, 'varchar(60)')});
      CREATE TABLE inpage (id int PRIMARY KEY, ${columns(34, 'varchar(60)')});
      CREATE TABLE server (id int PRIMARY KEY, ${columns(200, 'varchar(100)')});
      INSERT INTO fits (id, c0, c31) VALUES (1, 'a', 'b');`);
    const target = await scratch(() => mysqlEngine.create());
    const inpage = redbPw(cwd, ['clone', url(source), url(target), '--tables', 'inpage', '--allow', 'lossy']);
    expect(errorCode(inpage)).toBe('REDB_LIMIT_EXCEEDED');
    expect(inpage.stderr).toMatch(/table inpage needs an InnoDB record of up to \d+ bytes: an InnoDB record holds at most 8126 bytes/);
    const server = redbPw(cwd, ['clone', url(source), url(target), '--tables', 'server', '--allow', 'lossy']);
    expect(server.stderr).toMatch(/table server needs rows of up to \d+ bytes: a MariaDB\/MySQL row holds at most 65535 bytes/);
    expect(await mysqlRows(target, 'SHOW TABLES')).toEqual([]);
    const fits = redbPw(cwd, ['clone', url(source), url(target), '--tables', 'fits', '--allow', 'lossy']);
    expect(fits.code, fits.stderr).toBe(0);
  });

  it('a value larger than the server’s max_allowed_packet is refused before anything is written', { timeout: 120_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => sqliteEngine.create());
    const big = 'x'.repeat(17 * 1024 * 1024);
    await source.exec(`CREATE TABLE doc (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO doc VALUES (1, 'small'), (2, '${big}'), (3, 'small');`);
    const target = await scratch(() => mysqlEngine.create());
    const r = redbPw(cwd, ['clone', url(source), url(target)]);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_VALUE_TOO_LARGE');
    expect(r.stderr).toContain('1 row of doc holds a body value larger than');
    expect(r.stderr).toContain('max_allowed_packet = ');
    expect(await mysqlRows(target, 'SHOW TABLES')).toEqual([]);
    // Without that row the same clone goes through.
    const rest = redbPw(cwd, ['clone', url(source), url(target), '--where', 'doc:id <> 2']);
    expect(rest.code, rest.stderr).toBe(0);
  });

  it('DuckDB lists of lists that PostgreSQL arrays cannot hold are refused before anything is written; the rows that fit go with the --where it gives', {
    timeout: 120_000,
  }, async () => {
    const cwd = project();
    const source = await scratch(() => duckdbEngine.create());
    await source.exec(`CREATE TABLE grids (id INTEGER PRIMARY KEY, g INTEGER[][], h VARCHAR[][][]);
      INSERT INTO grids VALUES (1, [[1, 2], [3, 4]], [[['a']], [['b']]]), (2, [[1, 2], [3]], NULL), (3, [[1], NULL], [[['a']], [['b', 'c']]]),
        (4, [[], []], NULL), (5, [], [[[NULL]]]), (6, NULL, NULL), (7, [[NULL, 5], [6, NULL]], [[['x', 'y']]]);
      CREATE TABLE even (id INTEGER PRIMARY KEY, g INTEGER[][]);
      INSERT INTO even VALUES (1, [[1, 2], [3, 4]]), (2, [[7], [8]]);`);
    const target = await scratch(() => postgresEngine.create());
    const tables = `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`;
    const r = redbPw(cwd, ['clone', url(source), url(target), '--json']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_CLONE_UNEVEN_ARRAY');
    expect(r.stderr).toContain('3 rows of grids hold lists in g whose sub-lists differ in length or are NULL or empty; 1 row of grids holds a list in h whose');
    expect(await pgQuery<{ n: number }>(target.url, tables)).toEqual([{ n: 0 }]);
    // The hint's --where, as printed, copies the rest.
    const where = /--where '([^']+)'/.exec(r.stderr)?.[1] as string;
    expect(where).toMatch(/^grids:NOT /);
    const rest = redbPw(cwd, ['clone', url(source), url(target), '--where', where]);
    expect(rest.code, rest.stderr).toBe(0);
    expect(await pgQuery(target.url, 'SELECT id, g::text, h::text FROM grids ORDER BY id')).toEqual([
      { id: 1, g: '{{1,2},{3,4}}', h: '{{{a}},{{b}}}' },
      { id: 5, g: '{}', h: '{{{NULL}}}' },
      { id: 6, g: null, h: null },
      { id: 7, g: '{{NULL,5},{6,NULL}}', h: '{{{x,y}}}' },
    ]);
    expect(await pgQuery(target.url, 'SELECT id, g::text FROM even ORDER BY id')).toEqual([
      { id: 1, g: '{{1,2},{3,4}}' },
      { id: 2, g: '{{7},{8}}' },
    ]);
    // Into an engine that holds them as JSON, every list goes as it is.
    const sqlite = join(cwd, 'lists.db');
    const asJson = redbPw(cwd, ['clone', url(source), `sqlite:${sqlite}`, '--allow', 'lossy']);
    expect(asJson.code, asJson.stderr).toBe(0);
  });

  it('commit of a MariaDB schema with more columns than InnoDB takes is refused', { timeout: 120_000 }, async () => {
    const cwd = project();
    const db = await scratch(() => mysqlEngine.create());
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    redbOk(cwd, ['db', 'add', 'my', url(db)]);
    redbOk(cwd, ['pull', 'my'], PASSWORD_ENV);
    redbOk(cwd, ['commit', '-m', 'initial']);
    const file = readdirSync(join(cwd, 'schema', 'tables'))[0] as string;
    for (let i = 0; i < 1017; i++) addColumn(cwd, file, `c${i}`);
    const r = redb(cwd, ['commit', '-m', 'too wide']);
    expect(errorCode(r)).toBe('REDB_LIMIT_EXCEEDED');
    expect(r.stderr).toContain('table t has 1018 columns: an InnoDB table has at most 1017');
  });
});

describe('tables of more than 100 columns are verified on every engine (real servers)', () => {
  it('1,000 columns: PostgreSQL → MariaDB → SQLite → DuckDB → PostgreSQL, each clone and verify equal', { timeout: 300_000 }, async () => {
    const cwd = project();
    const pg = await scratch(() => postgresEngine.create());
    await pg.exec(`CREATE TABLE wide (id int PRIMARY KEY, ${columns(999, 'int')});
      INSERT INTO wide SELECT i, ${Array.from({ length: 999 }, (_, c) => `CASE WHEN (i + ${c}) % 7 = 0 THEN NULL ELSE i * ${c} END`).join(', ')} FROM generate_series(1, 40) i;`);
    const my = await scratch(() => mysqlEngine.create());
    const sqlite = await scratch(() => sqliteEngine.create());
    const duck = await scratch(() => duckdbEngine.create());
    const back = await scratch(() => postgresEngine.create());
    const chain = [pg, my, sqlite, duck, back].map(url);
    for (let i = 1; i < chain.length; i++) {
      const r = redbPw(cwd, ['clone', chain[i - 1] as string, chain[i] as string, '--allow', 'lossy', '--json']);
      expect(r.code, `${chain[i - 1]} → ${chain[i]}: ${r.stderr}`).toBe(0);
      expect(cloneResult(r).verify).toEqual([expect.objectContaining({ table: expect.stringMatching(/wide$/), match: true, sourceRows: 40, targetRows: 40 })]);
    }
    // Each engine against each other one, computed by the servers where they can.
    for (const [a, b] of [
      [chain[0], chain[2]],
      [chain[1], chain[3]],
      [chain[0], chain[4]],
      [chain[1], chain[1]],
      [chain[3], chain[3]],
    ] as const) {
      const v = redbPw(cwd, ['verify', a as string, b as string, '--json']);
      expect(v.code, `${a} vs ${b}: ${v.stderr}`).toBe(0);
    }
  });
});
