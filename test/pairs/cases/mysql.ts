import { mysqlCases } from '../../conformance/cases/mysql.js';
import type { Pair } from '../run-pairs.js';

/**
 * MariaDB/MySQL migration pairs. Every pair runs both ways, so a pair that adds something also drops
 * it: each pair here is a different change, not the reverse of another. Stored code is DELIMITER-free.
 */

/** One table `t` keyed by `id`, with the columns given. */
const t = (columns: string, options = ''): string => `CREATE TABLE t (id INT PRIMARY KEY, ${columns})${options === '' ? '' : ` ${options}`}`;

/** A column `c` of table `t` whose definition changes; `seed` rows go in first. */
const column = (name: string, from: string, to: string, seed?: string): Pair => ({
  name,
  from: t(`c ${from}`),
  to: t(`c ${to}`),
  ...(seed === undefined ? {} : { seed }),
});

/** Every conformance schema built from nothing (and, on the way back, dropped to nothing). */
const fromEmpty: Pair[] = Object.entries(mysqlCases).map(([name, sql]) => ({ name: `create: ${name}`, from: '', to: sql }));

const tables: Pair[] = [
  {
    name: 'table: add a second table',
    from: 'CREATE TABLE a (id INT PRIMARY KEY)',
    to: 'CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (id INT PRIMARY KEY, v TEXT)',
  },
  { name: 'table: add a column at the end', from: t('a INT'), to: t('a INT, b VARCHAR(10)'), seed: 'INSERT INTO t VALUES (1, 1)' },
  { name: 'table: add a column in the middle', from: t('a INT, c INT'), to: t('a INT, b INT, c INT'), seed: 'INSERT INTO t VALUES (1, 1, 3)' },
  { name: 'table: add a column first', from: 'CREATE TABLE t (a INT)', to: 'CREATE TABLE t (z INT, a INT)' },
  {
    name: 'table: add a NOT NULL column with a default to a table with rows',
    from: t('a INT'),
    to: t(`a INT, state VARCHAR(10) NOT NULL DEFAULT 'new'`),
    seed: 'INSERT INTO t VALUES (1, 1), (2, 2)',
  },
  { name: 'table: add two columns and drop one', from: t('a INT, b INT'), to: t('b INT, c INT, d TEXT'), seed: 'INSERT INTO t VALUES (1, 1, 2)' },
  { name: 'table: replace a table by another', from: 'CREATE TABLE old_t (id INT PRIMARY KEY)', to: 'CREATE TABLE new_t (id BIGINT PRIMARY KEY, v TEXT)' },
  {
    name: 'table: a table without a primary key gains columns',
    from: 'CREATE TABLE heap (a INT)',
    to: 'CREATE TABLE heap (a INT, b INT, c INT)',
    seed: 'INSERT INTO heap VALUES (1), (1)',
  },
];

const columnTypes: Pair[] = [
  column('type: int to bigint with rows', 'INT', 'BIGINT', 'INSERT INTO t VALUES (1, 2147483647)'),
  column('type: int to int unsigned', 'INT', 'INT UNSIGNED', 'INSERT INTO t VALUES (1, 5)'),
  column('type: tinyint to smallint', 'TINYINT', 'SMALLINT'),
  column('type: mediumint to int', 'MEDIUMINT', 'INT'),
  column('type: bool to int', 'BOOLEAN', 'INT', 'INSERT INTO t VALUES (1, TRUE)'),
  column('type: int to decimal', 'INT', 'DECIMAL(12,2)', 'INSERT INTO t VALUES (1, 42)'),
  column('type: decimal widens precision and scale', 'DECIMAL(5,2)', 'DECIMAL(10,4)', 'INSERT INTO t VALUES (1, 123.45)'),
  column('type: float to double', 'FLOAT', 'DOUBLE', 'INSERT INTO t VALUES (1, 1.5)'),
  column('type: double to decimal', 'DOUBLE', 'DECIMAL(20,6)'),
  column('type: varchar widens with rows', 'VARCHAR(20)', 'VARCHAR(200)', `INSERT INTO t VALUES (1, 'twenty characters...')`),
  column('type: varchar to text', 'VARCHAR(100)', 'TEXT', `INSERT INTO t VALUES (1, 'kept')`),
  column('type: char widens', 'CHAR(3)', 'CHAR(10)', `INSERT INTO t VALUES (1, 'abc')`),
  column('type: char to varchar', 'CHAR(8)', 'VARCHAR(8)'),
  column('type: tinytext to mediumtext', 'TINYTEXT', 'MEDIUMTEXT'),
  column('type: text to longtext', 'TEXT', 'LONGTEXT'),
  column('type: blob to longblob', 'BLOB', 'LONGBLOB', `INSERT INTO t VALUES (1, x'00ff')`),
  column('type: binary widens', 'BINARY(4)', 'BINARY(8)'),
  column('type: binary to varbinary', 'BINARY(16)', 'VARBINARY(16)'),
  column('type: date to datetime with rows', 'DATE', 'DATETIME', `INSERT INTO t VALUES (1, '2024-02-29')`),
  column('type: datetime gains fractional seconds', 'DATETIME', 'DATETIME(6)', `INSERT INTO t VALUES (1, '2024-01-01 10:00:00')`),
  column('type: timestamp to datetime', 'TIMESTAMP NULL', 'DATETIME NULL'),
  column('type: time gains fractional seconds', 'TIME', 'TIME(3)'),
  column('type: year to smallint', 'YEAR', 'SMALLINT', 'INSERT INTO t VALUES (1, 2024)'),
  column('type: bit widens', 'BIT(1)', 'BIT(8)', `INSERT INTO t VALUES (1, b'1')`),
  column('type: json to longtext', 'JSON', 'LONGTEXT', `INSERT INTO t VALUES (1, '{"a": 1}')`),
  column('type: uuid to char(36)', 'UUID', 'CHAR(36)', `INSERT INTO t VALUES (1, '123e4567-e89b-12d3-a456-426614174000')`),
  column('type: inet6 to varchar', 'INET6', 'VARCHAR(45)', `INSERT INTO t VALUES (1, '::1')`),
  column('type: point to geometry', 'POINT', 'GEOMETRY'),
  column('type: polygon to multipolygon', 'POLYGON', 'MULTIPOLYGON'),
  column('type: spatial reference id changes', 'POINT REF_SYSTEM_ID=4326', 'POINT REF_SYSTEM_ID=3857'),
  column('type: zerofill added', 'INT(6) UNSIGNED', 'INT(6) UNSIGNED ZEROFILL', 'INSERT INTO t VALUES (1, 42)'),
  column('type: integer display width changes', 'INT(6)', 'INT(11)'),
  column('type: varchar to varbinary', 'VARCHAR(10)', 'VARBINARY(10)', `INSERT INTO t VALUES (1, 'bytes')`),
];

const enumsAndSets: Pair[] = [
  column('enum: gains a value at the end with rows', `ENUM('a', 'b')`, `ENUM('a', 'b', 'c')`, `INSERT INTO t VALUES (1, 'b')`),
  column('enum: gains a value in the middle', `ENUM('low', 'high')`, `ENUM('low', 'mid', 'high')`),
  column('enum: a value with quotes and backslashes', `ENUM('a')`, `ENUM('a', 'it''s', 'c\\\\d')`),
  column('enum: becomes varchar with rows', `ENUM('x', 'y')`, 'VARCHAR(10)', `INSERT INTO t VALUES (1, 'y')`),
  column('enum: becomes a set', `ENUM('r', 'w')`, `SET('r', 'w')`, `INSERT INTO t VALUES (1, 'w')`),
  column('set: gains a member', `SET('read', 'write')`, `SET('read', 'write', 'admin')`, `INSERT INTO t VALUES (1, 'read,write')`),
  column('enum: default changes', `ENUM('a', 'b') NOT NULL DEFAULT 'a'`, `ENUM('a', 'b') NOT NULL DEFAULT 'b'`),
  column('enum: gets its own charset', `ENUM('a', 'b')`, `ENUM('a', 'b') CHARACTER SET latin1`),
];

const defaults: Pair[] = [
  column('default: added to an int', 'INT', 'INT DEFAULT 0'),
  column('default: a string literal changes', `VARCHAR(20) DEFAULT 'a'`, `VARCHAR(20) DEFAULT 'it''s'`),
  column('default: a literal becomes an expression', 'INT DEFAULT 3', 'INT DEFAULT (1 + 2)'),
  column('default: negative decimal', 'DECIMAL(6,2) DEFAULT 1.5', 'DECIMAL(6,2) NOT NULL DEFAULT -0.5'),
  column('default: current_timestamp on a datetime', 'DATETIME', 'DATETIME DEFAULT CURRENT_TIMESTAMP'),
  column(
    'default: on update current_timestamp added',
    'TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP',
    'TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
  ),
  column(
    'default: fractional current_timestamp precision',
    'DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3)',
    'DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)',
  ),
  column('default: uuid() on a uuid column', 'UUID', 'UUID DEFAULT uuid()'),
  column('default: bit literal changes', `BIT(3) DEFAULT b'101'`, `BIT(3) DEFAULT b'010'`),
  column('default: json default changes', `JSON NOT NULL DEFAULT '{}'`, `JSON NOT NULL DEFAULT '[]'`),
  column('default: a datetime literal', 'DATETIME', `DATETIME DEFAULT '2020-01-02 03:04:05'`),
  column('default: the text NULL is not NULL', 'VARCHAR(4) DEFAULT NULL', `VARCHAR(4) DEFAULT 'NULL'`),
  column('default: an expression with a function', 'VARCHAR(10)', `VARCHAR(10) DEFAULT (lower('ABC'))`),
];

const nullability: Pair[] = [
  column('null: nullable becomes NOT NULL with rows', 'INT', 'INT NOT NULL', 'INSERT INTO t VALUES (1, 7)'),
  column('null: NOT NULL with a default becomes nullable without one', `VARCHAR(5) NOT NULL DEFAULT 'x'`, 'VARCHAR(5) NULL', `INSERT INTO t VALUES (1, 'y')`),
  column('null: a timestamp becomes NOT NULL', 'TIMESTAMP NULL', 'TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP'),
  column('null: NOT NULL and widened at once', 'SMALLINT', 'BIGINT NOT NULL DEFAULT 0', 'INSERT INTO t VALUES (1, 3)'),
];

const autoIncrement: Pair[] = [
  {
    name: 'auto_increment: an existing key column gains it, with rows',
    from: 'CREATE TABLE t (id INT PRIMARY KEY, v TEXT)',
    to: 'CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v TEXT)',
    seed: `INSERT INTO t VALUES (5, 'five')`,
  },
  {
    name: 'auto_increment: a new key column numbers existing rows',
    from: 'CREATE TABLE t (v TEXT)',
    to: 'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT)',
    seed: `INSERT INTO t VALUES ('a'), ('b')`,
  },
  {
    name: 'auto_increment: on a column with a unique key',
    from: 'CREATE TABLE t (code VARCHAR(5) PRIMARY KEY, n INT NOT NULL, UNIQUE KEY u_n (n))',
    to: 'CREATE TABLE t (code VARCHAR(5) PRIMARY KEY, n INT NOT NULL AUTO_INCREMENT, UNIQUE KEY u_n (n))',
  },
  {
    name: 'auto_increment: a new column numbered under a new unique key',
    from: 'CREATE TABLE t (code VARCHAR(5) PRIMARY KEY)',
    to: 'CREATE TABLE t (code VARCHAR(5) PRIMARY KEY, n INT NOT NULL AUTO_INCREMENT, UNIQUE KEY u_n (n))',
    seed: `INSERT INTO t VALUES ('a'), ('b')`,
  },
  {
    name: 'auto_increment: the key widens to bigint unsigned',
    from: 'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT)',
    to: 'CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT)',
    seed: `INSERT INTO t (v) VALUES ('a'), ('b')`,
  },
];

const generated: Pair[] = [
  { name: 'generated: add a virtual column', from: t('a INT'), to: t('a INT, b INT AS (a * 2) VIRTUAL'), seed: 'INSERT INTO t VALUES (1, 1)' },
  { name: 'generated: add a stored column with rows', from: t('a INT'), to: t('a INT, b INT AS (a + 1) STORED'), seed: 'INSERT INTO t VALUES (1, 1), (2, 2)' },
  { name: 'generated: the expression changes', from: t('a INT, b INT AS (a * 2) VIRTUAL'), to: t('a INT, b INT AS (a * 3) VIRTUAL') },
  {
    name: 'generated: virtual becomes stored',
    from: t('a INT, b INT AS (a * 2) VIRTUAL'),
    to: t('a INT, b INT AS (a * 2) STORED'),
    seed: 'INSERT INTO t (id, a) VALUES (1, 1)',
  },
  {
    name: 'generated: a plain column becomes generated',
    from: t('a INT, b INT'),
    to: t('a INT, b INT AS (a + 10) VIRTUAL'),
    seed: 'INSERT INTO t VALUES (1, 1, 5)',
  },
  {
    name: 'generated: a stored column becomes plain, keeping its values',
    from: t('a INT, b INT AS (a * 2) STORED'),
    to: t('a INT, b INT'),
    seed: 'INSERT INTO t (id, a) VALUES (1, 4)',
  },
  {
    name: 'generated: an indexed virtual column',
    from: t('a VARCHAR(20)'),
    to: t('a VARCHAR(20), lower_a VARCHAR(20) AS (lower(a)) VIRTUAL, KEY by_lower (lower_a)'),
  },
  {
    name: 'generated: the column it reads widens',
    from: t(`a VARCHAR(10), b VARCHAR(20) AS (concat('x', a)) STORED`),
    to: t(`a VARCHAR(40), b VARCHAR(50) AS (concat('x', a)) STORED`),
    seed: `INSERT INTO t (id, a) VALUES (1, 'abc')`,
  },
  { name: 'invisible: a column becomes invisible', from: t('a INT, b INT'), to: t('a INT, b INT INVISIBLE') },
  {
    name: 'invisible: add an invisible column with a default',
    from: t('a INT'),
    to: t('a INT, hidden INT INVISIBLE DEFAULT 4'),
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
];

const collations: Pair[] = [
  column('collation: column gains a binary collation', 'VARCHAR(20)', 'VARCHAR(20) COLLATE utf8mb4_bin', `INSERT INTO t VALUES (1, 'Aa')`),
  column('charset: column to latin1 with rows', 'VARCHAR(20)', 'VARCHAR(20) CHARACTER SET latin1', `INSERT INTO t VALUES (1, 'plain')`),
  column('charset: ascii column to utf8mb4', 'CHAR(2) CHARACTER SET ascii COLLATE ascii_bin', 'CHAR(2)'),
  {
    name: 'charset: table default latin1 to utf8mb4 with rows',
    from: t('name VARCHAR(20)', 'DEFAULT CHARSET=latin1'),
    to: t('name VARCHAR(20)', 'DEFAULT CHARSET=utf8mb4'),
    seed: `INSERT INTO t VALUES (1, 'caf\u00e9')`,
  },
  {
    name: 'collation: table collation changes',
    from: t('name VARCHAR(20)', 'COLLATE=utf8mb4_general_ci'),
    to: t('name VARCHAR(20)', 'COLLATE=utf8mb4_unicode_ci'),
  },
  {
    name: 'charset: table converts while one column keeps its own',
    from: t('a VARCHAR(10), b VARCHAR(10) CHARACTER SET utf8mb4', 'DEFAULT CHARSET=latin1'),
    to: t('a VARCHAR(10), b VARCHAR(10) CHARACTER SET latin1', 'DEFAULT CHARSET=utf8mb4'),
  },
];

const primaryKeys: Pair[] = [
  {
    name: 'primary key: added to a table with rows',
    from: 'CREATE TABLE t (id INT NOT NULL, v TEXT)',
    to: 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v TEXT)',
    seed: `INSERT INTO t VALUES (1, 'a'), (2, 'b')`,
  },
  {
    name: 'primary key: one column becomes composite',
    from: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a))',
    to: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))',
    seed: 'INSERT INTO t VALUES (1, 1), (2, 1)',
  },
  {
    name: 'primary key: column order changes',
    from: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))',
    to: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (b, a))',
  },
  {
    name: 'primary key: moves to another column',
    from: 'CREATE TABLE t (a INT NOT NULL PRIMARY KEY, b INT NOT NULL)',
    to: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL PRIMARY KEY)',
    seed: 'INSERT INTO t VALUES (1, 10), (2, 20)',
  },
  {
    name: 'primary key: dropped with its column',
    from: 'CREATE TABLE t (a INT PRIMARY KEY, b INT)',
    to: 'CREATE TABLE t (b INT)',
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'primary key: moves to a new column while the old one is dropped',
    from: 'CREATE TABLE t (old_id INT NOT NULL PRIMARY KEY, v TEXT)',
    to: 'CREATE TABLE t (v TEXT, new_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY)',
    seed: `INSERT INTO t VALUES (7, 'a')`,
  },
  {
    name: 'primary key: moves off an auto_increment column',
    from: 'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, code VARCHAR(5) NOT NULL)',
    to: 'CREATE TABLE t (id INT NOT NULL, code VARCHAR(5) NOT NULL PRIMARY KEY)',
    seed: `INSERT INTO t VALUES (1, 'a'), (2, 'b')`,
  },
  {
    name: 'primary key: a part becomes descending',
    from: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))',
    to: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b DESC))',
  },
  {
    name: 'primary key: a prefix part',
    from: 'CREATE TABLE t (a VARCHAR(100) NOT NULL PRIMARY KEY)',
    to: 'CREATE TABLE t (a VARCHAR(100) NOT NULL, PRIMARY KEY (a(10)))',
  },
  {
    name: 'primary key: gains a comment',
    from: 'CREATE TABLE t (a INT NOT NULL, PRIMARY KEY (a))',
    to: `CREATE TABLE t (a INT NOT NULL, PRIMARY KEY (a) COMMENT 'the key')`,
  },
];

const uniques: Pair[] = [
  {
    name: 'unique: added over a column with distinct rows',
    from: t('email VARCHAR(50)'),
    to: t('email VARCHAR(50), UNIQUE KEY u_email (email)'),
    seed: `INSERT INTO t VALUES (1, 'a@x'), (2, 'b@x'), (3, NULL), (4, NULL)`,
  },
  { name: 'unique: composite gains a column', from: t('a INT, b INT, c INT, UNIQUE KEY u (a, b)'), to: t('a INT, b INT, c INT, UNIQUE KEY u (a, b, c)') },
  {
    name: 'unique: becomes a plain index of the same name',
    from: t('a INT, UNIQUE KEY k (a)'),
    to: t('a INT, KEY k (a)'),
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  { name: 'unique: over a prefix', from: t('d BLOB'), to: t('d BLOB, UNIQUE KEY u_d (d(8))') },
  {
    name: 'unique: over a long text column (hash-backed)',
    from: t('long_text TEXT'),
    to: t('long_text TEXT, UNIQUE KEY u_long (long_text)'),
    seed: `INSERT INTO t VALUES (1, 'one'), (2, 'two')`,
  },
];

const parent = 'CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)';
const parentRows = `INSERT INTO parent VALUES (1, 'one'), (2, 'two')`;

const foreignKeys: Pair[] = [
  {
    name: 'foreign key: added with valid rows',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT)`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 1), (2, NULL)`,
  },
  {
    name: 'foreign key: on delete cascade becomes set null',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL)`,
  },
  {
    name: 'foreign key: gains on update cascade',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE RESTRICT)`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE RESTRICT ON UPDATE CASCADE)`,
  },
  {
    name: 'foreign key: composite',
    from: 'CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)); CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT)',
    to: 'CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)); CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b))',
    seed: 'INSERT INTO p VALUES (1, 2); INSERT INTO c VALUES (1, 1, 2)',
  },
  {
    name: 'foreign key: self-referencing',
    from: 'CREATE TABLE tree (id INT PRIMARY KEY, parent INT)',
    to: 'CREATE TABLE tree (id INT PRIMARY KEY, parent INT, CONSTRAINT tree_up FOREIGN KEY (parent) REFERENCES tree (id) ON DELETE CASCADE)',
    seed: 'INSERT INTO tree VALUES (1, NULL), (2, 1)',
  },
  {
    name: 'foreign key: a cycle between two existing tables',
    from: 'CREATE TABLE a (id INT PRIMARY KEY, b_id INT); CREATE TABLE b (id INT PRIMARY KEY, a_id INT)',
    to: `CREATE TABLE a (id INT PRIMARY KEY, b_id INT); CREATE TABLE b (id INT PRIMARY KEY, a_id INT, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
      ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id)`,
  },
  {
    name: 'foreign key: a cycle of three new tables',
    from: 'CREATE TABLE other (id INT PRIMARY KEY)',
    to: `CREATE TABLE other (id INT PRIMARY KEY);
      CREATE TABLE x (id INT PRIMARY KEY, y_id INT); CREATE TABLE y (id INT PRIMARY KEY, z_id INT); CREATE TABLE z (id INT PRIMARY KEY, x_id INT);
      ALTER TABLE x ADD CONSTRAINT x_y FOREIGN KEY (y_id) REFERENCES y (id);
      ALTER TABLE y ADD CONSTRAINT y_z FOREIGN KEY (z_id) REFERENCES z (id);
      ALTER TABLE z ADD CONSTRAINT z_x FOREIGN KEY (x_id) REFERENCES x (id)`,
  },
  {
    name: 'foreign key: retargeted to another table',
    from: 'CREATE TABLE p1 (id INT PRIMARY KEY); CREATE TABLE p2 (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p1 (id))',
    to: 'CREATE TABLE p1 (id INT PRIMARY KEY); CREATE TABLE p2 (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p2 (id))',
  },
  {
    name: 'foreign key: retargeted from the key to a unique code',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, ref VARCHAR(10), KEY by_ref (ref))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, ref VARCHAR(10), KEY by_ref (ref), CONSTRAINT fk_code FOREIGN KEY (ref) REFERENCES parent (code) ON UPDATE CASCADE)`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 'two')`,
  },
  {
    name: 'foreign key: both sides widen to bigint with rows',
    from: 'CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p_id INT, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))',
    to: 'CREATE TABLE p (id BIGINT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p_id BIGINT, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))',
    seed: 'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1)',
  },
  {
    name: 'foreign key: renamed constraint (drop and add)',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix (parent_id), CONSTRAINT fk_a FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix (parent_id), CONSTRAINT fk_b FOREIGN KEY (parent_id) REFERENCES parent (id))`,
  },
  {
    name: 'foreign key: dropped while its index stays',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY by_parent (parent_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY by_parent (parent_id))`,
  },
  {
    name: 'foreign key: the referenced key changes columns',
    from: 'CREATE TABLE p (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a)); CREATE TABLE c (id INT PRIMARY KEY, a INT, CONSTRAINT c_p FOREIGN KEY (a) REFERENCES p (a))',
    to: 'CREATE TABLE p (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (b), UNIQUE KEY u_a (a)); CREATE TABLE c (id INT PRIMARY KEY, a INT, CONSTRAINT c_p FOREIGN KEY (a) REFERENCES p (a))',
    seed: 'INSERT INTO p VALUES (1, 10); INSERT INTO c VALUES (1, 1)',
  },
  {
    name: 'foreign key: added on a new column to a new table',
    from: 'CREATE TABLE orders (id INT PRIMARY KEY)',
    to: 'CREATE TABLE customers (id INT PRIMARY KEY); CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id))',
    seed: 'INSERT INTO orders VALUES (1)',
  },
  {
    name: 'foreign key: its index replaced by one of another name (no rename recorded)',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix_a (parent_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix_b (parent_id, id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 1)`,
  },
  {
    name: 'foreign key: its explicit index dropped for the implicit one',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY mine (parent_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 2)`,
  },
  {
    name: 'foreign key: one column referencing two tables',
    from: 'CREATE TABLE p1 (id INT PRIMARY KEY); CREATE TABLE p2 (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p1 FOREIGN KEY (p) REFERENCES p1 (id))',
    to: `CREATE TABLE p1 (id INT PRIMARY KEY); CREATE TABLE p2 (id INT PRIMARY KEY);
      CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p1 FOREIGN KEY (p) REFERENCES p1 (id), CONSTRAINT c_p2 FOREIGN KEY (p) REFERENCES p2 (id))`,
  },
  {
    name: 'foreign key: its column becomes NOT NULL with rows',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 1)`,
  },
];

const checks: Pair[] = [
  { name: 'check: a table check added with valid rows', from: t('a INT'), to: t('a INT, CONSTRAINT ck_a CHECK (a > 0)'), seed: 'INSERT INTO t VALUES (1, 5)' },
  { name: 'check: the expression changes', from: t('a INT, CONSTRAINT ck_a CHECK (a > 0)'), to: t('a INT, CONSTRAINT ck_a CHECK (a >= 0 AND a < 100)') },
  { name: 'check: a column check added', from: t('a INT'), to: t('a INT CHECK (a <> 13)') },
  { name: 'check: a column check changes', from: t('a INT CHECK (a > 0)'), to: t('a INT CHECK (a > 1)'), seed: 'INSERT INTO t VALUES (1, 2)' },
  {
    name: 'check: over two columns, dropped with one of them',
    from: t('a INT, b INT, CONSTRAINT ck_ab CHECK (a < b)'),
    to: t('a INT'),
    seed: 'INSERT INTO t VALUES (1, 1, 2)',
  },
  {
    name: 'check: a json_valid check on a longtext',
    from: t('doc LONGTEXT'),
    to: t('doc LONGTEXT CHECK (json_valid(doc))'),
    seed: `INSERT INTO t VALUES (1, '[1]')`,
  },
  { name: 'check: an unnamed table check', from: t('a INT, b INT'), to: t('a INT, b INT, CHECK (a < 100 OR b IS NULL)') },
];

const indexes: Pair[] = [
  { name: 'index: a plain index added with rows', from: t('a INT'), to: t('a INT, KEY by_a (a)'), seed: 'INSERT INTO t VALUES (1, 1), (2, 1)' },
  { name: 'index: its column order changes', from: t('a INT, b INT, KEY ab (a, b)'), to: t('a INT, b INT, KEY ab (b, a)') },
  { name: 'index: a part becomes descending', from: t('a INT, b INT, KEY ab (a, b)'), to: t('a INT, b INT, KEY ab (a, b DESC)') },
  { name: 'index: the prefix length changes', from: t('a VARCHAR(100), KEY pa (a(10))'), to: t('a VARCHAR(100), KEY pa (a(20))') },
  {
    name: 'index: fulltext added',
    from: t('title VARCHAR(200), body TEXT'),
    to: t('title VARCHAR(200), body TEXT, FULLTEXT KEY ft (title, body)'),
    seed: `INSERT INTO t VALUES (1, 'a', 'b')`,
  },
  { name: 'index: spatial added', from: t('place POINT NOT NULL'), to: t('place POINT NOT NULL, SPATIAL KEY sp (place)') },
  {
    name: 'index: hash becomes btree on a MEMORY table',
    from: 'CREATE TABLE m (id INT, KEY k (id) USING HASH) ENGINE=MEMORY',
    to: 'CREATE TABLE m (id INT, KEY k (id) USING BTREE) ENGINE=MEMORY',
  },
  { name: 'index: the comment changes', from: t(`a INT, KEY k (a) COMMENT 'one'`), to: t(`a INT, KEY k (a) COMMENT 'two'`) },
  { name: 'index: becomes ignored', from: t('a INT, KEY k (a)'), to: t('a INT, KEY k (a) IGNORED') },
  {
    name: 'index: becomes unique with distinct rows',
    from: t('a INT, KEY k (a)'),
    to: t('a INT, UNIQUE KEY k (a)'),
    seed: 'INSERT INTO t VALUES (1, 1), (2, 2)',
  },
  { name: 'index: dropped with its column', from: t('a INT, b INT, KEY kb (b), KEY kab (a, b)'), to: t('a INT') },
  { name: 'index: its column widens', from: t('a VARCHAR(10), KEY k (a)'), to: t('a VARCHAR(50), KEY k (a)'), seed: `INSERT INTO t VALUES (1, 'x')` },
  { name: 'index: a fulltext index gains a column', from: t('a TEXT, b TEXT, FULLTEXT KEY ft (a)'), to: t('a TEXT, b TEXT, FULLTEXT KEY ft (a, b)') },
];

const views: Pair[] = [
  { name: 'view: added over a table', from: t('a INT'), to: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t` },
  {
    name: 'view: the definition changes',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT id FROM t`,
    to: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t WHERE a > 0`,
  },
  {
    name: 'view: the base of a chain changes',
    from: `${t('a INT, b INT')}; CREATE VIEW v1 AS SELECT id, a FROM t; CREATE VIEW v2 AS SELECT a FROM v1`,
    to: `${t('a INT, b INT')}; CREATE VIEW v1 AS SELECT id, a, b FROM t; CREATE VIEW v2 AS SELECT a FROM v1`,
  },
  {
    name: 'view: a new chain named against dependency order',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE VIEW z_base AS SELECT id, a FROM t; CREATE VIEW m_mid AS SELECT a FROM z_base; CREATE VIEW a_top AS SELECT count(*) AS n FROM m_mid`,
  },
  {
    name: 'view: algorithm changes',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT a FROM t`,
    to: `${t('a INT')}; CREATE ALGORITHM=TEMPTABLE VIEW v AS SELECT a FROM t`,
  },
  {
    name: 'view: sql security becomes invoker',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT a FROM t`,
    to: `${t('a INT')}; CREATE SQL SECURITY INVOKER VIEW v AS SELECT a FROM t`,
  },
  {
    name: 'view: gains a check option',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT a FROM t WHERE a > 0`,
    to: `${t('a INT')}; CREATE VIEW v AS SELECT a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION`,
  },
  {
    name: 'view: gains a column list',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t`,
    to: `${t('a INT')}; CREATE VIEW v (k, value) AS SELECT id, a FROM t`,
  },
  { name: 'view: becomes a table of the same name', from: `${t('a INT')}; CREATE VIEW v AS SELECT a FROM t`, to: `${t('a INT')}; CREATE TABLE v (a INT)` },
  {
    name: 'view: a view joining two tables, one of them new',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE TABLE u (id INT PRIMARY KEY, t_id INT); CREATE VIEW tu AS SELECT t.a, u.id FROM t JOIN u ON u.t_id = t.id`,
  },
  {
    name: 'view: the middle of a chain gets a column list',
    from: `${t('a INT')}; CREATE VIEW v1 AS SELECT a FROM t; CREATE VIEW v2 AS SELECT a FROM v1; CREATE VIEW v3 AS SELECT a FROM v2`,
    to: `${t('a INT')}; CREATE VIEW v1 AS SELECT a FROM t; CREATE VIEW v2 (b) AS SELECT a FROM v1; CREATE VIEW v3 AS SELECT b AS a FROM v2`,
  },
];

const logTable = 'CREATE TABLE log (msg TEXT)';

const triggers: Pair[] = [
  {
    name: 'trigger: added',
    from: `${t('a INT')}; ${logTable}`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (concat('insert ', NEW.a))`,
  },
  {
    name: 'trigger: the body changes',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('one')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('two')`,
  },
  {
    name: 'trigger: before becomes after',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_x BEFORE UPDATE ON t FOR EACH ROW INSERT INTO log VALUES ('u')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_x AFTER UPDATE ON t FOR EACH ROW INSERT INTO log VALUES ('u')`,
  },
  {
    name: 'trigger: a second one follows the first',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1');
      CREATE TRIGGER t_2 AFTER INSERT ON t FOR EACH ROW FOLLOWS t_1 INSERT INTO log VALUES ('2')`,
  },
  {
    name: 'trigger: the firing order of two is swapped',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1');
      CREATE TRIGGER t_2 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('2')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_2 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('2');
      CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1')`,
  },
  {
    name: 'trigger: a compound body with SIGNAL',
    from: t('a INT, updated TEXT'),
    to: `${t('a INT, updated TEXT')}; CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN
      IF NEW.a < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative'; END IF;
      SET NEW.updated = 'yes';
    END`,
  },
  {
    name: 'trigger: created with the table it writes to',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE TABLE audit (at DATETIME, a INT); CREATE TRIGGER t_ad AFTER DELETE ON t FOR EACH ROW INSERT INTO audit VALUES (now(), OLD.a)`,
  },
  {
    name: 'trigger: calls a new procedure',
    from: `${t('a INT')}; ${logTable}`,
    to: `${t('a INT')}; ${logTable}; CREATE PROCEDURE note(m TEXT) MODIFIES SQL DATA INSERT INTO log VALUES (m);
      CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW CALL note('inserted')`,
  },
];

const routines: Pair[] = [
  { name: 'routine: a function added', from: t('a INT'), to: `${t('a INT')}; CREATE FUNCTION add_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1` },
  {
    name: 'routine: a function body changes',
    from: 'CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 1',
    to: 'CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 2',
  },
  {
    name: 'routine: a function signature changes',
    from: 'CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x',
    to: 'CREATE FUNCTION f(x BIGINT, y BIGINT) RETURNS BIGINT DETERMINISTIC RETURN x + y',
  },
  {
    name: 'routine: a procedure body changes',
    from: `${t('a INT')}; CREATE PROCEDURE p(OUT n INT) READS SQL DATA SELECT count(*) INTO n FROM t`,
    to: `${t('a INT')}; CREATE PROCEDURE p(OUT n INT) READS SQL DATA BEGIN SELECT count(*) INTO n FROM t WHERE a > 0; END`,
  },
  {
    name: 'routine: characteristics change',
    from: 'CREATE PROCEDURE p() NO SQL BEGIN END',
    to: `CREATE PROCEDURE p() NO SQL SQL SECURITY INVOKER COMMENT 'does nothing' BEGIN END`,
  },
  {
    name: 'routine: an aggregate function added',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE AGGREGATE FUNCTION agg_sum(x INT) RETURNS INT DETERMINISTIC
    BEGIN
      DECLARE s INT DEFAULT 0;
      DECLARE CONTINUE HANDLER FOR NOT FOUND RETURN s;
      LOOP FETCH GROUP NEXT ROW; SET s = s + x; END LOOP;
    END`,
  },
  {
    name: 'routine: created under ANSI_QUOTES',
    from: "CREATE FUNCTION q(x TEXT) RETURNS TEXT DETERMINISTIC RETURN concat('a', x)",
    to: `SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'; CREATE FUNCTION q(x TEXT) RETURNS TEXT DETERMINISTIC RETURN 'a' || x; SET SESSION sql_mode = DEFAULT`,
  },
  {
    name: 'routine: a function with charset and collation on its parameters',
    from: "CREATE FUNCTION greet(who VARCHAR(20)) RETURNS VARCHAR(60) DETERMINISTIC RETURN concat('hi ', who)",
    to: "CREATE FUNCTION greet(who VARCHAR(20) CHARSET latin1) RETURNS VARCHAR(60) CHARSET utf8mb4 COLLATE utf8mb4_bin DETERMINISTIC RETURN concat('hi ', who)",
  },
  {
    name: 'routine: a procedure and a function of the same name',
    from: 'CREATE FUNCTION same() RETURNS INT DETERMINISTIC RETURN 1',
    to: 'CREATE FUNCTION same() RETURNS INT DETERMINISTIC RETURN 1; CREATE PROCEDURE same() NO SQL SELECT 1',
  },
];

const sequences: Pair[] = [
  { name: 'sequence: added', from: t('a INT'), to: `${t('a INT')}; CREATE SEQUENCE s START WITH 10 INCREMENT BY 5` },
  { name: 'sequence: increment changes', from: 'CREATE SEQUENCE s INCREMENT BY 1', to: 'CREATE SEQUENCE s INCREMENT BY 10' },
  { name: 'sequence: cycle and cache change', from: 'CREATE SEQUENCE s MAXVALUE 100 CACHE 20 NOCYCLE', to: 'CREATE SEQUENCE s MAXVALUE 100 NOCACHE CYCLE' },
  {
    name: 'sequence: start and upper bound change',
    from: 'CREATE SEQUENCE s START WITH 1 MINVALUE 1 MAXVALUE 1000',
    to: 'CREATE SEQUENCE s START WITH 100 MINVALUE 1 MAXVALUE 100000',
  },
  { name: 'sequence: gains a comment', from: 'CREATE SEQUENCE s', to: `CREATE SEQUENCE s COMMENT='ticket numbers'` },
  {
    name: 'sequence: a column default starts using one',
    from: 'CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))',
    to: 'CREATE SEQUENCE s2 START WITH 100; CREATE TABLE t (id BIGINT NOT NULL DEFAULT nextval(s2), PRIMARY KEY (id))',
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'sequence: a default moves to another sequence, the old one dropped',
    from: 'CREATE SEQUENCE s_old; CREATE TABLE t (id BIGINT NOT NULL DEFAULT nextval(s_old), PRIMARY KEY (id))',
    to: 'CREATE SEQUENCE s_new START WITH 1000; CREATE TABLE t (id BIGINT NOT NULL DEFAULT nextval(s_new), PRIMARY KEY (id))',
  },
];

const comments: Pair[] = [
  { name: 'comment: a table comment added', from: t('a INT'), to: t('a INT', `COMMENT='holds a'`) },
  { name: 'comment: a table comment with a quote changes', from: t('a INT', `COMMENT='one'`), to: t('a INT', `COMMENT='it''s two'`) },
  column('comment: a column comment added', 'INT', `INT COMMENT 'the c'`),
  column('comment: a column comment and type change at once', `INT COMMENT 'old'`, `BIGINT COMMENT 'new'`, 'INSERT INTO t VALUES (1, 1)'),
  {
    name: 'comment: a function comment changes',
    from: `CREATE FUNCTION f() RETURNS INT DETERMINISTIC COMMENT 'one' RETURN 1`,
    to: `CREATE FUNCTION f() RETURNS INT DETERMINISTIC COMMENT 'two' RETURN 1`,
  },
  {
    name: 'comment: on update dropped while the default stays',
    from: t('u DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'),
    to: t(`u DATETIME DEFAULT CURRENT_TIMESTAMP COMMENT 'set once'`),
  },
  column('enum: a value no row uses is removed', `ENUM('a', 'b', 'unused')`, `ENUM('a', 'b')`, `INSERT INTO t VALUES (1, 'b')`),
  column('invisible: becomes visible and wider', 'INT INVISIBLE', 'BIGINT'),
  column('default: an expression over another column', 'INT', 'INT DEFAULT (id * 10)'),
  column('type: decimal becomes unsigned', 'DECIMAL(8,3)', 'DECIMAL(8,3) UNSIGNED', 'INSERT INTO t VALUES (1, 2.5)'),
  column(
    'charset: a column under a fulltext index',
    'TEXT, FULLTEXT KEY ft (c)',
    'TEXT CHARACTER SET latin1, FULLTEXT KEY ft (c)',
    `INSERT INTO t VALUES (1, 'some words')`,
  ),
  {
    name: 'view: a local check option becomes cascaded over a merge view',
    from: `${t('a INT')}; CREATE ALGORITHM=MERGE VIEW v1 AS SELECT a FROM t WHERE a > 0; CREATE VIEW v2 AS SELECT a FROM v1 WHERE a < 10 WITH LOCAL CHECK OPTION`,
    to: `${t('a INT')}; CREATE ALGORITHM=MERGE VIEW v1 AS SELECT a FROM t WHERE a > 0; CREATE VIEW v2 AS SELECT a FROM v1 WHERE a < 10 WITH CASCADED CHECK OPTION`,
  },
  {
    name: 'event: its time zone changes',
    from: `${t('a INT')}; CREATE EVENT at_five ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 05:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t`,
    to: `${t('a INT')}; SET SESSION time_zone = '+05:00';
      CREATE EVENT at_five ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 05:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t;
      SET SESSION time_zone = DEFAULT`,
  },
  {
    name: 'routine: recreated under NO_BACKSLASH_ESCAPES',
    from: `CREATE PROCEDURE path() NO SQL SELECT 'C:\\\\temp' AS p`,
    to: `SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; CREATE PROCEDURE path() NO SQL SELECT 'C:\\temp' AS p; SET SESSION sql_mode = DEFAULT`,
  },
  {
    name: 'order: a trigger calling a procedure stops, the procedure dropped',
    from: `${t('a INT')}; ${logTable}; CREATE PROCEDURE note(m TEXT) MODIFIES SQL DATA INSERT INTO log VALUES (m);
      CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW CALL note('inserted')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('inserted')`,
  },
  {
    name: 'order: an event and the table it empties dropped together',
    from: `${t('a INT')}; CREATE TABLE keep (id INT); CREATE EVENT purge_t ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t`,
    to: 'CREATE TABLE keep (id INT)',
  },
  {
    name: 'engine: MyISAM with fulltext becomes InnoDB',
    from: t('body TEXT, FULLTEXT KEY ft (body)', 'ENGINE=MyISAM'),
    to: t('body TEXT, FULLTEXT KEY ft (body)', 'ENGINE=InnoDB'),
    seed: `INSERT INTO t VALUES (1, 'words')`,
  },
  {
    name: 'engine: comment, row format and charset change at once',
    from: t('a VARCHAR(10)', `ROW_FORMAT=DYNAMIC DEFAULT CHARSET=latin1 COMMENT='old'`),
    to: t('a VARCHAR(10)', `ROW_FORMAT=COMPACT DEFAULT CHARSET=utf8mb4 COMMENT='new'`),
    seed: `INSERT INTO t VALUES (1, 'x')`,
  },
];

const engineSpecific: Pair[] = [
  { name: 'engine: InnoDB to MyISAM with rows', from: t('a INT', 'ENGINE=InnoDB'), to: t('a INT', 'ENGINE=MyISAM'), seed: 'INSERT INTO t VALUES (1, 1)' },
  { name: 'engine: row format changes', from: t('a INT', 'ROW_FORMAT=DYNAMIC'), to: t('a INT', 'ROW_FORMAT=COMPRESSED') },
  { name: 'engine: row format set back to default', from: t('a INT', 'ROW_FORMAT=REDUNDANT'), to: t('a INT') },
  { name: 'engine: MyISAM options change', from: t('a INT', 'ENGINE=MyISAM CHECKSUM=1'), to: t('a INT', 'ENGINE=MyISAM MAX_ROWS=1000') },
  {
    name: 'engine: a MEMORY table gains an index',
    from: 'CREATE TABLE m (id INT, name VARCHAR(10)) ENGINE=MEMORY',
    to: 'CREATE TABLE m (id INT, name VARCHAR(10), KEY by_id (id), KEY by_name (name) USING BTREE) ENGINE=MEMORY',
  },
  {
    name: 'partitioning: a table with rows becomes range-partitioned',
    from: 'CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold))',
    to: `CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold))
      PARTITION BY RANGE (YEAR(sold)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION pmax VALUES LESS THAN MAXVALUE)`,
    seed: `INSERT INTO sales VALUES (1, '2019-05-01'), (2, '2024-05-01')`,
  },
  {
    name: 'partitioning: range boundaries change',
    from: `CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold))
      PARTITION BY RANGE (YEAR(sold)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION pmax VALUES LESS THAN MAXVALUE)`,
    to: `CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold))
      PARTITION BY RANGE (YEAR(sold)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION p2022 VALUES LESS THAN (2023), PARTITION pmax VALUES LESS THAN MAXVALUE)`,
    seed: `INSERT INTO sales VALUES (1, '2022-05-01')`,
  },
  {
    name: 'partitioning: hash partition count changes',
    from: 'CREATE TABLE h (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2',
    to: 'CREATE TABLE h (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 4',
    seed: 'INSERT INTO h VALUES (1), (2), (3)',
  },
  {
    name: 'partitioning: a column added to a partitioned table',
    from: 'CREATE TABLE h (id INT PRIMARY KEY) PARTITION BY KEY (id) PARTITIONS 3',
    to: 'CREATE TABLE h (id INT PRIMARY KEY, v TEXT) PARTITION BY KEY (id) PARTITIONS 3',
    seed: 'INSERT INTO h VALUES (1)',
  },
  {
    name: 'event: added',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE EVENT purge_t ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t WHERE a < 0`,
  },
  {
    name: 'event: the schedule changes',
    from: `${t('a INT')}; CREATE EVENT purge_t ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t`,
    to: `${t('a INT')}; CREATE EVENT purge_t ON SCHEDULE EVERY 2 HOUR STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t`,
  },
  {
    name: 'event: becomes enabled',
    from: `${t('a INT')}; CREATE EVENT once ON SCHEDULE AT '2031-06-01 12:00:00' ON COMPLETION PRESERVE DISABLE DO DELETE FROM t`,
    to: `${t('a INT')}; CREATE EVENT once ON SCHEDULE AT '2031-06-01 12:00:00' ON COMPLETION PRESERVE ENABLE DO DELETE FROM t`,
  },
  {
    name: 'event: calls a new procedure',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE PROCEDURE cleanup() MODIFIES SQL DATA DELETE FROM t WHERE a IS NULL;
      CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO CALL cleanup()`,
  },
  {
    name: 'system versioning: a versioned table added next to a plain one',
    from: 'CREATE TABLE notes (id INT PRIMARY KEY)',
    to: 'CREATE TABLE notes (id INT PRIMARY KEY); CREATE TABLE prices (sku VARCHAR(10) PRIMARY KEY, amount DECIMAL(8,2)) WITH SYSTEM VERSIONING',
  },
  {
    name: 'system versioning: a versioned table gains a column',
    from: 'CREATE TABLE prices (sku VARCHAR(10) PRIMARY KEY, amount DECIMAL(8,2)) WITH SYSTEM VERSIONING',
    to: 'CREATE TABLE prices (sku VARCHAR(10) PRIMARY KEY, amount DECIMAL(8,2), currency CHAR(3)) WITH SYSTEM VERSIONING',
  },
  {
    name: 'package: the body changes (Oracle mode)',
    from: `SET SESSION sql_mode = 'ORACLE';
      CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;
      CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END; END;
      SET SESSION sql_mode = DEFAULT`,
    to: `SET SESSION sql_mode = 'ORACLE';
      CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;
      CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.25; END; END;
      SET SESSION sql_mode = DEFAULT`,
  },
  {
    name: 'package: the specification gains a function (Oracle mode)',
    from: `SET SESSION sql_mode = 'ORACLE';
      CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; END;
      CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END; END;
      SET SESSION sql_mode = DEFAULT`,
    to: `SET SESSION sql_mode = 'ORACLE';
      CREATE PACKAGE pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER; FUNCTION net(amount NUMBER) RETURN NUMBER; END;
      CREATE PACKAGE BODY pricing AS FUNCTION vat(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.2; END;
        FUNCTION net(amount NUMBER) RETURN NUMBER AS BEGIN RETURN amount * 0.8; END; END;
      SET SESSION sql_mode = DEFAULT`,
  },
];

const ordering: Pair[] = [
  {
    name: 'order: a view over a table whose column changes type',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t`,
    to: `${t('a VARCHAR(20)')}; CREATE VIEW v AS SELECT id, a FROM t`,
    seed: 'INSERT INTO t VALUES (1, 42)',
  },
  {
    name: 'order: a view over a column that is dropped',
    from: `${t('a INT, b INT')}; CREATE VIEW v AS SELECT id, a, b FROM t`,
    to: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t`,
  },
  {
    name: 'order: a function used by a view, both new',
    from: t('a INT'),
    to: `${t('a INT')}; CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2; CREATE VIEW v AS SELECT twice(a) AS b FROM t`,
  },
  {
    name: 'order: a function used by a view changes its signature',
    from: `${t('a INT')}; CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x; CREATE VIEW v AS SELECT f(a) AS b FROM t`,
    to: `${t('a INT')}; CREATE FUNCTION f(x INT, y INT) RETURNS INT DETERMINISTIC RETURN x + y; CREATE VIEW v AS SELECT f(a, 1) AS b FROM t`,
  },
  {
    name: 'order: a function used by a trigger changes',
    from: `${t('a INT')}; CREATE FUNCTION clamp(x INT) RETURNS INT DETERMINISTIC RETURN greatest(x, 0);
      CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.a = clamp(NEW.a)`,
    to: `${t('a INT')}; CREATE FUNCTION clamp(x INT) RETURNS INT DETERMINISTIC RETURN least(greatest(x, 0), 100);
      CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.a = clamp(NEW.a)`,
  },
  {
    name: 'order: a table referenced by a foreign key and read by a view, dropped at once',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
      CREATE VIEW pv AS SELECT id, code FROM parent`,
    to: 'CREATE TABLE child (id INT PRIMARY KEY, parent_id INT)',
    // Child rows pointing at parents would block the way back: the parent table comes back empty.
    seed: `${parentRows}; INSERT INTO child VALUES (1, NULL)`,
  },
  {
    name: 'order: an enum used by a column and a view changes',
    from: `${t(`state ENUM('new', 'done') NOT NULL DEFAULT 'new'`)}; CREATE VIEW open_t AS SELECT id FROM t WHERE state = 'new'`,
    to: `${t(`state ENUM('new', 'doing', 'done') NOT NULL DEFAULT 'new'`)}; CREATE VIEW open_t AS SELECT id FROM t WHERE state IN ('new', 'doing')`,
    seed: `INSERT INTO t VALUES (1, 'done')`,
  },
  {
    name: 'order: a foreign key cycle created with its tables and dropped with them',
    from: 'CREATE TABLE keep (id INT PRIMARY KEY)',
    to: `CREATE TABLE keep (id INT PRIMARY KEY);
      CREATE TABLE emp (id INT PRIMARY KEY, dept_id INT); CREATE TABLE dept (id INT PRIMARY KEY, head_id INT, CONSTRAINT dept_head FOREIGN KEY (head_id) REFERENCES emp (id));
      ALTER TABLE emp ADD CONSTRAINT emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id)`,
  },
  {
    name: 'order: a column used by an index, a check and a view, dropped at once',
    from: `${t('a INT, b INT, KEY kb (b), CONSTRAINT ck_b CHECK (b > 0)')}; CREATE VIEW v AS SELECT id, b FROM t`,
    to: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t`,
  },
  {
    name: 'order: the referenced primary key moves while a foreign key follows',
    from: 'CREATE TABLE p (id INT PRIMARY KEY, code INT NOT NULL); CREATE TABLE c (id INT PRIMARY KEY, p_id INT, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))',
    to: 'CREATE TABLE p (id INT NOT NULL, code INT NOT NULL PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p_id INT, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (code))',
    seed: 'INSERT INTO p VALUES (1, 1); INSERT INTO c VALUES (1, 1)',
  },
  {
    name: 'order: a trigger on a table that is dropped',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('x')`,
    to: logTable,
  },
  {
    name: 'order: a table replaced by a view of the same name over a new table',
    from: 'CREATE TABLE people (id INT PRIMARY KEY, name TEXT)',
    to: 'CREATE TABLE persons (id INT PRIMARY KEY, name TEXT); CREATE VIEW people AS SELECT id, name FROM persons',
  },
  {
    name: 'order: a sequence used by a default and a view added together',
    from: t('a INT'),
    to: `CREATE SEQUENCE seq_a; ${t('a BIGINT DEFAULT nextval(seq_a)')}; CREATE VIEW next_a AS SELECT nextval(seq_a) AS n`,
  },
  {
    name: 'order: a generated column and the index on it, over a retyped column',
    from: t('a INT, b INT AS (a + 1) VIRTUAL, KEY kb (b)'),
    to: t('a BIGINT, b BIGINT AS (a + 1) VIRTUAL, KEY kb (b)'),
    seed: 'INSERT INTO t (id, a) VALUES (1, 1)',
  },
  {
    name: 'order: a table converted to another charset under a foreign key on a text column',
    from: `CREATE TABLE p (code VARCHAR(10) PRIMARY KEY) DEFAULT CHARSET=latin1;
      CREATE TABLE c (id INT PRIMARY KEY, code VARCHAR(10), CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code)) DEFAULT CHARSET=latin1`,
    to: `CREATE TABLE p (code VARCHAR(10) PRIMARY KEY) DEFAULT CHARSET=utf8mb4;
      CREATE TABLE c (id INT PRIMARY KEY, code VARCHAR(10), CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code)) DEFAULT CHARSET=utf8mb4`,
    seed: `INSERT INTO p VALUES ('a'); INSERT INTO c VALUES (1, 'a')`,
  },
  {
    name: 'order: a text key column changes collation under a foreign key',
    from: 'CREATE TABLE p (code VARCHAR(10) PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, code VARCHAR(10), CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code))',
    to: `CREATE TABLE p (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY);
      CREATE TABLE c (id INT PRIMARY KEY, code VARCHAR(10) COLLATE utf8mb4_bin, CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code))`,
    seed: `INSERT INTO p VALUES ('a'); INSERT INTO c VALUES (1, 'a')`,
  },
  {
    name: 'order: an indexed column becomes text and its index a prefix',
    from: t('a VARCHAR(100), KEY k (a)'),
    to: t('a TEXT, KEY k (a(50))'),
    seed: `INSERT INTO t VALUES (1, 'x')`,
  },
  {
    name: 'order: a column with a check changes type',
    from: t('a INT, b INT, CONSTRAINT ck CHECK (a < b)'),
    to: t('a BIGINT, b BIGINT, CONSTRAINT ck CHECK (a < b)'),
    seed: 'INSERT INTO t VALUES (1, 1, 2)',
  },
  {
    name: 'order: a function and the view calling it dropped together',
    from: `${t('a INT')}; CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2; CREATE VIEW v AS SELECT twice(a) AS b FROM t`,
    to: `${t('a INT')}; CREATE VIEW w AS SELECT a FROM t`,
  },
  {
    name: 'order: the middle of three ordered triggers changes',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1');
      CREATE TRIGGER t_2 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('2');
      CREATE TRIGGER t_3 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('3')`,
    to: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_1 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('1');
      CREATE TRIGGER t_2 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('two');
      CREATE TRIGGER t_3 AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES ('3')`,
  },
  {
    name: 'order: a column holding a foreign key dropped, the parent kept',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY)`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, NULL)`,
  },
  {
    name: 'order: the engine and the indexes change at once',
    from: t('body TEXT', 'ENGINE=InnoDB'),
    to: t('body TEXT, FULLTEXT KEY ft (body)', `ENGINE=MyISAM COMMENT='search copy'`),
    seed: `INSERT INTO t VALUES (1, 'words')`,
  },
  {
    name: 'order: a nullable column becomes part of a new primary key',
    from: 'CREATE TABLE t (a INT, b INT NOT NULL, UNIQUE KEY ub (b))',
    to: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))',
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'order: a unique key referenced by a foreign key widens',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, code VARCHAR(10), CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code))`,
    to: `CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(30) UNIQUE); CREATE TABLE child (id INT PRIMARY KEY, code VARCHAR(30), CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code))`,
    seed: `${parentRows}; INSERT INTO child VALUES (1, 'one')`,
  },
];

const renames: Pair[] = [
  {
    name: 'rename: a table with rows',
    from: 'CREATE TABLE a (id INT PRIMARY KEY, v TEXT)',
    to: 'CREATE TABLE b (id INT PRIMARY KEY, v TEXT)',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: `INSERT INTO a VALUES (1, 'kept')`,
  },
  {
    name: 'rename: a table referenced by a foreign key',
    from: 'CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, a_id INT, CONSTRAINT c_a FOREIGN KEY (a_id) REFERENCES a (id))',
    to: 'CREATE TABLE b (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, a_id INT, CONSTRAINT c_a FOREIGN KEY (a_id) REFERENCES b (id))',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1); INSERT INTO c VALUES (1, 1)',
  },
  {
    name: 'rename: a table read by a view',
    from: 'CREATE TABLE a (id INT PRIMARY KEY); CREATE VIEW v AS SELECT id FROM a',
    to: 'CREATE TABLE b (id INT PRIMARY KEY); CREATE VIEW v AS SELECT id FROM b',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1)',
  },
  {
    name: 'rename: a table with a trigger',
    from: `CREATE TABLE a (id INT PRIMARY KEY); ${logTable}; CREATE TRIGGER a_ai AFTER INSERT ON a FOR EACH ROW INSERT INTO log VALUES ('x')`,
    to: `CREATE TABLE b (id INT PRIMARY KEY); ${logTable}; CREATE TRIGGER a_ai AFTER INSERT ON b FOR EACH ROW INSERT INTO log VALUES ('x')`,
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
  },
  {
    name: 'rename: a self-referencing table',
    from: 'CREATE TABLE node (id INT PRIMARY KEY, up INT, CONSTRAINT node_up FOREIGN KEY (up) REFERENCES node (id))',
    to: 'CREATE TABLE vertex (id INT PRIMARY KEY, up INT, CONSTRAINT node_up FOREIGN KEY (up) REFERENCES vertex (id))',
    renames: [{ kind: 'table', from: 'node', to: 'vertex' }],
    seed: 'INSERT INTO node VALUES (1, NULL), (2, 1)',
  },
  {
    name: 'rename: a column with rows',
    from: t('name VARCHAR(20)'),
    to: t('title VARCHAR(20)'),
    renames: [{ kind: 'column', table: 't', from: 'name', to: 'title' }],
    seed: `INSERT INTO t VALUES (1, 'kept')`,
  },
  {
    name: 'rename: a column used by an index',
    from: t('a INT, KEY by_a (a)'),
    to: t('b INT, KEY by_a (b)'),
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'b' }],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: a column that holds a foreign key',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_parent FOREIGN KEY (pid) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    renames: [{ kind: 'column', table: 'child', from: 'pid', to: 'parent_id' }],
    seed: `${parentRows}; INSERT INTO child VALUES (1, 2)`,
  },
  {
    name: 'rename: a column another table references',
    from: 'CREATE TABLE p (pid INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (pid))',
    to: 'CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (id))',
    renames: [{ kind: 'column', table: 'p', from: 'pid', to: 'id' }],
    seed: 'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1)',
  },
  {
    name: 'rename: a column read by a view',
    from: `${t('a INT')}; CREATE VIEW v AS SELECT id, a FROM t`,
    to: `${t('b INT')}; CREATE VIEW v AS SELECT id, b FROM t`,
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'b' }],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: a column whose type changes too',
    from: t('qty INT'),
    to: t('quantity BIGINT NOT NULL DEFAULT 0'),
    renames: [{ kind: 'column', table: 't', from: 'qty', to: 'quantity' }],
    seed: 'INSERT INTO t VALUES (1, 3)',
  },
  {
    name: 'rename: a table and one of its columns',
    from: 'CREATE TABLE a (id INT PRIMARY KEY, x INT)',
    to: 'CREATE TABLE b (id INT PRIMARY KEY, y INT)',
    renames: [
      { kind: 'table', from: 'a', to: 'b' },
      { kind: 'column', table: 'b', from: 'x', to: 'y' },
    ],
    seed: 'INSERT INTO a VALUES (1, 1)',
  },
  {
    name: 'rename: an index',
    from: t('a INT, KEY i1 (a)'),
    to: t('a INT, KEY i2 (a)'),
    renames: [{ kind: 'index', table: 't', from: 'i1', to: 'i2' }],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: a unique index',
    from: t('a INT, UNIQUE KEY u1 (a)'),
    to: t('a INT, UNIQUE KEY u2 (a)'),
    renames: [{ kind: 'index', table: 't', from: 'u1', to: 'u2' }],
  },
  {
    name: 'rename: an index whose comment changes',
    from: t(`a INT, KEY i1 (a) COMMENT 'old'`),
    to: t(`a INT, KEY i2 (a) COMMENT 'new'`),
    renames: [{ kind: 'index', table: 't', from: 'i1', to: 'i2' }],
  },
  {
    name: 'rename: a view',
    from: `${t('a INT')}; CREATE VIEW v1 AS SELECT a FROM t`,
    to: `${t('a INT')}; CREATE VIEW v2 AS SELECT a FROM t`,
    renames: [{ kind: 'view', from: 'v1', to: 'v2' }],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: a view read by another view',
    from: `${t('a INT')}; CREATE VIEW base AS SELECT a FROM t; CREATE VIEW top AS SELECT a FROM base`,
    to: `${t('a INT')}; CREATE VIEW base2 AS SELECT a FROM t; CREATE VIEW top AS SELECT a FROM base2`,
    renames: [{ kind: 'view', from: 'base', to: 'base2' }],
  },
  {
    name: 'rename: a view whose definition changes too',
    from: `${t('a INT')}; CREATE VIEW v1 AS SELECT a FROM t`,
    to: `${t('a INT')}; CREATE VIEW v2 AS SELECT a, id FROM t WHERE a > 0`,
    renames: [{ kind: 'view', from: 'v1', to: 'v2' }],
  },
  {
    name: 'rename: a column used by a generated column',
    from: t('a INT, b INT AS (a * 2) VIRTUAL'),
    to: t('x INT, b INT AS (x * 2) VIRTUAL'),
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'x' }],
    seed: 'INSERT INTO t (id, a) VALUES (1, 1)',
  },
  {
    name: 'rename: a column used by a check',
    from: t('a INT, CONSTRAINT ck CHECK (a > 0)'),
    to: t('x INT, CONSTRAINT ck CHECK (x > 0)'),
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'x' }],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: a column that is part of the primary key',
    from: 'CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))',
    to: 'CREATE TABLE t (a INT NOT NULL, c INT NOT NULL, PRIMARY KEY (a, c))',
    renames: [{ kind: 'column', table: 't', from: 'b', to: 'c' }],
    seed: 'INSERT INTO t VALUES (1, 2)',
  },
  {
    name: 'rename: a table that gains a column at once',
    from: 'CREATE TABLE a (id INT PRIMARY KEY)',
    to: 'CREATE TABLE b (id INT PRIMARY KEY, added INT)',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1)',
  },
  {
    name: 'rename: a table that holds a foreign key',
    from: `${parent}; CREATE TABLE kid (id INT PRIMARY KEY, parent_id INT, CONSTRAINT kid_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT kid_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    renames: [{ kind: 'table', from: 'kid', to: 'child' }],
    seed: `${parentRows}; INSERT INTO kid VALUES (1, 1)`,
  },
  {
    name: 'rename: a column read by a trigger',
    from: `${t('a INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (NEW.a)`,
    to: `${t('b INT')}; ${logTable}; CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (NEW.b)`,
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'b' }],
  },
  {
    name: 'rename: a column and the index over it',
    from: t('a INT, KEY by_a (a)'),
    to: t('b INT, KEY by_b (b)'),
    renames: [
      { kind: 'column', table: 't', from: 'a', to: 'b' },
      { kind: 'index', table: 't', from: 'by_a', to: 'by_b' },
    ],
    seed: 'INSERT INTO t VALUES (1, 1)',
  },
  {
    name: 'rename: the index a foreign key stands on',
    from: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix_old (parent_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    to: `${parent}; CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, KEY ix_new (parent_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))`,
    renames: [{ kind: 'index', table: 'child', from: 'ix_old', to: 'ix_new' }],
  },
  {
    name: 'rename: a column in a composite foreign key on both sides',
    from: 'CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)); CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b))',
    to: 'CREATE TABLE p (a INT, bb INT, PRIMARY KEY (a, bb)); CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, bb))',
    renames: [{ kind: 'column', table: 'p', from: 'b', to: 'bb' }],
    seed: 'INSERT INTO p VALUES (1, 2); INSERT INTO c VALUES (1, 1, 2)',
  },
  {
    name: 'rename: a view while the table it reads is renamed',
    from: 'CREATE TABLE a (id INT PRIMARY KEY); CREATE VIEW va AS SELECT id FROM a',
    to: 'CREATE TABLE b (id INT PRIMARY KEY); CREATE VIEW vb AS SELECT id FROM b',
    renames: [
      { kind: 'table', from: 'a', to: 'b' },
      { kind: 'view', from: 'va', to: 'vb' },
    ],
    seed: 'INSERT INTO a VALUES (1)',
  },
  {
    name: 'rename: a column with a default and a comment',
    from: t(`status VARCHAR(10) NOT NULL DEFAULT 'new' COMMENT 'state'`),
    to: t(`state VARCHAR(10) NOT NULL DEFAULT 'new' COMMENT 'state'`),
    renames: [{ kind: 'column', table: 't', from: 'status', to: 'state' }],
    seed: `INSERT INTO t VALUES (1, 'done')`,
  },
  {
    name: 'rename: an auto_increment key column',
    from: 'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT)',
    to: 'CREATE TABLE t (t_id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT)',
    renames: [{ kind: 'column', table: 't', from: 'id', to: 't_id' }],
    seed: `INSERT INTO t (v) VALUES ('a'), ('b')`,
  },
  {
    name: 'rename: a table whose trigger changes too',
    from: `CREATE TABLE a (id INT PRIMARY KEY); ${logTable}; CREATE TRIGGER a_ai AFTER INSERT ON a FOR EACH ROW INSERT INTO log VALUES ('a')`,
    to: `CREATE TABLE b (id INT PRIMARY KEY); ${logTable}; CREATE TRIGGER a_ai AFTER INSERT ON b FOR EACH ROW INSERT INTO log VALUES ('b')`,
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1)',
  },
  {
    name: 'rename: a column whose check changes too',
    from: t('a INT, CONSTRAINT ck CHECK (a > 0)'),
    to: t('x INT, CONSTRAINT ck CHECK (x > 0 AND x < 1000)'),
    renames: [{ kind: 'column', table: 't', from: 'a', to: 'x' }],
    seed: 'INSERT INTO t VALUES (1, 5)',
  },
  {
    name: 'rename: a partitioned table',
    from: 'CREATE TABLE a (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2',
    to: 'CREATE TABLE b (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1), (2)',
  },
  {
    name: 'rename: a partitioned table whose partitioning changes',
    from: 'CREATE TABLE a (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2',
    to: 'CREATE TABLE b (id INT PRIMARY KEY) PARTITION BY KEY (id) PARTITIONS 3',
    renames: [{ kind: 'table', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1), (2)',
  },
  {
    name: 'rename: a view with a column list',
    from: `${t('a INT')}; CREATE VIEW v1 (x) AS SELECT a FROM t`,
    to: `${t('a INT')}; CREATE VIEW v2 (x) AS SELECT a FROM t`,
    renames: [{ kind: 'view', from: 'v1', to: 'v2' }],
  },
  {
    name: 'rename: a column whose index is fulltext',
    from: t('body TEXT, FULLTEXT KEY ft (body)'),
    to: t('content TEXT, FULLTEXT KEY ft (content)'),
    renames: [{ kind: 'column', table: 't', from: 'body', to: 'content' }],
    seed: `INSERT INTO t VALUES (1, 'words')`,
  },
  {
    name: 'rename: an index while its column widens',
    from: t('a VARCHAR(10), KEY i1 (a)'),
    to: t('a VARCHAR(40), KEY i2 (a)'),
    renames: [{ kind: 'index', table: 't', from: 'i1', to: 'i2' }],
    seed: `INSERT INTO t VALUES (1, 'x')`,
  },
];

export const mysqlPairs: Pair[] = [
  ...fromEmpty,
  ...tables,
  ...columnTypes,
  ...enumsAndSets,
  ...defaults,
  ...nullability,
  ...autoIncrement,
  ...generated,
  ...collations,
  ...primaryKeys,
  ...uniques,
  ...foreignKeys,
  ...checks,
  ...indexes,
  ...views,
  ...triggers,
  ...routines,
  ...sequences,
  ...comments,
  ...engineSpecific,
  ...ordering,
  ...renames,
];
