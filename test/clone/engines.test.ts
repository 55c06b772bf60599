import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, errorCode, redb, redbOk } from '../support/cli.js';
import { duckdbRows, withDuckdb } from '../support/duckdb.js';
import { mysqlEngine, mysqlRows, mysqlScriptConnection } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, PASSWORD_ENV, redbPw, sqliteQuery } from './helpers.js';

/** Clone and SIGKILL it once `rows` rows of `table` are in. */
function killedAt(cwd: string, args: readonly string[], table: string, rows: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.startsWith('{"type":"table"'))) {
        const e = JSON.parse(line) as { table: string; rows: number };
        if (!sent && e.table === table && e.rows >= rows) {
          sent = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => (sent ? resolve() : reject(new Error(`the clone ended before it was killed: ${stderr}`))));
  });
}

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
  const dir = tempDir('redb-engines-');
  cleanups.push(() => dir.cleanup());
  redbOk(dir.path, ['init']);
  return dir.path;
};
const url = (db: ScratchDb): string => (/^(sqlite|duckdb):/.test(db.url) ? db.url : envUrl(db.url));

describe('clone and verify across the engines’ real differences (real servers)', () => {
  it('SQLite → DuckDB: a killed clone resumes (the tables it created are found again)', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => sqliteEngine.create());
    await source.exec(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) INSERT INTO t SELECT i, 'v' || i FROM n;`,
    );
    const target = join(cwd, 'copy.duckdb');
    const args = ['clone', source.url, `duckdb:${target}`, '--batch-rows', '500'];
    await killedAt(cwd, args, 't', 5_000);
    const resumed = redb(cwd, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await duckdbRows(target, 'SELECT count(*) AS n, count(DISTINCT id) AS d, sum(id) AS s FROM t')).toEqual([
      { n: '60000', d: '60000', s: String((60000 * 60001) / 2) },
    ]);
  });

  for (const engine of ['postgres', 'duckdb'] as const) {
    it(`--truncate into ${engine} when other target tables refer to the copied ones: refused while they hold rows, done otherwise`, {
      timeout: 180_000,
    }, async () => {
      const cwd = project();
      const source = await scratch(() => sqliteEngine.create());
      await source.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
        INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c');
        INSERT INTO child VALUES (10, 1), (11, 2), (12, 3);`);
      const target =
        engine === 'postgres'
          ? await scratch(() => postgresEngine.create())
          : {
              url: `duckdb:${join(cwd, 'copy.duckdb')}`,
              exec: (sql: string) => withDuckdb(join(cwd, 'copy.duckdb'), async (run) => void (await run(sql))),
              drop: async () => undefined,
            };
      const query = async (sql: string) =>
        engine === 'postgres' ? pgQuery<Record<string, unknown>>(target.url, sql) : duckdbRows(join(cwd, 'copy.duckdb'), sql);
      redbOk(cwd, ['clone', source.url, url(target), '--allow', 'lossy'], PASSWORD_ENV);
      // Both copied tables, referring to each other, are emptied in an order the engine takes.
      const both = redbPw(cwd, ['clone', source.url, url(target), '--allow', 'lossy', '--truncate', '--yes']);
      expect(both.code, both.stderr).toBe(0);

      await target.exec(
        `CREATE TABLE outside (id bigint PRIMARY KEY, parent_id bigint REFERENCES ${engine === 'postgres' ? 'public.' : ''}parent (id)); INSERT INTO outside VALUES (100, 2);`,
      );
      const refused = redbPw(cwd, ['clone', source.url, url(target), '--tables', 'parent,child', '--allow', 'lossy', '--truncate', '--yes']);
      expect(refused.code).toBe(1);
      expect(errorCode(refused)).toBe('REDB_CLONE_TRUNCATE_REFERENCED');
      expect(refused.stderr).toMatch(/outside \(1 row\)/);
      expect((await query('SELECT count(*) AS n FROM parent'))[0]?.n).toBe(engine === 'postgres' ? '3' : '3');

      await target.exec('DELETE FROM outside');
      const done = redbPw(cwd, ['clone', source.url, url(target), '--tables', 'parent,child', '--allow', 'lossy', '--truncate', '--yes']);
      expect(done.code, done.stderr).toBe(0);
      expect((await query('SELECT count(*) AS n FROM child'))[0]?.n).toBe('3');
    });
  }

  it('SQLite text PRIMARY KEY → MariaDB: a key-able varchar, listed as lossy by show --as and clone, and the copy verifies', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => sqliteEngine.create());
    await source.exec(`CREATE TABLE k (code text PRIMARY KEY, v text);
      CREATE TABLE r (id integer PRIMARY KEY, code text REFERENCES k (code));
      CREATE INDEX k_v ON k (v);
      INSERT INTO k VALUES ('alpha', 'one'), ('beta', 'two');
      INSERT INTO r VALUES (1, 'alpha'), (2, 'beta');`);
    const target = await scratch(() => mysqlEngine.create());
    redbOk(cwd, ['db', 'add', 's', source.url]);
    const show = redbOk(cwd, ['show', 'db:s', '--as', 'mysql']);
    expect(show.stdout).toMatch(/`code` varchar\(768\)/);
    expect(show.stderr).toMatch(/column k\.code\s+text → varchar\(768\)\s+it is part of a key/i);
    expect(show.stderr).toMatch(/column r\.code\s+text → varchar\(768\)/i);
    expect(show.stderr).toMatch(/index k\.k_v\s+\(v\) → \(v\(768\)\)/);

    const strict = redbPw(cwd, ['clone', 's', url(target)]);
    expect(strict.code).toBe(3);
    expect(errorCode(strict)).toBe('REDB_CLONE_LOSSY');
    expect(strict.stderr).toContain('column k.code');
    expect(await mysqlRows(target, 'SHOW TABLES')).toEqual([]);

    const r = redbPw(cwd, ['clone', 's', url(target), '--allow', 'lossy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(cloneResult(r).verify?.every((v) => v.match)).toBe(true);
    const types = await mysqlRows<{ t: string; c: string; ty: string }>(
      target,
      "SELECT table_name AS t, column_name AS c, column_type AS ty FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'code' ORDER BY table_name",
    );
    expect(types.map((x) => [x.t, x.ty])).toEqual([
      ['k', 'varchar(768)'],
      ['r', 'varchar(768)'],
    ]);
  });

  it('a MariaDB target whose default character set is latin1 takes text of any script (tables are created utf8mb4)', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => postgresEngine.create());
    await source.exec(`CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL, label varchar(20));
      INSERT INTO note VALUES (1, '日本語のテキスト', 'Ωμέγα'), (2, 'Привет, мир 🌍', 'ascii'), (3, 'plain', NULL);`);
    const target = await scratch(() => mysqlEngine.create());
    const database = decodeURIComponent(new URL(target.url).pathname.slice(1));
    const admin = await mysqlScriptConnection();
    await admin.query(`ALTER DATABASE \`${database}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    await admin.end();
    const r = redbPw(cwd, ['clone', url(source), url(target), '--allow', 'lossy']);
    expect(r.code, r.stderr).toBe(0);
    expect(await mysqlRows(target, 'SELECT body, label FROM note ORDER BY id')).toEqual([
      { body: '日本語のテキスト', label: 'Ωμέγα' },
      { body: 'Привет, мир 🌍', label: 'ascii' },
      { body: 'plain', label: null },
    ]);
    expect(redbPw(cwd, ['verify', url(source), url(target)]).code).toBe(0);
  });

  it('names a case-insensitive target cannot tell apart are refused up front, naming the clash, and nothing is created', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => postgresEngine.create());
    await source.exec(`CREATE TABLE "Foo" (id int PRIMARY KEY); CREATE TABLE foo (id int PRIMARY KEY);
      CREATE TABLE "Mixed" ("A" int, a int);`);
    for (const target of ['sqlite:foo.db', 'duckdb:foo.duckdb']) {
      const r = redbPw(cwd, ['clone', url(source), target, '--tables', 'Foo,foo', '--allow', 'lossy']);
      expect(r.code, r.stderr).toBe(1);
      expect(errorCode(r)).toBe('REDB_NAME_CLASH');
      expect(r.stderr).toMatch(/table (\w+\.)?foo differs only in case from table (\w+\.)?Foo/);
      expect(existsSync(join(cwd, target.replace(/^\w+:/, '')))).toBe(false);
    }
    // Columns fold on MariaDB, SQLite and DuckDB alike.
    const mysql = await scratch(() => mysqlEngine.create());
    const cols = redbPw(cwd, ['clone', url(source), url(mysql), '--tables', 'Mixed', '--allow', 'lossy']);
    expect(errorCode(cols)).toBe('REDB_NAME_CLASH');
    expect(cols.stderr).toContain('column Mixed.a differs only in case from column Mixed.A');
    expect(await mysqlRows(mysql, 'SHOW TABLES')).toEqual([]);
  });

  it('index names that are per table in MariaDB but per schema in PostgreSQL are refused before anything is created', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => mysqlEngine.create());
    await source.exec(
      'CREATE TABLE a (id int PRIMARY KEY, name varchar(20), KEY ix_name (name)); CREATE TABLE b (id int PRIMARY KEY, name varchar(20), KEY ix_name (name));',
    );
    const target = await scratch(() => postgresEngine.create());
    const r = redbPw(cwd, ['clone', url(source), url(target), '--allow', 'lossy']);
    expect(errorCode(r)).toBe('REDB_NAME_CLASH');
    expect(r.stderr).toContain('index ix_name of public.b has the same name as index ix_name of public.a');
    expect(await pgQuery(target.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
  });

  it('verify --mask compares the source’s values masked by the policy with a masked copy', { timeout: 180_000 }, async () => {
    const cwd = project();
    const source = await scratch(() => postgresEngine.create());
    await source.exec(`CREATE TABLE customer (id int PRIMARY KEY, email text NOT NULL, phone text, note text);
      INSERT INTO customer SELECT i, 'c' || i || '@example.com', '+33 6 12 34 56 ' || lpad((i % 100)::text, 2, '0'), 'n' || i FROM generate_series(1, 500) i;
      CREATE TABLE secret (id int PRIMARY KEY, v text); INSERT INTO secret VALUES (1, 'x');`);
    writeFileSync(
      join(cwd, 'mask.yaml'),
      'secret: env:MASK_SECRET\nrules:\n  - match: customer.email\n    transform: email\n  - match: customer.phone\n    transform: phone\ndeny: [customer.note, secret]\n',
    );
    const env = { MASK_SECRET: 'a-secret-used-only-by-this-test' };
    const copied = redbPw(cwd, ['clone', url(source), 'sqlite:masked.db', '--mask', 'mask.yaml', '--json'], env);
    expect(copied.code, copied.stderr).toBe(0);
    expect(cloneResult(copied).verify?.map((v) => [v.table, v.match, v.countsOnly])).toEqual([['public.customer', true, false]]);
    expect(
      sqliteQuery<{ n: number }>(join(cwd, 'masked.db'), "SELECT count(*) AS n FROM customer WHERE email = 'c' || id || '@example.com' OR note IS NOT NULL")[0]
        ?.n,
    ).toBe(0);

    const plain = redbPw(cwd, ['verify', url(source), 'sqlite:masked.db', '--tables', 'customer']);
    expect(plain.code).toBe(1);
    expect(errorCode(plain)).toBe('REDB_VERIFY_MISMATCH');
    const masked = redbPw(cwd, ['verify', url(source), 'sqlite:masked.db', '--mask', 'mask.yaml', '--json'], env);
    expect(masked.code, masked.stderr).toBe(0);
    const result = JSON.parse(masked.stdout) as { tables: { table: string; match: boolean; masked?: boolean; sourceRows: number }[]; denied: string[] };
    expect(result.tables.map((t) => [t.table, t.match, t.masked, t.sourceRows])).toEqual([['public.customer', true, true, 500]]);
    expect(result.denied).toEqual(['public.secret']);
    // Another secret masks otherwise: the comparison then fails, as it must.
    const wrong = redbPw(cwd, ['verify', url(source), 'sqlite:masked.db', '--mask', 'mask.yaml'], { MASK_SECRET: 'not-the-secret-the-copy-was-made-with' });
    expect(errorCode(wrong)).toBe('REDB_VERIFY_MISMATCH');
  });
});
