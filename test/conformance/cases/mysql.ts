/**
 * MariaDB's SQL for the shared conformance cases (see ../engines.ts), then cases only MySQL has.
 * Left out: 'strict tables' and 'virtual tables' (SQLite-only); events take the native-object role.
 * Stored code is DELIMITER-free: each CREATE is one statement through the driver.
 */
export const mysqlCases: Record<string, string> = {
  'column types': `CREATE TABLE t (
    a INTEGER, b BIGINT, c SMALLINT, d TINYINT, e TEXT, f VARCHAR(40), g NVARCHAR(12), h CHAR(3),
    i REAL, j DOUBLE PRECISION, k FLOAT, l NUMERIC(10,2), m DECIMAL(5), n BLOB, o BOOLEAN,
    p DATE, q DATETIME, r TIMESTAMP NULL, s JSON, t_ UUID, u MEDIUMINT, v TINYTEXT, w LONGBLOB,
    x BINARY(16), y VARBINARY(255), z TIME(3), aa DATETIME(6), ab YEAR, ac BIT(5), ad INET6, ae GEOMETRY, af POINT)`,
  'nullability and defaults': `CREATE TABLE t (
    id INTEGER NOT NULL, name VARCHAR(20) NOT NULL DEFAULT 'x', n INTEGER DEFAULT 0, neg INTEGER DEFAULT -1,
    f DOUBLE DEFAULT 1.5, d DECIMAL(6,2) DEFAULT 1.5, created DATETIME DEFAULT CURRENT_TIMESTAMP,
    expr VARCHAR(10) DEFAULT (lower('A')), sum INT DEFAULT (1 + 2), nada TEXT DEFAULT NULL, quoted VARCHAR(20) DEFAULT 'it''s \\\\ ok',
    u VARCHAR(36) DEFAULT uuid(), b BIT(3) DEFAULT b'101', blob_default TEXT DEFAULT 'abc', literal_null VARCHAR(4) DEFAULT 'NULL',
    question VARCHAR(4) DEFAULT '?', neg_dec DECIMAL(5,2) NOT NULL DEFAULT -0.5, dt DATETIME DEFAULT '2020-01-02 03:04:05')`,
  'primary keys': `CREATE TABLE a (id INTEGER PRIMARY KEY);
    CREATE TABLE b (id INTEGER PRIMARY KEY AUTO_INCREMENT, v TEXT);
    CREATE TABLE c (x INTEGER, y VARCHAR(10), CONSTRAINT pk_c PRIMARY KEY (x, y) COMMENT 'composite');
    CREATE TABLE d (k VARCHAR(10), v TEXT, PRIMARY KEY (k))`,
  'unique constraints': `CREATE TABLE t (a INTEGER UNIQUE, b VARCHAR(10), c VARCHAR(10), d TEXT, CONSTRAINT uq_bc UNIQUE (b, c), UNIQUE KEY uq_d (d))`,
  'foreign keys': `CREATE TABLE parent (id INTEGER PRIMARY KEY, code VARCHAR(10) UNIQUE);
    CREATE TABLE child (
      id INTEGER PRIMARY KEY, parent_id INTEGER, code VARCHAR(10), other INTEGER,
      FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
      CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code) ON UPDATE SET NULL,
      CONSTRAINT fk_other FOREIGN KEY (other) REFERENCES parent (id) ON DELETE NO ACTION ON UPDATE RESTRICT);
    CREATE TABLE a (id INT PRIMARY KEY, b_id INT);
    CREATE TABLE b (id INT PRIMARY KEY, a_id INT, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
    ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
    CREATE TABLE tree (id INT PRIMARY KEY, parent INT, KEY by_parent (parent), CONSTRAINT tree_up FOREIGN KEY (parent) REFERENCES tree (id) ON DELETE SET NULL)`,
  'check constraints': `CREATE TABLE t (a INTEGER CHECK (a > 0), b VARCHAR(20), c INT CHECK (c > a),
    CONSTRAINT ck_b CHECK (char_length(b) < 10), CHECK (a < 100 OR b IS NULL))`,
  indexes: `CREATE TABLE t (a INTEGER, b VARCHAR(20), c VARCHAR(20));
    CREATE INDEX t_a ON t (a);
    CREATE UNIQUE INDEX t_bc ON t (b DESC, c);
    CREATE INDEX t_comment ON t (c) COMMENT 'lookup by c';
    CREATE INDEX t_ignored ON t (a, b) IGNORED`,
  'generated columns and collations': `CREATE TABLE t (a INTEGER, b VARCHAR(20) COLLATE utf8mb4_bin, c INTEGER GENERATED ALWAYS AS (a * 2) STORED,
    d VARCHAR(20) AS (upper(b)) VIRTUAL, e VARCHAR(10) CHARACTER SET latin1, f CHAR(2) CHARACTER SET ascii COLLATE ascii_bin)`,
  views: `CREATE TABLE t (a INTEGER, b TEXT);
    CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1;
    CREATE VIEW v2 (x, y) AS SELECT a, b FROM v1;
    CREATE VIEW v0 AS SELECT count(*) AS n FROM v2;
    CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v_opts AS SELECT a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION;
    CREATE ALGORITHM=TEMPTABLE VIEW v_temp AS SELECT a, 'lit''s' AS s FROM t;
    CREATE VIEW v_local AS SELECT a FROM v1 WITH LOCAL CHECK OPTION`,
  triggers: `CREATE TABLE t (a INTEGER, updated TEXT);
    CREATE TABLE log (msg TEXT);
    CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (concat('insert ', NEW.a));
    CREATE TRIGGER t_ins2 AFTER INSERT ON t FOR EACH ROW FOLLOWS t_ins INSERT INTO log VALUES ('second');
    CREATE TRIGGER t_upd BEFORE UPDATE ON t FOR EACH ROW BEGIN
      IF NEW.a < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative'; END IF;
      SET NEW.updated = 'yes';
    END`,
  'quoted identifiers': `CREATE TABLE \`odd \`\`name\`\`\` (\`select\` INTEGER, \`group\` TEXT, \`order\` REAL, \`naïve\` TEXT, \`with space\` INT);
    CREATE INDEX \`idx.odd\` ON \`odd \`\`name\`\`\` (\`select\`);
    CREATE VIEW \`v "q"\` AS SELECT \`select\` AS \`sel\`\`x\` FROM \`odd \`\`name\`\`\``,

  // MySQL/MariaDB only.
  'engines, charsets, collations, row formats and comments': `
    CREATE TABLE inno (id INT PRIMARY KEY COMMENT 'the key') ENGINE=InnoDB ROW_FORMAT=COMPRESSED COMMENT='compressed, it''s';
    CREATE TABLE latin (name VARCHAR(20), other VARCHAR(20) CHARACTER SET utf8mb4) DEFAULT CHARSET=latin1 ROW_FORMAT=DYNAMIC;
    CREATE TABLE aria (id INT, KEY (id)) ENGINE=Aria TRANSACTIONAL=1;
    CREATE TABLE mem (id INT, name VARCHAR(10), KEY by_id (id), KEY by_name (name) USING BTREE) ENGINE=MEMORY;
    CREATE TABLE my (id INT, PRIMARY KEY (id)) ENGINE=MyISAM CHECKSUM=1 MAX_ROWS=1000 COLLATE=utf8mb4_unicode_ci`,
  'unsigned, zerofill, auto_increment and on update': `CREATE TABLE t (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, z INT(6) UNSIGNED ZEROFILL, s SMALLINT UNSIGNED DEFAULT 7,
    d DECIMAL(8,3) UNSIGNED, f FLOAT UNSIGNED,
    changed TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    changed3 DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))`,
  'enum and set': `CREATE TABLE t (
    e ENUM('a', 'b''c', 'd\\\\e', 'x y') NOT NULL DEFAULT 'a', s SET('read', 'write', 'admin') DEFAULT 'read,write',
    n ENUM('small', 'large') CHARACTER SET latin1)`,
  'generated and invisible columns': `CREATE TABLE t (
    a INT, b INT INVISIBLE DEFAULT 4, c INT AS (a + b) VIRTUAL INVISIBLE, d VARCHAR(20) AS (concat('x', a)) STORED,
    e DATETIME INVISIBLE NULL)`,
  'fulltext and spatial indexes': `CREATE TABLE docs (id INT PRIMARY KEY, title VARCHAR(200), body TEXT, place POINT NOT NULL,
    FULLTEXT KEY ft_title_body (title, body), SPATIAL INDEX sp_place (place)) ENGINE=InnoDB;
    CREATE TABLE legacy (g GEOMETRY NOT NULL, t TEXT, SPATIAL KEY (g), FULLTEXT (t)) ENGINE=MyISAM`,
  'prefix and descending indexes': `CREATE TABLE t (a VARCHAR(100), b TEXT, c INT, d BLOB, long_text TEXT,
    KEY prefix_a (a(10)), KEY prefix_b_desc (b(20) DESC, c DESC), UNIQUE KEY u_d (d(8)), UNIQUE KEY u_long (long_text))`,
  'json and mariadb types': `CREATE TABLE t (j JSON, k JSON NOT NULL DEFAULT '{}', lt LONGTEXT CHECK (json_valid(lt)),
    u UUID DEFAULT uuid(), ip INET6, v4 VARCHAR(15)) DEFAULT CHARSET=latin1`,
  routines: `CREATE TABLE t (a INT);
    CREATE FUNCTION add_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1;
    CREATE FUNCTION greet(who VARCHAR(20) CHARSET latin1, n INT UNSIGNED) RETURNS VARCHAR(60) CHARSET utf8mb4 COLLATE utf8mb4_bin
      NO SQL SQL SECURITY INVOKER COMMENT 'says hi' RETURN concat('hi ', who, n);
    CREATE PROCEDURE count_t(IN above INT, OUT n INT, INOUT total DECIMAL(10,2)) READS SQL DATA
    BEGIN
      SELECT count(*) INTO n FROM t WHERE a > above;
      SET total = total + n;
    END;
    CREATE PROCEDURE noop() MODIFIES SQL DATA BEGIN END;
    CREATE AGGREGATE FUNCTION agg_sum(x INT) RETURNS INT DETERMINISTIC
    BEGIN
      DECLARE s INT DEFAULT 0;
      DECLARE CONTINUE HANDLER FOR NOT FOUND RETURN s;
      LOOP FETCH GROUP NEXT ROW; SET s = s + x; END LOOP;
    END;
    CREATE VIEW uses_fn AS SELECT add_one(a) AS b FROM t`,
  'events are kept as native objects': `CREATE TABLE t (a INT);
    CREATE EVENT nightly_purge ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE COMMENT 'nightly' DO DELETE FROM t WHERE a < 0;
    CREATE EVENT once ON SCHEDULE AT '2031-06-01 12:00:00' ON COMPLETION PRESERVE DO BEGIN INSERT INTO t VALUES (1); END`,
  sequences: `CREATE SEQUENCE s1;
    CREATE SEQUENCE s2 START WITH 100 INCREMENT BY 10 MINVALUE 100 MAXVALUE 100000 CACHE 20 CYCLE;
    CREATE TABLE t (id BIGINT NOT NULL DEFAULT nextval(s2), PRIMARY KEY (id))`,
  'partitioned tables keep their partitioning as a native object': `CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold))
      PARTITION BY RANGE (YEAR(sold)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION pmax VALUES LESS THAN MAXVALUE);
    CREATE TABLE hashed (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 4`,
  'primary keys with descending and prefix parts': `CREATE TABLE p (a VARCHAR(100) NOT NULL, b INT NOT NULL, PRIMARY KEY (a(10), b DESC));
    CREATE TABLE q (t TEXT NOT NULL, n INT, PRIMARY KEY (t(20)) COMMENT 'by prefix', KEY by_n (n DESC))`,
  'spatial reference ids': `CREATE TABLE places (id INT PRIMARY KEY, at POINT REF_SYSTEM_ID=4326 NOT NULL, area POLYGON REF_SYSTEM_ID=3857 NULL,
    plain GEOMETRY, SPATIAL KEY sp_at (at)) ENGINE=InnoDB`,
  'stored code under another sql_mode or time_zone': `CREATE TABLE t (a INT, \`b c\` TEXT);
    SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT';
    CREATE FUNCTION joined(x TEXT) RETURNS TEXT DETERMINISTIC COMMENT 'a || b' RETURN 'a' || x;
    CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW."b c" = 'x' || NEW."b c";
    SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES';
    CREATE PROCEDURE raw_backslash() NO SQL COMMENT 'C:\\temp' SELECT 'C:\\temp' AS path;
    SET SESSION sql_mode = '';
    CREATE FUNCTION lax() RETURNS INT DETERMINISTIC RETURN 1;
    SET SESSION sql_mode = DEFAULT, time_zone = '+05:00';
    CREATE EVENT at_five ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 05:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t;
    SET SESSION time_zone = DEFAULT;
    CREATE FUNCTION plain_fn() RETURNS INT DETERMINISTIC RETURN 2`,
  'Oracle-mode routines and packages': `SET SESSION sql_mode = 'ORACLE';
    CREATE FUNCTION plus_one(x INT) RETURN INT DETERMINISTIC AS BEGIN RETURN x + 1; END;
    CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;
    CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END; END;
    SET SESSION sql_mode = DEFAULT;
    CREATE TABLE t (a INT)`,
  'system-versioned tables are kept as native objects': `CREATE TABLE prices (sku VARCHAR(10) PRIMARY KEY, amount DECIMAL(8,2)) WITH SYSTEM VERSIONING;
    CREATE TABLE notes (id INT PRIMARY KEY, sku VARCHAR(10), FOREIGN KEY (sku) REFERENCES prices (sku));
    CREATE VIEW current_prices AS SELECT sku, amount FROM prices`,
};
