/** SQLite's SQL for the shared conformance cases (see ../engines.ts). */
export const sqliteCases: Record<string, string> = {
  'column types': `CREATE TABLE t (
    a INTEGER, b BIGINT, c SMALLINT, d TINYINT, e TEXT, f VARCHAR(40), g NVARCHAR(12), h CHAR(3),
    i REAL, j DOUBLE PRECISION, k FLOAT, l NUMERIC(10,2), m DECIMAL(5), n BLOB, o BOOLEAN,
    p DATE, q DATETIME, r TIMESTAMP, s JSON, t_ UUID, u)`,
  'nullability and defaults': `CREATE TABLE t (
    id INTEGER NOT NULL, name TEXT NOT NULL DEFAULT 'x', n INTEGER DEFAULT 0, neg INTEGER DEFAULT -1,
    f REAL DEFAULT 1.5, created TEXT DEFAULT CURRENT_TIMESTAMP, expr TEXT DEFAULT (lower('A')), nada TEXT DEFAULT NULL)`,
  'primary keys': `CREATE TABLE a (id INTEGER PRIMARY KEY);
    CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
    CREATE TABLE c (x INTEGER, y TEXT, CONSTRAINT pk_c PRIMARY KEY (x, y));
    CREATE TABLE d (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
    CREATE TABLE e (a INTEGER, b TEXT, PRIMARY KEY (a DESC, b));
    CREATE TABLE f (id INTEGER PRIMARY KEY DESC, v TEXT)`,
  'unique constraints': `CREATE TABLE t (a INTEGER UNIQUE, b TEXT, c TEXT, CONSTRAINT uq_bc UNIQUE (b, c))`,
  'foreign keys': `CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
    CREATE TABLE child (
      id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE,
      code TEXT, other INTEGER,
      CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
      FOREIGN KEY (other) REFERENCES parent ON DELETE SET DEFAULT ON UPDATE RESTRICT)`,
  'check constraints': `CREATE TABLE t (a INTEGER CHECK (a > 0), b TEXT, CONSTRAINT ck_b CHECK (length(b) < 10), CHECK (a < 100 OR b IS NULL))`,
  indexes: `CREATE TABLE t (a INTEGER, b TEXT, c TEXT);
    CREATE INDEX t_a ON t (a);
    CREATE UNIQUE INDEX t_bc ON t (b DESC, c COLLATE NOCASE);
    CREATE INDEX t_partial ON t (a) WHERE b IS NOT NULL;
    CREATE INDEX t_expr ON t (lower(b), a + 1)`,
  'generated columns and collations': `CREATE TABLE t (a INTEGER, b TEXT COLLATE NOCASE, c INTEGER GENERATED ALWAYS AS (a * 2) STORED, d TEXT AS (upper(b)) VIRTUAL)`,
  'strict tables': `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n ANY) STRICT`,
  views: `CREATE TABLE t (a INTEGER, b TEXT);
    CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1;
    CREATE VIEW v2 (x, y) AS SELECT a, b FROM v1;
    CREATE VIEW v0 AS SELECT count(*) AS n FROM v2`,
  triggers: `CREATE TABLE t (a INTEGER, updated TEXT);
    CREATE TABLE log (msg TEXT);
    CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('insert ' || NEW.a); END;
    CREATE TRIGGER t_upd BEFORE UPDATE OF a ON t FOR EACH ROW WHEN NEW.a < 0 BEGIN SELECT RAISE(ABORT, 'negative'); END`,
  'quoted identifiers': `CREATE TABLE "odd ""name""" ("select" INTEGER, [group] TEXT, \`order\` REAL, "naïve" TEXT);
    CREATE INDEX "idx.odd" ON "odd ""name""" ("select")`,
  'virtual tables are kept as native objects': `CREATE VIRTUAL TABLE docs USING fts5(title, body)`,
};
