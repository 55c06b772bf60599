/** DuckDB's SQL for the shared conformance cases (see ../engines.ts), and cases only DuckDB has. */
export const duckdbCases: Record<string, string> = {
  'column types': `CREATE TABLE t (
    a INTEGER, b BIGINT, c SMALLINT, d TINYINT, e TEXT, f VARCHAR(40), g UBIGINT, h UTINYINT,
    i REAL, j DOUBLE, k FLOAT, l NUMERIC(10,2), m DECIMAL(5), n BLOB, o BOOLEAN,
    p DATE, q TIMESTAMP, r TIMESTAMPTZ, s JSON, t_ UUID, u INTERVAL, v TIME, w HUGEINT, x TIMESTAMP_NS, y BIT)`,
  'nullability and defaults': `CREATE TABLE t (
    id INTEGER NOT NULL, name TEXT NOT NULL DEFAULT 'x', n INTEGER DEFAULT 0, neg INTEGER DEFAULT -1,
    f REAL DEFAULT 1.5, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, expr TEXT DEFAULT (lower('A')), nada TEXT DEFAULT NULL)`,
  'primary keys': `CREATE TABLE a (id INTEGER PRIMARY KEY);
    CREATE TABLE c (x INTEGER, y TEXT, CONSTRAINT pk_c PRIMARY KEY (x, y));
    CREATE TABLE d (k TEXT PRIMARY KEY, v TEXT)`,
  'unique constraints': `CREATE TABLE t (a INTEGER UNIQUE, b TEXT, c TEXT, CONSTRAINT uq_bc UNIQUE (b, c))`,
  'foreign keys': `CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
    CREATE TABLE child (
      id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id),
      code TEXT, other INTEGER,
      CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code),
      FOREIGN KEY (other) REFERENCES parent (id) ON DELETE RESTRICT)`,
  'check constraints': `CREATE TABLE t (a INTEGER CHECK (a > 0), b TEXT, CONSTRAINT ck_b CHECK (length(b) < 10), CHECK (a < 100 OR b IS NULL))`,
  indexes: `CREATE TABLE t (a INTEGER, b TEXT, c TEXT);
    CREATE INDEX t_a ON t (a);
    CREATE UNIQUE INDEX t_bc ON t (b, c);
    CREATE INDEX t_expr ON t (lower(b), (a + 1))`,
  'generated columns and collations': `CREATE TABLE t (a INTEGER, b TEXT COLLATE NOCASE, c INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, d TEXT AS (upper(b)))`,
  views: `CREATE TABLE t (a INTEGER, b TEXT);
    CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1;
    CREATE VIEW v2 (x, y) AS SELECT a, b FROM v1;
    CREATE VIEW v0 AS SELECT count(*) AS n FROM v2`,
  'quoted identifiers': `CREATE TABLE "odd ""name""" ("select" INTEGER, "group" TEXT, "order" REAL, "naïve" TEXT);
    CREATE INDEX "idx.odd" ON "odd ""name""" ("select")`,
  comments: `CREATE TABLE t (a INTEGER, b TEXT);
    CREATE INDEX t_a ON t (a);
    CREATE VIEW v AS SELECT a FROM t;
    CREATE SEQUENCE s;
    COMMENT ON TABLE t IS 'the table';
    COMMENT ON COLUMN t.b IS 'it''s b';
    COMMENT ON INDEX t_a IS 'by a';
    COMMENT ON VIEW v IS 'a view';
    COMMENT ON SEQUENCE s IS 'numbers'`,
  enums: `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    COMMENT ON TYPE mood IS 'feelings';
    CREATE TABLE person (name TEXT, current_mood mood, inline_mood ENUM('x', 'y''z'))`,
  'lists and fixed-size arrays': `CREATE TABLE t (tags VARCHAR[], grid INTEGER[][], embedding FLOAT[3], pair DOUBLE[2], nums DECIMAL(10,2)[])`,
  'structs, maps and unions': `CREATE TABLE t (
    s STRUCT(x INTEGER, "my y" VARCHAR), m MAP(VARCHAR, INTEGER[]), u UNION(n INTEGER, s VARCHAR),
    nested STRUCT(deep STRUCT(a INTEGER), list INTEGER[])[])`,
  sequences: `CREATE SEQUENCE plain;
    CREATE SEQUENCE stepped START 100 INCREMENT BY 5;
    CREATE SEQUENCE down START WITH 10 INCREMENT BY -1 MINVALUE 1 MAXVALUE 10 CYCLE;
    CREATE TABLE t (id BIGINT DEFAULT nextval('stepped') PRIMARY KEY, v TEXT)`,
  schemas: `CREATE SCHEMA sales;
    CREATE SCHEMA "Odd Schema";
    CREATE TABLE sales.customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE sales."order" (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES sales.customer (id));
    CREATE INDEX order_customer ON sales."order" (customer_id);
    CREATE TYPE sales.status AS ENUM ('new', 'paid');
    CREATE SEQUENCE sales.ids;
    CREATE VIEW sales.big AS SELECT * FROM sales.customer WHERE id > 100;
    CREATE TABLE "Odd Schema".t (a INTEGER);
    CREATE TABLE main_t (x INTEGER)`,
  'macros are kept as native objects': `CREATE MACRO add_one(x) AS x + 1;
    CREATE MACRO pick(a, b) AS CASE WHEN a > b THEN a ELSE b END;
    CREATE MACRO area(r) AS pi() * r * r, (w, h) AS w * h;
    CREATE MACRO numbers(n) AS TABLE SELECT * FROM range(n);
    CREATE SCHEMA util;
    CREATE MACRO util.twice(x) AS x * 2;
    COMMENT ON MACRO add_one IS 'plus one'`,
  'type aliases are kept as native objects': `CREATE TYPE point AS STRUCT(x DOUBLE, y DOUBLE);
    CREATE TYPE money AS DECIMAL(12,2);
    CREATE TABLE t (place point, price money)`,
};
