import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { isRedbError } from '../../src/errors.js';
import { canonicalText, diffSchemas, planHazards, planStatements } from '../../src/unified/index.js';
import { migrateMysql, mysqlEngine, mysqlRows, mysqlSchemaOf } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * Migrations against a real MariaDB server: the live database is brought to the model of another
 * script, and reading it back must give exactly that model.
 */
describe('migrate against a real MariaDB server', () => {
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
    return { plan, statements: planStatements(plan), hazards: planHazards(plan).map((h) => h.name) };
  }

  it('adds a column in its place and keeps the rows', async () => {
    const { plan, statements } = await migrate(
      `CREATE TABLE t (id INT PRIMARY KEY, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two')`,
      `CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL DEFAULT 5, b TEXT)`,
    );
    expect(plan.transactional).toBe(false);
    expect(statements).toEqual(['ALTER TABLE `t` ADD COLUMN `a` int(11) NOT NULL DEFAULT 5 AFTER `id`']);
    expect(await mysqlRows(db, 'SELECT id, a, b FROM t ORDER BY id')).toEqual([
      { id: 1, a: 5, b: 'one' },
      { id: 2, a: 5, b: 'two' },
    ]);
  });

  it('modifies a column type with the full definition and flags the table rewrite', async () => {
    const { statements, hazards } = await migrate(
      `CREATE TABLE t (id INT PRIMARY KEY, n INT CHECK (n > 0), s VARCHAR(20) COMMENT 'name'); INSERT INTO t VALUES (1, 7, 'x')`,
      `CREATE TABLE t (id INT PRIMARY KEY, n BIGINT NOT NULL CHECK (n > 0), s VARCHAR(50) COMMENT 'name')`,
    );
    expect(statements).toEqual([
      'ALTER TABLE `t` MODIFY COLUMN `n` bigint(20) NOT NULL CHECK (`n` > 0)',
      "ALTER TABLE `t` MODIFY COLUMN `s` varchar(50) NULL COMMENT 'name'",
    ]);
    expect(hazards).toEqual(['data-dependent', 'rewrites-table', 'rewrites-table']);
    expect(await mysqlRows(db, 'SELECT n, s FROM t')).toEqual([{ n: 7, s: 'x' }]);
  });

  it('adds a foreign key, and creates new tables before any key points at them', async () => {
    const { statements } = await migrate(
      `CREATE TABLE parent (id INT PRIMARY KEY); CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY (parent_id));
       INSERT INTO parent VALUES (1); INSERT INTO child VALUES (10, 1)`,
      `CREATE TABLE parent (id INT PRIMARY KEY, owner_id INT, KEY (owner_id));
       CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY (parent_id),
         CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE);
       CREATE TABLE owner (id INT PRIMARY KEY, parent_id INT, CONSTRAINT owner_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
       ALTER TABLE parent ADD CONSTRAINT parent_owner FOREIGN KEY (owner_id) REFERENCES owner (id)`,
    );
    const created = statements.findIndex((s) => s.startsWith('CREATE TABLE `owner`'));
    const firstKey = statements.findIndex((s) => s.includes('FOREIGN KEY'));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(firstKey).toBeGreaterThan(created);
  });

  it('drops an index and a unique key', async () => {
    const { statements } = await migrate(`CREATE TABLE t (a INT, b INT, KEY t_a (a), UNIQUE KEY t_b (b))`, `CREATE TABLE t (a INT, b INT)`);
    expect(statements).toEqual(['DROP INDEX `t_a` ON `t`', 'DROP INDEX `t_b` ON `t`']);
  });

  it('changes a view in place with CREATE OR REPLACE VIEW, after the views it reads', async () => {
    const { statements } = await migrate(
      `CREATE TABLE t (a INT, b INT); CREATE VIEW v AS SELECT a FROM t`,
      `CREATE TABLE t (a INT, b INT); CREATE VIEW base AS SELECT a, b FROM t WHERE b > 0;
       CREATE ALGORITHM=MERGE VIEW v AS SELECT a, b FROM base WITH CHECK OPTION`,
    );
    expect(statements).toEqual([
      'CREATE VIEW `base` AS select `t`.`a` AS `a`,`t`.`b` AS `b` from `t` where `t`.`b` > 0',
      'CREATE OR REPLACE ALGORITHM=MERGE VIEW `v` AS select `base`.`a` AS `a`,`base`.`b` AS `b` from `base` WITH CASCADED CHECK OPTION',
    ]);
  });

  it('changes table options, converts the charset and moves column checks', async () => {
    const { statements, hazards } = await migrate(
      `CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), code VARCHAR(5) CHARACTER SET ascii, n INT CHECK (n > 0), j JSON)
         DEFAULT CHARSET=latin1 ENGINE=InnoDB COMMENT='old';
       INSERT INTO t VALUES (1, 'caf\u00e9', 'AB', 3, '[1]')`,
      `CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), code VARCHAR(5) CHARACTER SET ascii, n INT, j JSON,
         CONSTRAINT n_small CHECK (n < 10))
         DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ENGINE=InnoDB ROW_FORMAT=COMPACT COMMENT='new'`,
    );
    expect(statements).toEqual([
      // The column's own check goes with a re-declaration of the column.
      'ALTER TABLE `t` MODIFY COLUMN `n` int(11) NULL',
      "ALTER TABLE `t` ROW_FORMAT=COMPACT COMMENT='new'",
      'ALTER TABLE `t` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      // Columns with a charset of their own, and JSON, are declared again after the conversion.
      'ALTER TABLE `t` MODIFY COLUMN `code` varchar(5) CHARACTER SET ascii COLLATE ascii_general_ci NULL',
      'ALTER TABLE `t` MODIFY COLUMN `j` json NULL',
      'ALTER TABLE `t` ADD CONSTRAINT `n_small` CHECK (`n` < 10)',
    ]);
    expect(hazards).toContain('rewrites-table');
    expect(await mysqlRows(db, 'SELECT name, code, json_valid(j) AS ok FROM t')).toEqual([{ name: 'caf\u00e9', code: 'AB', ok: 1 }]);
  });

  it('replaces triggers, routines and events, and drops tables that reference each other', async () => {
    const { statements } = await migrate(
      `CREATE TABLE a (id INT PRIMARY KEY, b_id INT); CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a (id));
       ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);
       CREATE TABLE log (msg TEXT);
       CREATE TRIGGER log_ins BEFORE INSERT ON log FOR EACH ROW SET NEW.msg = upper(NEW.msg);
       CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x;
       CREATE EVENT e ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM log`,
      `CREATE TABLE log (msg TEXT);
       CREATE TRIGGER log_ins BEFORE INSERT ON log FOR EACH ROW SET NEW.msg = lower(NEW.msg);
       CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
       CREATE EVENT e ON SCHEDULE EVERY 2 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM log`,
    );
    expect(statements.filter((s) => s.startsWith('DROP'))).toEqual(
      expect.arrayContaining(['DROP TRIGGER `log_ins`', 'DROP FUNCTION `f`', 'DROP EVENT `e`', 'DROP TABLE `a`', 'DROP TABLE `b`']),
    );
    // Both tables' foreign keys go before either table.
    const lastFkDrop = Math.max(...statements.flatMap((s, i) => (s.includes('DROP FOREIGN KEY') ? [i] : [])));
    expect(lastFkDrop).toBeLessThan(statements.indexOf('DROP TABLE `a`'));
  });

  it('keeps the firing order of triggers when one of them changes', async () => {
    const { statements } = await migrate(
      `CREATE TABLE t (a INT, b INT);
       CREATE TRIGGER first BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;
       CREATE TRIGGER second BEFORE INSERT ON t FOR EACH ROW FOLLOWS first SET NEW.b = NEW.a + 1`,
      `CREATE TABLE t (a INT, b INT);
       CREATE TRIGGER first BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 2;
       CREATE TRIGGER second BEFORE INSERT ON t FOR EACH ROW FOLLOWS first SET NEW.b = NEW.a + 1`,
    );
    expect(statements).toEqual([
      'DROP TRIGGER `first`',
      'DROP TRIGGER `second`',
      'CREATE TRIGGER `first` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 2',
      'CREATE TRIGGER `second` BEFORE INSERT ON `t` FOR EACH ROW FOLLOWS `first` SET NEW.b = NEW.a + 1',
    ]);
  });

  it('stops at a failing statement and reports exactly which statements ran', async () => {
    await db.exec(`CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 5), (2, 5)`);
    const target = await mysqlSchemaOf(`CREATE TABLE t (id INT PRIMARY KEY, x INT, v INT, UNIQUE KEY t_v (v))`);
    const adapter = await loadAdapter('mysql');
    const connection = await adapter.connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
    try {
      const live = await connection.introspect();
      const plan = adapter.dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
      expect(planStatements(plan)).toEqual(['ALTER TABLE `t` ADD COLUMN `x` int(11) NULL AFTER `id`', 'CREATE UNIQUE INDEX `t_v` ON `t` (`v`)']);
      const error = await connection.apply(plan).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isRedbError(error)).toBe(true);
      if (!isRedbError(error)) return;
      expect(error.code).toBe('REDB_MIGRATE_FAILED');
      expect(error.data).toMatchObject({
        db: 'scratch',
        statement: 'CREATE UNIQUE INDEX `t_v` ON `t` (`v`)',
        rolledBack: false,
        executed: ['ALTER TABLE `t` ADD COLUMN `x` int(11) NULL AFTER `id`'],
      });
      expect(error.message).toMatch(/Duplicate entry/);
      // The statement that ran stays applied.
      const after = await connection.introspect();
      expect(after.tables[0]?.columns.map((c) => c.name)).toEqual(['id', 'x', 'v']);
      expect(after.tables[0]?.indexes).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});

describe('migrate natives and sequences against a real MariaDB server', () => {
  let db: ScratchDb;
  beforeEach(async () => {
    db = await mysqlEngine.create();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('alters a sequence in place and re-partitions a table', async () => {
    await db.exec(`CREATE SEQUENCE s START WITH 10;
      CREATE TABLE p (id INT NOT NULL, PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 2;
      SELECT nextval(s); SELECT nextval(s)`);
    const target = await mysqlSchemaOf(`CREATE SEQUENCE s START WITH 10 INCREMENT BY 5 MAXVALUE 1000000;
      CREATE TABLE p (id INT NOT NULL, PRIMARY KEY (id)) PARTITION BY KEY (id) PARTITIONS 3`);
    const { plan, after } = await migrateMysql(db, target);
    expect(canonicalText(after)).toBe(canonicalText(target));
    expect(planStatements(plan)).toEqual([
      'ALTER TABLE `p` REMOVE PARTITIONING',
      'ALTER SEQUENCE `s` START WITH 10 MINVALUE 1 MAXVALUE 1000000 INCREMENT BY 5 CACHE 1000 NOCYCLE',
      'ALTER TABLE `p` PARTITION BY KEY (`id`)\nPARTITIONS 3',
    ]);
    expect(planHazards(plan).map((h) => h.name)).toEqual(['rewrites-table', 'rewrites-table']);
    // Altering is not re-creating: the sequence goes on past the values it handed out (and its cached block).
    const [row] = await mysqlRows<{ n: number }>(db, 'SELECT nextval(s) AS n');
    expect(row?.n).toBeGreaterThan(11);
  });
});
