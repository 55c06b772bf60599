import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import type { Query } from '../../src/adapters/mysql/catalog-queries.js';
import { mysqlAdapter, parseMysqlUrl } from '../../src/adapters/mysql/index.js';
import { introspectMysql } from '../../src/adapters/mysql/introspect.js';
import { isRedbError } from '../../src/errors.js';
import { diffSchemas, emptySchema, normalizeSchema, type Schema } from '../../src/unified/index.js';
import { mysqlEngine, mysqlUrlFor } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isRedbError(e) ? e.code : String(e)),
  );

describe('connecting to a real MariaDB server', () => {
  const scratch: ScratchDb[] = [];
  afterEach(async () => {
    for (const db of scratch.splice(0)) await db.drop();
  });

  it('reports a server that does not answer as REDB_DB_UNREACHABLE', async () => {
    expect(await codeOf(mysqlAdapter.connect({ name: 'nowhere', url: 'mysql://redb@127.0.0.1:1/app', cwd: '.' }))).toBe('REDB_DB_UNREACHABLE');
  });

  it('reports a missing database and wrong credentials as REDB_DB_UNREACHABLE', async () => {
    expect(await codeOf(mysqlAdapter.connect({ name: 'missing', url: mysqlUrlFor('redb_no_such_database'), cwd: '.' }))).toBe('REDB_DB_UNREACHABLE');
    const wrong = new URL(mysqlUrlFor('mysql'));
    wrong.password = 'not-the-password';
    expect(await codeOf(mysqlAdapter.connect({ name: 'wrong', url: wrong.toString(), cwd: '.' }))).toBe('REDB_DB_UNREACHABLE');
  });

  it('accepts mariadb:// URLs and reads the database the path names', async () => {
    const db = await mysqlEngine.create();
    scratch.push(db);
    await db.exec('CREATE TABLE t (id INT PRIMARY KEY)');
    const connection = await mysqlAdapter.connect({ name: 'maria', url: db.url.replace(/^mysql:/, 'mariadb:'), cwd: '.' });
    try {
      const schema = await connection.introspect();
      expect(schema.engine).toBe('mysql');
      expect(schema.tables.map((t) => t.name)).toEqual(['t']);
    } finally {
      await connection.close();
    }
  });

  it('reads the catalog with the same number of queries however many tables there are', async () => {
    const small = await mysqlEngine.create();
    const large = await mysqlEngine.create();
    scratch.push(small, large);
    await small.exec('CREATE TABLE t (id INT PRIMARY KEY)');
    const tables = Array.from(
      { length: 25 },
      (_, i) =>
        `CREATE TABLE t${i} (id INT PRIMARY KEY, parent INT, name VARCHAR(20) CHECK (name <> ''), KEY (name),
         FOREIGN KEY (parent) REFERENCES t${i} (id));
       CREATE VIEW v${i} AS SELECT id FROM t${i};
       CREATE TRIGGER tr${i} BEFORE INSERT ON t${i} FOR EACH ROW SET NEW.name = trim(NEW.name);
       CREATE FUNCTION f${i}(x INT) RETURNS INT DETERMINISTIC RETURN x + ${i};`,
    );
    await large.exec(tables.join('\n'));
    const count = async (db: ScratchDb): Promise<{ queries: number; schema: Schema }> => {
      const target = parseMysqlUrl(db.url);
      const connection = await mysql.createConnection({ ...target, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
      let queries = 0;
      const query: Query = async <T>(sql: string, params?: readonly unknown[]) => {
        queries++;
        const [rows] = await connection.query(sql, params === undefined ? undefined : [...params]);
        return rows as T[];
      };
      try {
        const schema = await introspectMysql(query, target.database, 'mariadb');
        return { queries, schema };
      } finally {
        await connection.end();
      }
    };
    const a = await count(small);
    const b = await count(large);
    expect(b.schema.tables).toHaveLength(25);
    expect(b.schema.routines).toHaveLength(25);
    expect(b.queries).toBe(a.queries);
  });
});

describe('the MySQL dialect', () => {
  it('declares non-transactional DDL and no namespaces', () => {
    expect(mysqlAdapter.capabilities).toEqual({
      transactionalDdl: false,
      namespaces: false,
      changeCapture: 'log',
      replicationOrigins: true,
      twoPhaseApply: true,
    });
  });

  it('refuses object kinds MySQL does not have, loudly', () => {
    const to = normalizeSchema({
      version: 1,
      engine: 'mysql',
      enums: [{ name: 'mood', values: ['ok'] }],
      namespaces: [{ name: 'app' }],
    });
    const from = emptySchema('mysql');
    for (const operation of diffSchemas(from, to)) {
      let code: string | undefined;
      try {
        mysqlAdapter.dialect.compile({ operations: [operation], from, to });
      } catch (e) {
        code = isRedbError(e) ? e.code : String(e);
      }
      expect(code).toBe('REDB_PLAN_UNSUPPORTED');
    }
  });

  it('parses mysql:// and mariadb:// URLs, and requires a database', () => {
    expect(parseMysqlUrl('mariadb://app:s%40cret@db.example:3307/shop%20db')).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'app',
      password: 's@cret',
      database: 'shop db',
    });
    expect(parseMysqlUrl('mysql://root@localhost/app')).toMatchObject({ port: 3306, password: undefined, database: 'app' });
    expect(() => parseMysqlUrl('mysql://root@localhost/')).toThrow(/names no database/);
  });
});
