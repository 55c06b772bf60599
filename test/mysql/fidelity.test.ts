import { afterEach, describe, expect, it } from 'vitest';
import { canonicalText, type Schema } from '../../src/unified/index.js';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * What the model once dropped without a word: copied from one database into an empty one, it must
 * read back the same both in the model and in the server's own catalog (SHOW CREATE, SQL_MODE, SRID),
 * and behave the same.
 */
describe('details the model used to lose survive a copy, against a real MariaDB server', () => {
  const scratch: ScratchDb[] = [];
  afterEach(async () => {
    for (const db of scratch.splice(0)) await db.drop();
  });

  async function copy(sql: string): Promise<{ schema: Schema; source: ScratchDb; target: ScratchDb }> {
    const source = await mysqlEngine.create();
    const target = await mysqlEngine.create();
    scratch.push(source, target);
    await source.exec(sql);
    const schema = await introspectUrl(mysqlEngine, source.url);
    const after = await applySchema(mysqlEngine, target, schema);
    expect(canonicalText(after)).toBe(canonicalText(schema));
    return { schema, source, target };
  }

  /** The same catalog query on both databases, with the database name taken out. */
  async function sameOnBoth<T>(source: ScratchDb, target: ScratchDb, sql: (db: string) => string): Promise<T[]> {
    const dbName = (db: ScratchDb) => decodeURIComponent(new URL(db.url).pathname.slice(1));
    const a = await mysqlRows<T>(source, sql(dbName(source)));
    const b = await mysqlRows<T>(target, sql(dbName(target)));
    expect(b).toEqual(a);
    return a;
  }

  const showCreate = async (db: ScratchDb, table: string) =>
    (await mysqlRows<Record<string, string>>(db, `SHOW CREATE TABLE \`${table}\``))[0]?.['Create Table'];

  it('keeps DESC and prefix parts of a primary key', async () => {
    const { schema, source, target } = await copy(`CREATE TABLE p (a VARCHAR(100) NOT NULL, b INT NOT NULL, PRIMARY KEY (a(10), b DESC));
      CREATE TABLE plain (id INT PRIMARY KEY)`);
    expect(schema.tables.find((t) => t.name === 'p')?.primaryKey).toEqual({
      columns: ['a', 'b'],
      keys: [
        { column: 'a', length: 10 },
        { column: 'b', desc: true },
      ],
    });
    // A plain key stays as it always was: no per-column options.
    expect(schema.tables.find((t) => t.name === 'plain')?.primaryKey).toEqual({ columns: ['id'] });
    expect(await showCreate(target, 'p')).toContain('PRIMARY KEY (`a`(10),`b` DESC)');
    expect(await showCreate(target, 'p')).toBe(await showCreate(source, 'p'));
  });

  it('keeps the SRID of spatial columns', async () => {
    const { schema, source, target } = await copy(`CREATE TABLE places (at POINT REF_SYSTEM_ID=4326 NOT NULL, plain GEOMETRY, SPATIAL KEY (at))`);
    expect(schema.tables[0]?.columns.map((c) => c.type.native)).toEqual(['point REF_SYSTEM_ID=4326', 'geometry']);
    const srids = await sameOnBoth(
      source,
      target,
      (db) => `SELECT G_GEOMETRY_COLUMN AS c, SRID AS srid FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = '${db}' ORDER BY 1`,
    );
    expect(srids).toEqual([
      { c: 'at', srid: 4326 },
      { c: 'plain', srid: 0 },
    ]);
  });

  it('creates routines, triggers and events under the sql_mode and time_zone they were made with', async () => {
    const { schema, source, target } = await copy(`CREATE TABLE t (a INT, s TEXT);
      SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT';
      CREATE FUNCTION joined(x TEXT) RETURNS TEXT DETERMINISTIC RETURN 'a' || x;
      CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW."s" = 'x' || NEW."s";
      SET SESSION sql_mode = DEFAULT, time_zone = '+05:00';
      CREATE EVENT at_five ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 05:00:00' DISABLE DO DELETE FROM t;
      SET SESSION time_zone = DEFAULT;
      CREATE FUNCTION plain_fn() RETURNS INT DETERMINISTIC RETURN 1 || 0`);
    expect(schema.routines.find((r) => r.name === 'joined')?.definition).toMatch(/^-- sql_mode: 'PIPES_AS_CONCAT,ANSI_QUOTES'\nCREATE FUNCTION `joined`/);
    expect(schema.routines.find((r) => r.name === 'plain_fn')?.definition).toMatch(/^CREATE FUNCTION/);
    expect(schema.natives[0]?.definition).toMatch(/^-- time_zone: '\+05:00'\nCREATE EVENT `at_five`/);

    await sameOnBoth(
      source,
      target,
      (db) => `SELECT ROUTINE_NAME AS name, SQL_MODE AS mode FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${db}' ORDER BY 1`,
    );
    await sameOnBoth(source, target, (db) => `SELECT TRIGGER_NAME AS name, SQL_MODE AS mode FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${db}'`);
    await sameOnBoth(
      source,
      target,
      (db) => `SELECT SQL_MODE AS mode, TIME_ZONE AS tz, STARTS AS starts FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${db}'`,
    );
    // Same behaviour: || concatenates where it did, and is OR again for what was created after it.
    await target.exec(`INSERT INTO t VALUES (1, 'y')`);
    expect(await mysqlRows(target, `SELECT joined('b') AS j, plain_fn() AS p, (SELECT s FROM t) AS s`)).toEqual([{ j: 'ab', p: 1, s: 'xy' }]);
  });

  it('keeps Oracle-mode routines and packages, which only Oracle mode can parse', async () => {
    const { schema, target } = await copy(`SET SESSION sql_mode = 'ORACLE';
      CREATE FUNCTION plus_one(x INT) RETURN INT DETERMINISTIC AS BEGIN RETURN x + 1; END;
      CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;
      CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END; END`);
    expect(schema.natives.map((n) => `${n.type} ${n.name}`)).toEqual(['package pricing', 'package body pricing']);
    // Package members are called in Oracle mode only.
    await target.exec(`SET SESSION sql_mode = 'ORACLE'; CREATE TABLE r AS SELECT plus_one(1) AS one, pricing.vat(10) AS vat FROM DUAL`);
    expect(await mysqlRows(target, `SELECT one, vat FROM r`)).toEqual([{ one: 2, vat: 2 }]);
  });
});
