import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalText, planHazards, planStatements } from '../../src/unified/index.js';
import { migrateMysql, mysqlEngine, mysqlRows, mysqlSchemaOf } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * Migrations that need a careful order or the session settings of stored code, against a real
 * MariaDB server: the live database is brought to the model of another script and must read back
 * as exactly that model.
 */
describe('migrate key orders and stored-code settings against a real MariaDB server', () => {
  let db: ScratchDb;
  beforeEach(async () => {
    db = await mysqlEngine.create();
  });
  afterEach(async () => {
    await db.drop();
  });

  async function migrate(base: string, targetSql: string) {
    await db.exec(base);
    const target = await mysqlSchemaOf(targetSql);
    const { plan, after } = await migrateMysql(db, target);
    expect(canonicalText(after)).toBe(canonicalText(target));
    return { statements: planStatements(plan), hazards: planHazards(plan).map((h) => h.name) };
  }

  it('drops the foreign keys on a column whose type changes first, and adds them back last', async () => {
    const { statements, hazards } = await migrate(
      `CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(10), UNIQUE KEY parent_code (code));
       CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, code VARCHAR(10), note TEXT,
         CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
         CONSTRAINT child_code FOREIGN KEY (code) REFERENCES parent (code));
       INSERT INTO parent VALUES (1, 'a'); INSERT INTO child VALUES (10, 1, 'a', 'n')`,
      // Both sides of child_parent widen; only the referencing side of child_code changes.
      `CREATE TABLE parent (id BIGINT PRIMARY KEY, code VARCHAR(10), UNIQUE KEY parent_code (code));
       CREATE TABLE child (id INT PRIMARY KEY, parent_id BIGINT, code VARCHAR(20), note MEDIUMTEXT,
         CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
         CONSTRAINT child_code FOREIGN KEY (code) REFERENCES parent (code))`,
    );
    expect(statements).toEqual([
      'ALTER TABLE `child` DROP FOREIGN KEY `child_code`',
      'ALTER TABLE `child` DROP FOREIGN KEY `child_parent`',
      'ALTER TABLE `child` MODIFY COLUMN `parent_id` bigint(20) NULL',
      'ALTER TABLE `child` MODIFY COLUMN `code` varchar(20) NULL',
      'ALTER TABLE `child` MODIFY COLUMN `note` mediumtext NULL',
      'ALTER TABLE `parent` MODIFY COLUMN `id` bigint(20) NOT NULL',
      'ALTER TABLE `child` ADD CONSTRAINT `child_code` FOREIGN KEY (`code`) REFERENCES `parent` (`code`) ON DELETE RESTRICT ON UPDATE RESTRICT',
      'ALTER TABLE `child` ADD CONSTRAINT `child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT',
    ]);
    // Widening is safe; the keys that go and come back add no hazard of their own.
    expect(hazards.filter((h) => h !== 'rewrites-table')).toEqual([]);
    await db.exec('DELETE FROM parent');
    expect(await mysqlRows(db, 'SELECT count(*) AS n FROM child')).toEqual([{ n: 0 }]);
  });

  it('adds the new primary key before making its column AUTO_INCREMENT, and moves AUTO_INCREMENT between columns', async () => {
    const { statements } = await migrate(
      `CREATE TABLE t (id INT NOT NULL, code VARCHAR(5) NOT NULL, PRIMARY KEY (code)); INSERT INTO t VALUES (1, 'a'), (2, 'b');
       CREATE TABLE u (a INT NOT NULL AUTO_INCREMENT, b INT NOT NULL, PRIMARY KEY (a), UNIQUE KEY u_b (b)); INSERT INTO u VALUES (1, 5)`,
      `CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, code VARCHAR(5) NOT NULL, PRIMARY KEY (id));
       CREATE TABLE u (a INT NOT NULL, b INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (a), UNIQUE KEY u_b (b))`,
    );
    expect(statements).toEqual([
      'ALTER TABLE `u` MODIFY COLUMN `a` int(11) NOT NULL',
      'ALTER TABLE `t` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`)',
      'ALTER TABLE `t` MODIFY COLUMN `id` int(11) NOT NULL AUTO_INCREMENT',
      'ALTER TABLE `u` MODIFY COLUMN `b` int(11) NOT NULL AUTO_INCREMENT',
    ]);
    await db.exec(`INSERT INTO t (code) VALUES ('c'); INSERT INTO u (a) VALUES (2)`);
    expect(await mysqlRows(db, `SELECT id FROM t WHERE code = 'c'`)).toEqual([{ id: 3 }]);
    expect(await mysqlRows(db, `SELECT b FROM u WHERE a = 2`)).toEqual([{ b: 6 }]);
  });

  it('adds a new AUTO_INCREMENT column in one statement with the primary key it leads, numbering the rows', async () => {
    const { statements } = await migrate(
      `CREATE TABLE t (code VARCHAR(5) NOT NULL, PRIMARY KEY (code)); INSERT INTO t VALUES ('a'), ('b')`,
      `CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, code VARCHAR(5) NOT NULL, PRIMARY KEY (id))`,
    );
    expect(statements).toEqual(['ALTER TABLE `t` ADD COLUMN `id` int(11) NOT NULL AUTO_INCREMENT FIRST, DROP PRIMARY KEY, ADD PRIMARY KEY (`id`)']);
    expect(await mysqlRows(db, 'SELECT id, code FROM t ORDER BY id')).toEqual([
      { id: 1, code: 'a' },
      { id: 2, code: 'b' },
    ]);
  });

  it('gives a primary key DESC and prefix parts, and a spatial column another SRID', async () => {
    const { statements } = await migrate(
      `CREATE TABLE p (a VARCHAR(100) NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b));
       CREATE TABLE g (id INT PRIMARY KEY, at POINT REF_SYSTEM_ID=4326 NOT NULL, SPATIAL KEY sp_at (at))`,
      `CREATE TABLE p (a VARCHAR(100) NOT NULL, b INT NOT NULL, PRIMARY KEY (a(10), b DESC));
       CREATE TABLE g (id INT PRIMARY KEY, at POINT REF_SYSTEM_ID=3857 NOT NULL, SPATIAL KEY sp_at (at))`,
    );
    expect(statements).toEqual([
      'ALTER TABLE `g` MODIFY COLUMN `at` point REF_SYSTEM_ID=3857 NOT NULL',
      'ALTER TABLE `p` DROP PRIMARY KEY, ADD PRIMARY KEY (`a`(10), `b` DESC)',
    ]);
  });

  it('creates stored code under its own sql_mode, then gives the session its own back', async () => {
    const { statements } = await migrate(
      `CREATE TABLE t (a INT)`,
      `CREATE TABLE t (a INT);
       SET SESSION sql_mode = 'PIPES_AS_CONCAT';
       CREATE FUNCTION joined(x TEXT) RETURNS TEXT DETERMINISTIC RETURN 'a' || x;
       SET SESSION sql_mode = DEFAULT;
       CREATE FUNCTION z_plain() RETURNS INT DETERMINISTIC RETURN 1 || 0`,
    );
    expect(statements).toEqual([
      'SET @redb_saved_sql_mode = @@SESSION.sql_mode',
      "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
      "-- sql_mode: 'PIPES_AS_CONCAT'\nCREATE FUNCTION `joined`(`x` text) RETURNS text\nDETERMINISTIC\nRETURN 'a' || x",
      'SET SESSION sql_mode = @redb_saved_sql_mode',
      'CREATE FUNCTION `z_plain`() RETURNS int(11)\nDETERMINISTIC\nRETURN 1 || 0',
    ]);
    expect(await mysqlRows(db, `SELECT joined('b') AS j, z_plain() AS z`)).toEqual([{ j: 'ab', z: 1 }]);
  });

  it('re-creates the unchanged body of a package whose specification is replaced', async () => {
    const spec = (comment: string) => `CREATE PACKAGE pricing COMMENT '${comment}' AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;`;
    const body = `CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END; END`;
    const { statements } = await migrate(`SET SESSION sql_mode = 'ORACLE'; ${spec('old')} ${body}`, `SET SESSION sql_mode = 'ORACLE'; ${spec('new')} ${body}`);
    expect(statements.filter((s) => !s.startsWith('SET '))).toEqual([
      'DROP PACKAGE `pricing`',
      'DROP PACKAGE BODY IF EXISTS `pricing`',
      expect.stringMatching(/\nCREATE PACKAGE "pricing"\s+COMMENT 'new'/),
      expect.stringMatching(/\nCREATE PACKAGE BODY "pricing"/),
    ]);
  });
});
