import { postgresCases } from '../../conformance/cases/postgres.js';
import type { Pair } from '../run-pairs.js';

/**
 * PostgreSQL migration pairs. First every conformance case built from an empty database (and dropped
 * again on the way back), then changes: one object kind at a time, then changes whose statements must
 * come in a particular order, then recorded renames. Seeds put rows where a plan must keep them.
 */

/**
 * Conformance cases that cannot be dropped again by a plan: a base type and its I/O functions depend
 * on each other, and only DROP TYPE ... CASCADE undoes them.
 */
const NOT_DROPPABLE = new Set(['base types are kept as native objects']);

const fromEmpty: Pair[] = Object.entries(postgresCases)
  .filter(([name]) => !NOT_DROPPABLE.has(name))
  .map(([name, sql]) => ({ name: `create: ${name}`, from: '', to: sql }));

/** A pair whose two sides share a prefix of setup SQL. */
const around = (name: string, common: string, from: string, to: string, extra: Partial<Pick<Pair, 'seed' | 'renames'>> = {}): Pair => ({
  name,
  from: `${common};\n${from}`,
  to: `${common};\n${to}`,
  ...extra,
});

const tables: Pair[] = [
  around('add a table beside another', 'CREATE TABLE a (id int PRIMARY KEY)', '', 'CREATE TABLE b (id int PRIMARY KEY, note text)', {
    seed: 'INSERT INTO a VALUES (1)',
  }),
  { name: 'move a table to another schema', from: 'CREATE SCHEMA s; CREATE TABLE t (id int)', to: 'CREATE SCHEMA s; CREATE TABLE s.t (id int)' },
  around('add a schema with a table', 'CREATE TABLE a (id int)', '', 'CREATE SCHEMA app; CREATE TABLE app.a (id int)'),
  around('comment on a table: add', 'CREATE TABLE t (id int)', '', "COMMENT ON TABLE t IS 'things'"),
  around('comment on a table: change', 'CREATE TABLE t (id int)', "COMMENT ON TABLE t IS 'things'", "COMMENT ON TABLE t IS 'other things'"),
  { name: 'logged table becomes unlogged', from: 'CREATE TABLE t (id int)', to: 'CREATE UNLOGGED TABLE t (id int)', seed: 'INSERT INTO t VALUES (1)' },
  around(
    'storage parameter: add and change',
    'CREATE TABLE u (a int)',
    'CREATE TABLE t (a int) WITH (fillfactor = 90)',
    'CREATE TABLE t (a int) WITH (fillfactor = 60, autovacuum_enabled = false)',
  ),
  around(
    'row-level security: enable and force',
    'CREATE TABLE doc (id int)',
    '',
    'ALTER TABLE doc ENABLE ROW LEVEL SECURITY; ALTER TABLE doc FORCE ROW LEVEL SECURITY',
  ),
  around('replica identity: default to full', 'CREATE TABLE t (a int)', '', 'ALTER TABLE t REPLICA IDENTITY FULL'),
  around(
    'replica identity: full to an index',
    'CREATE TABLE t (a int NOT NULL); CREATE UNIQUE INDEX t_a ON t (a)',
    'ALTER TABLE t REPLICA IDENTITY FULL',
    'ALTER TABLE t REPLICA IDENTITY USING INDEX t_a',
  ),
  {
    name: 'drop one of two tables with rows',
    from: 'CREATE TABLE a (id int); CREATE TABLE b (id int)',
    to: 'CREATE TABLE a (id int)',
    seed: 'INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)',
  },
];

const columns: Pair[] = [
  around(
    'add a nullable column to a table with rows',
    'CREATE TABLE t (id int PRIMARY KEY)',
    'ALTER TABLE t ADD COLUMN x int',
    'ALTER TABLE t ADD COLUMN x int, ADD COLUMN note text',
    { seed: 'INSERT INTO t VALUES (1, 1)' },
  ),
  around(
    'add a NOT NULL column with a default to a table with rows',
    'CREATE TABLE t (id int)',
    '',
    "ALTER TABLE t ADD COLUMN status text NOT NULL DEFAULT 'new'",
    { seed: 'INSERT INTO t VALUES (1), (2)' },
  ),
  { name: 'drop a column', from: 'CREATE TABLE t (id int, gone text)', to: 'CREATE TABLE t (id int)' },
  {
    name: 'widen integer to bigint with rows',
    from: 'CREATE TABLE t (id int, n integer)',
    to: 'CREATE TABLE t (id int, n bigint)',
    seed: 'INSERT INTO t VALUES (1, 2147483647)',
  },
  { name: 'widen smallint to integer', from: 'CREATE TABLE t (n smallint)', to: 'CREATE TABLE t (n integer)', seed: 'INSERT INTO t VALUES (32767)' },
  {
    name: 'widen varchar(10) to varchar(50) with rows',
    from: 'CREATE TABLE t (s varchar(10))',
    to: 'CREATE TABLE t (s varchar(50))',
    seed: "INSERT INTO t VALUES ('0123456789')",
  },
  { name: 'varchar to text', from: 'CREATE TABLE t (s varchar(20))', to: 'CREATE TABLE t (s text)', seed: "INSERT INTO t VALUES ('abc')" },
  { name: 'char(3) to char(8)', from: 'CREATE TABLE t (c char(3))', to: 'CREATE TABLE t (c char(8))', seed: "INSERT INTO t VALUES ('abc')" },
  {
    name: 'numeric precision and scale change',
    from: 'CREATE TABLE t (n numeric(10,2))',
    to: 'CREATE TABLE t (n numeric(14,4))',
    seed: 'INSERT INTO t VALUES (12345678.91)',
  },
  {
    name: 'numeric with no precision gains one',
    from: 'CREATE TABLE t (n numeric)',
    to: 'CREATE TABLE t (n numeric(8,3))',
    seed: 'INSERT INTO t VALUES (1.5)',
  },
  { name: 'real to double precision', from: 'CREATE TABLE t (f real)', to: 'CREATE TABLE t (f double precision)', seed: 'INSERT INTO t VALUES (1.5)' },
  { name: 'text holding digits to integer', from: 'CREATE TABLE t (v text)', to: 'CREATE TABLE t (v integer)', seed: "INSERT INTO t VALUES ('42')" },
  {
    name: 'timestamp to timestamptz',
    from: 'CREATE TABLE t (at timestamp)',
    to: 'CREATE TABLE t (at timestamptz)',
    seed: "INSERT INTO t VALUES ('2024-01-01 10:00')",
  },
  { name: 'timestamp precision change', from: 'CREATE TABLE t (at timestamp(6))', to: 'CREATE TABLE t (at timestamp(0))' },
  { name: 'date to timestamp', from: 'CREATE TABLE t (d date)', to: 'CREATE TABLE t (d timestamp)', seed: "INSERT INTO t VALUES ('2024-02-29')" },
  { name: 'time to time with time zone', from: 'CREATE TABLE t (x time)', to: 'CREATE TABLE t (x time with time zone)' },
  { name: 'interval with fields added', from: 'CREATE TABLE t (i interval)', to: 'CREATE TABLE t (i interval day to second)' },
  { name: 'json to jsonb with rows', from: 'CREATE TABLE t (doc json)', to: 'CREATE TABLE t (doc jsonb)', seed: `INSERT INTO t VALUES ('{"a": 1}')` },
  {
    name: 'text to uuid',
    from: 'CREATE TABLE t (k text)',
    to: 'CREATE TABLE t (k uuid)',
    seed: "INSERT INTO t VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')",
  },
  { name: 'bytea column added', from: 'CREATE TABLE t (id int)', to: 'CREATE TABLE t (id int, blob bytea)' },
  { name: 'bit to bit varying', from: 'CREATE TABLE t (b bit(3))', to: 'CREATE TABLE t (b bit varying(8))', seed: "INSERT INTO t VALUES (B'101')" },
  { name: 'inet to cidr', from: 'CREATE TABLE t (net inet)', to: 'CREATE TABLE t (net cidr)', seed: "INSERT INTO t VALUES ('10.0.0.0/8')" },
  { name: 'integer array to bigint array', from: 'CREATE TABLE t (a int[])', to: 'CREATE TABLE t (a bigint[])', seed: "INSERT INTO t VALUES ('{1,2}')" },
  { name: 'scalar to array', from: 'CREATE TABLE t (tag text)', to: 'CREATE TABLE t (tag text[])' },
  {
    name: 'geometric, money, xml and text search columns added',
    from: 'CREATE TABLE t (id int)',
    to: 'CREATE TABLE t (id int, p point, m money, x xml, v tsvector, mac macaddr)',
  },
  { name: 'boolean column with rows becomes text', from: 'CREATE TABLE t (b boolean)', to: 'CREATE TABLE t (b text)', seed: 'INSERT INTO t VALUES (true)' },
  {
    name: 'reorder-free change of two columns at once',
    from: 'CREATE TABLE t (a int, b varchar(5))',
    to: 'CREATE TABLE t (a bigint, b varchar(9))',
    seed: "INSERT INTO t VALUES (1, 'x')",
  },
];

const defaultsAndNulls: Pair[] = [
  { name: 'default: add', from: 'CREATE TABLE t (n int)', to: 'CREATE TABLE t (n int DEFAULT 0)' },
  { name: 'default: change', from: "CREATE TABLE t (s text DEFAULT 'a')", to: "CREATE TABLE t (s text DEFAULT 'it''s')" },
  { name: 'default: drop', from: 'CREATE TABLE t (created timestamptz DEFAULT now())', to: 'CREATE TABLE t (created timestamptz)' },
  { name: 'default: function call to constant', from: 'CREATE TABLE t (d date DEFAULT CURRENT_DATE)', to: "CREATE TABLE t (d date DEFAULT '2000-01-01')" },
  {
    name: 'default: kept while the column type changes',
    from: 'CREATE TABLE t (n int DEFAULT 5)',
    to: 'CREATE TABLE t (n bigint DEFAULT 5)',
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'default: array and json literals',
    from: 'CREATE TABLE t (a int[], j jsonb)',
    to: `CREATE TABLE t (a int[] DEFAULT '{}', j jsonb DEFAULT '{"k": []}')`,
  },
  { name: 'NOT NULL: set on a column with rows', from: 'CREATE TABLE t (n int)', to: 'CREATE TABLE t (n int NOT NULL)', seed: 'INSERT INTO t VALUES (1)' },
  { name: 'NOT NULL: drop', from: 'CREATE TABLE t (n int NOT NULL)', to: 'CREATE TABLE t (n int)' },
  { name: 'NOT NULL and default together', from: 'CREATE TABLE t (n int)', to: 'CREATE TABLE t (n int NOT NULL DEFAULT 1)', seed: 'INSERT INTO t VALUES (3)' },
];

const identityAndGenerated: Pair[] = [
  {
    name: 'identity: add to an existing column with rows',
    from: 'CREATE TABLE t (id int NOT NULL)',
    to: 'CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY)',
    seed: 'INSERT INTO t VALUES (1)',
  },
  { name: 'identity: drop', from: 'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY)', to: 'CREATE TABLE t (id bigint NOT NULL)' },
  {
    name: 'identity: always to by default',
    from: 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY)',
    to: 'CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY)',
  },
  {
    name: 'identity: options change',
    from: 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY)',
    to: 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10 CACHE 5))',
  },
  {
    name: 'identity: column added to a table with rows',
    from: 'CREATE TABLE t (v text)',
    to: 'CREATE TABLE t (v text, id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)',
    seed: "INSERT INTO t VALUES ('a'), ('b')",
  },
  { name: 'serial column added', from: 'CREATE TABLE t (v text)', to: 'CREATE TABLE t (v text, id serial)', seed: "INSERT INTO t VALUES ('a')" },
  {
    name: 'serial becomes identity',
    from: 'CREATE TABLE t (id serial PRIMARY KEY)',
    to: 'CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)',
    seed: 'INSERT INTO t DEFAULT VALUES',
  },
  {
    name: 'generated column: add',
    from: 'CREATE TABLE t (a int)',
    to: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED)',
    seed: 'INSERT INTO t VALUES (2)',
  },
  {
    name: 'generated column: expression change',
    from: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED)',
    to: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 3) STORED)',
    seed: 'INSERT INTO t (a) VALUES (2)',
  },
  {
    name: 'generated column becomes a plain column',
    from: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a + 1) STORED)',
    to: 'CREATE TABLE t (a int, b int)',
    seed: 'INSERT INTO t (a) VALUES (1)',
  },
];

const collations: Pair[] = [
  { name: 'collation: add to a column', from: 'CREATE TABLE t (s text)', to: 'CREATE TABLE t (s text COLLATE "C")', seed: "INSERT INTO t VALUES ('x')" },
  { name: 'collation: change', from: 'CREATE TABLE t (s varchar(10) COLLATE "C")', to: 'CREATE TABLE t (s varchar(10) COLLATE "POSIX")' },
  {
    name: 'collation: custom ICU collation used by a new column',
    from: 'CREATE TABLE t (id int)',
    to: "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE TABLE t (id int, n text COLLATE ci)",
  },
];

const keys: Pair[] = [
  {
    name: 'primary key: add to a table with rows',
    from: 'CREATE TABLE t (id int NOT NULL, v text)',
    to: 'CREATE TABLE t (id int PRIMARY KEY, v text)',
    seed: "INSERT INTO t VALUES (1, 'a')",
  },
  { name: 'primary key: drop', from: 'CREATE TABLE t (id int PRIMARY KEY)', to: 'CREATE TABLE t (id int NOT NULL)' },
  {
    name: 'primary key: change column',
    from: 'CREATE TABLE t (a int PRIMARY KEY, b int NOT NULL)',
    to: 'CREATE TABLE t (a int NOT NULL, b int PRIMARY KEY)',
    seed: 'INSERT INTO t VALUES (1, 2)',
  },
  {
    name: 'primary key: single to composite',
    from: 'CREATE TABLE t (a int PRIMARY KEY, b int NOT NULL)',
    to: 'CREATE TABLE t (a int, b int, PRIMARY KEY (a, b))',
  },
  {
    name: 'primary key: renamed constraint',
    from: 'CREATE TABLE t (a int CONSTRAINT t_pkey PRIMARY KEY)',
    to: 'CREATE TABLE t (a int CONSTRAINT t_pk PRIMARY KEY)',
  },
  {
    name: 'primary key: change while a foreign key references it',
    from: 'CREATE TABLE p (id int PRIMARY KEY, code int NOT NULL UNIQUE); CREATE TABLE c (p_id int REFERENCES p (id))',
    to: 'CREATE TABLE p (id int NOT NULL UNIQUE, code int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id))',
  },
  {
    name: 'unique: add',
    from: 'CREATE TABLE t (a int, b int)',
    to: 'CREATE TABLE t (a int, b int, CONSTRAINT t_ab UNIQUE (a, b))',
    seed: 'INSERT INTO t VALUES (1, 1), (1, 2)',
  },
  { name: 'unique: drop', from: 'CREATE TABLE t (a int UNIQUE)', to: 'CREATE TABLE t (a int)' },
  {
    name: 'unique: change columns',
    from: 'CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a))',
    to: 'CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a, b))',
  },
  {
    name: 'unique: nulls not distinct',
    from: 'CREATE TABLE t (a int, CONSTRAINT u UNIQUE (a))',
    to: 'CREATE TABLE t (a int, CONSTRAINT u UNIQUE NULLS NOT DISTINCT (a))',
  },
  {
    name: 'unique: becomes deferrable',
    from: 'CREATE TABLE t (a int, CONSTRAINT u UNIQUE (a))',
    to: 'CREATE TABLE t (a int, CONSTRAINT u UNIQUE (a) DEFERRABLE INITIALLY DEFERRED)',
  },
  {
    name: 'unique: INCLUDE columns added',
    from: 'CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a))',
    to: 'CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a) INCLUDE (b))',
  },
  around('unique: comment on the constraint', 'CREATE TABLE t (a int CONSTRAINT u UNIQUE)', '', "COMMENT ON CONSTRAINT u ON t IS 'one each'"),
];

const P = 'CREATE TABLE p (id int PRIMARY KEY, a int, b int, code text UNIQUE, UNIQUE (a, b))';
const foreignKeys: Pair[] = [
  around('foreign key: add with rows', P, 'CREATE TABLE c (p_id int)', 'CREATE TABLE c (p_id int REFERENCES p (id))', {
    seed: 'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)',
  }),
  around('foreign key: drop', P, 'CREATE TABLE c (p_id int REFERENCES p (id))', 'CREATE TABLE c (p_id int)'),
  around(
    'foreign key: ON DELETE action change',
    P,
    'CREATE TABLE c (p_id int CONSTRAINT fk REFERENCES p (id) ON DELETE CASCADE)',
    'CREATE TABLE c (p_id int CONSTRAINT fk REFERENCES p (id) ON DELETE SET NULL ON UPDATE CASCADE)',
  ),
  around(
    'foreign key: composite added',
    P,
    'CREATE TABLE c (a int, b int)',
    'CREATE TABLE c (a int, b int, CONSTRAINT fk_ab FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL)',
  ),
  around(
    'foreign key: retargeted to another column',
    P,
    'CREATE TABLE c (k int, s text, CONSTRAINT fk FOREIGN KEY (k) REFERENCES p (id))',
    'CREATE TABLE c (k int, s text, CONSTRAINT fk FOREIGN KEY (s) REFERENCES p (code))',
  ),
  around(
    'foreign key: becomes deferrable',
    P,
    'CREATE TABLE c (p_id int CONSTRAINT fk REFERENCES p (id))',
    'CREATE TABLE c (p_id int CONSTRAINT fk REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)',
  ),
  around(
    'foreign key: NOT VALID becomes validated',
    P,
    'CREATE TABLE c (p_id int); ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID',
    'CREATE TABLE c (p_id int CONSTRAINT fk REFERENCES p (id))',
  ),
  around(
    'foreign key: SET NULL on some columns',
    'CREATE TABLE p (t int, id int, PRIMARY KEY (t, id))',
    'CREATE TABLE c (t int NOT NULL, p_id int, CONSTRAINT fk FOREIGN KEY (t, p_id) REFERENCES p)',
    'CREATE TABLE c (t int NOT NULL, p_id int, CONSTRAINT fk FOREIGN KEY (t, p_id) REFERENCES p ON DELETE SET NULL (p_id))',
  ),
  {
    name: 'foreign key: self-reference added',
    from: 'CREATE TABLE node (id int PRIMARY KEY, up int)',
    to: 'CREATE TABLE node (id int PRIMARY KEY, up int REFERENCES node (id))',
    seed: 'INSERT INTO node VALUES (1, NULL), (2, 1)',
  },
  {
    name: 'foreign key: a cycle between two tables is created',
    from: '',
    to: 'CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id)); ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id)',
  },
  {
    name: 'foreign key: a cycle is closed between existing tables',
    from: 'CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id))',
    to: 'CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id)); ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id)',
    seed: 'INSERT INTO a VALUES (1, NULL); INSERT INTO b VALUES (1, 1)',
  },
  {
    name: 'foreign key: a three-table cycle with one table left',
    from: 'CREATE TABLE a (id int PRIMARY KEY, c_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a); CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b); ALTER TABLE a ADD FOREIGN KEY (c_id) REFERENCES c',
    to: 'CREATE TABLE a (id int PRIMARY KEY, c_id int)',
  },
  {
    name: 'foreign key: across schemas',
    from: 'CREATE SCHEMA hr; CREATE TABLE hr.person (id int PRIMARY KEY); CREATE TABLE deal (owner int)',
    to: 'CREATE SCHEMA hr; CREATE TABLE hr.person (id int PRIMARY KEY); CREATE TABLE deal (owner int REFERENCES hr.person (id))',
  },
  {
    name: 'foreign key: referenced column widened on both sides',
    from: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id))',
    to: 'CREATE TABLE p (id bigint PRIMARY KEY); CREATE TABLE c (p_id bigint REFERENCES p (id))',
    seed: 'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)',
  },
];

const checks: Pair[] = [
  { name: 'check: add', from: 'CREATE TABLE t (a int)', to: 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a > 0))', seed: 'INSERT INTO t VALUES (1)' },
  { name: 'check: drop', from: 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a > 0))', to: 'CREATE TABLE t (a int)' },
  {
    name: 'check: expression change',
    from: 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a > 0))',
    to: 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a >= 0 AND a < 1000))',
  },
  { name: 'check: over two columns', from: 'CREATE TABLE t (lo int, hi int)', to: 'CREATE TABLE t (lo int, hi int, CONSTRAINT range_ok CHECK (lo <= hi))' },
  {
    name: 'check: NOT VALID becomes validated',
    from: 'CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT c CHECK (a <> 0) NOT VALID',
    to: 'CREATE TABLE t (a int, CONSTRAINT c CHECK (a <> 0))',
  },
  {
    name: 'check: NO INHERIT added',
    from: 'CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0))',
    to: 'CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0) NO INHERIT)',
  },
  {
    name: 'exclusion constraint: add',
    from: 'CREATE TABLE b (room int, area box)',
    to: 'CREATE TABLE b (room int, area box, CONSTRAINT no_overlap EXCLUDE USING gist (area WITH &&))',
  },
  {
    name: 'exclusion constraint: drop',
    from: 'CREATE TABLE b (during tsrange, CONSTRAINT x EXCLUDE USING gist (during WITH &&))',
    to: 'CREATE TABLE b (during tsrange)',
  },
];

const I = 'CREATE TABLE t (a int, b text, c text, d int[], e box, f tsvector)';
const indexes: Pair[] = [
  around('index: add', I, '', 'CREATE INDEX t_a ON t (a)', { seed: "INSERT INTO t (a, b) VALUES (1, 'x')" }),
  around('index: drop', I, 'CREATE INDEX t_a ON t (a)', ''),
  around('index: columns change', I, 'CREATE INDEX t_i ON t (a)', 'CREATE INDEX t_i ON t (a, b)'),
  around('index: becomes unique', I, 'CREATE INDEX t_i ON t (b)', 'CREATE UNIQUE INDEX t_i ON t (b)'),
  around('index: partial predicate change', I, 'CREATE INDEX t_i ON t (a) WHERE b IS NOT NULL', "CREATE INDEX t_i ON t (a) WHERE b <> ''"),
  around('index: expression', I, '', 'CREATE INDEX t_lower ON t (lower(b), (a + 1))'),
  around('index: sort order and nulls', I, 'CREATE INDEX t_i ON t (a, b)', 'CREATE INDEX t_i ON t (a DESC NULLS LAST, b NULLS FIRST)'),
  around('index: INCLUDE columns', I, 'CREATE INDEX t_i ON t (a)', 'CREATE INDEX t_i ON t (a) INCLUDE (b, c)'),
  around('index: operator class and collation', I, 'CREATE INDEX t_i ON t (b)', 'CREATE INDEX t_i ON t (b text_pattern_ops, c COLLATE "C")'),
  around('index: btree to hash', I, 'CREATE INDEX t_i ON t (c)', 'CREATE INDEX t_i ON t USING hash (c)'),
  around('index: gin on an array', I, '', 'CREATE INDEX t_gin ON t USING gin (d)'),
  around('index: gin on tsvector with a storage parameter', I, '', 'CREATE INDEX t_fts ON t USING gin (f) WITH (fastupdate = off)'),
  around('index: gist', I, '', 'CREATE INDEX t_gist ON t USING gist (e)'),
  around('index: spgist', I, '', 'CREATE INDEX t_sp ON t USING spgist (b)'),
  around(
    'index: brin pages per range change',
    I,
    'CREATE INDEX t_brin ON t USING brin (a)',
    'CREATE INDEX t_brin ON t USING brin (a) WITH (pages_per_range = 8)',
  ),
  around('index: fillfactor change', I, 'CREATE INDEX t_i ON t (a) WITH (fillfactor = 90)', 'CREATE INDEX t_i ON t (a) WITH (fillfactor = 50)'),
  around('index: unique nulls not distinct', I, 'CREATE UNIQUE INDEX t_i ON t (c)', 'CREATE UNIQUE INDEX t_i ON t (c) NULLS NOT DISTINCT'),
  around('index: comment', I, 'CREATE INDEX t_i ON t (a)', "CREATE INDEX t_i ON t (a); COMMENT ON INDEX t_i IS 'by a'"),
  around('index: in another schema', 'CREATE SCHEMA s; CREATE TABLE s.t (a int)', '', 'CREATE INDEX t_a ON s.t (a)'),
];

const V = 'CREATE TABLE t (a int, b text)';
const views: Pair[] = [
  around('view: add', V, '', 'CREATE VIEW v AS SELECT a FROM t', { seed: "INSERT INTO t VALUES (1, 'x')" }),
  around('view: drop', V, 'CREATE VIEW v AS SELECT a FROM t', ''),
  around('view: query change', V, 'CREATE VIEW v AS SELECT a FROM t', 'CREATE VIEW v AS SELECT a FROM t WHERE a > 0'),
  around('view: column added', V, 'CREATE VIEW v AS SELECT a FROM t', 'CREATE VIEW v AS SELECT a, b FROM t'),
  around('view: column removed and renamed', V, 'CREATE VIEW v AS SELECT a, b FROM t', 'CREATE VIEW v (x) AS SELECT a FROM t'),
  around(
    'view: chain whose bottom view changes',
    V,
    'CREATE VIEW v1 AS SELECT a, b FROM t; CREATE VIEW v2 AS SELECT a FROM v1',
    "CREATE VIEW v1 AS SELECT a, b FROM t WHERE b <> ''; CREATE VIEW v2 AS SELECT a FROM v1",
  ),
  around(
    'view: chain whose bottom view loses a column the top does not use',
    V,
    'CREATE VIEW v1 AS SELECT a, b FROM t; CREATE VIEW v2 AS SELECT a FROM v1',
    'CREATE VIEW v1 AS SELECT a FROM t; CREATE VIEW v2 AS SELECT a FROM v1',
  ),
  around(
    'view: a three-view chain created at once',
    V,
    '',
    'CREATE VIEW v1 AS SELECT a, b FROM t; CREATE VIEW v2 AS SELECT a FROM v1; CREATE VIEW v3 AS SELECT count(*) AS n FROM v2',
  ),
  around('view: check option', V, 'CREATE VIEW v AS SELECT a FROM t WHERE a > 0', 'CREATE VIEW v AS SELECT a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION'),
  around(
    'view: security barrier and invoker options',
    V,
    'CREATE VIEW v AS SELECT a FROM t',
    'CREATE VIEW v WITH (security_barrier = true, security_invoker = true) AS SELECT a FROM t',
  ),
  around(
    'view: comments on the view and a column',
    V,
    'CREATE VIEW v AS SELECT a FROM t',
    "CREATE VIEW v AS SELECT a FROM t; COMMENT ON VIEW v IS 'all a'; COMMENT ON COLUMN v.a IS 'the a'",
  ),
  around('view: over two tables joined', `${V}; CREATE TABLE u (a int, c text)`, '', 'CREATE VIEW j AS SELECT t.a, u.c FROM t JOIN u USING (a)'),
  around('view: in another schema', `${V}; CREATE SCHEMA rpt`, '', 'CREATE VIEW rpt.v AS SELECT a FROM public.t'),
  around(
    'materialized view: add with an index',
    V,
    '',
    'CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a; CREATE UNIQUE INDEX mv_a ON mv (a)',
    { seed: "INSERT INTO t VALUES (1, 'x')" },
  ),
  around(
    'materialized view: query change keeps its index',
    V,
    'CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; CREATE INDEX mv_a ON mv (a)',
    'CREATE MATERIALIZED VIEW mv AS SELECT a FROM t WHERE a > 0; CREATE INDEX mv_a ON mv (a)',
  ),
  around(
    'materialized view: index added',
    V,
    'CREATE MATERIALIZED VIEW mv AS SELECT a FROM t',
    'CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; CREATE INDEX mv_a ON mv (a)',
  ),
  around(
    'materialized view over a view',
    V,
    'CREATE VIEW v AS SELECT a FROM t',
    'CREATE VIEW v AS SELECT a FROM t; CREATE MATERIALIZED VIEW mv AS SELECT a FROM v',
  ),
  around('view becomes materialized', V, 'CREATE VIEW v AS SELECT a FROM t', 'CREATE MATERIALIZED VIEW v AS SELECT a FROM t'),
];

const TR = `CREATE TABLE t (a int, b text); CREATE TABLE log (msg text);
  CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES (TG_OP); RETURN NEW; END $$`;
const triggers: Pair[] = [
  around('trigger: add', TR, '', 'CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()', { seed: "INSERT INTO t VALUES (1, 'x')" }),
  around('trigger: drop', TR, 'CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()', ''),
  around(
    'trigger: events and timing change',
    TR,
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    'CREATE TRIGGER tr BEFORE INSERT OR UPDATE OF a ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
  ),
  around(
    'trigger: WHEN condition added',
    TR,
    'CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    'CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW WHEN (OLD.a IS DISTINCT FROM NEW.a) EXECUTE FUNCTION log_it()',
  ),
  around(
    'trigger: row to statement level',
    TR,
    'CREATE TRIGGER tr AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    'CREATE TRIGGER tr AFTER DELETE ON t FOR EACH STATEMENT EXECUTE FUNCTION log_it()',
  ),
  around(
    'trigger: disabled',
    TR,
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it(); ALTER TABLE t DISABLE TRIGGER tr',
  ),
  around(
    'trigger: comment',
    TR,
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it(); COMMENT ON TRIGGER tr ON t IS 'logs'",
  ),
  around(
    'trigger: its function body changes',
    'CREATE TABLE t (a int)',
    `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`,
    `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := abs(NEW.a); RETURN NEW; END $$; CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`,
  ),
  around(
    'trigger: moves to another function',
    `${TR}; CREATE FUNCTION other() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_it()',
    'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION other()',
  ),
  around(
    'trigger: INSTEAD OF on a view',
    `${TR}; CREATE VIEW v AS SELECT a FROM t`,
    '',
    'CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION log_it()',
  ),
  around(
    'trigger: with arguments and a transition table',
    `${TR}; CREATE FUNCTION tt() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    '',
    "CREATE TRIGGER tr AFTER INSERT ON t REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION tt('x', 'y')",
  ),
  around(
    'constraint trigger: deferred',
    TR,
    '',
    'CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_it()',
  ),
];

const routines: Pair[] = [
  {
    name: 'function: add',
    from: 'CREATE TABLE t (a int)',
    to: "CREATE TABLE t (a int); CREATE FUNCTION one() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'",
  },
  {
    name: 'function: body change',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    to: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2'",
  },
  {
    name: 'function: argument added (a new signature)',
    from: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'",
    to: "CREATE FUNCTION f(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
  },
  {
    name: 'function: return type change',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    to: "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS 'SELECT ''1'''",
  },
  {
    name: 'function: volatility, strictness and security change',
    from: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'",
    to: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE STRICT SECURITY DEFINER AS 'SELECT a'",
  },
  {
    name: 'function: overload added',
    from: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'",
    to: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'; CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS 'SELECT a'",
  },
  {
    name: 'function: argument default change',
    from: "CREATE FUNCTION f(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
    to: "CREATE FUNCTION f(a int, b int DEFAULT 2) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
  },
  {
    name: 'function: plpgsql to sql language',
    from: 'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$',
    to: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
  },
  {
    name: 'function: SQL-standard body',
    from: 'CREATE TABLE t (a int)',
    to: 'CREATE TABLE t (a int); CREATE FUNCTION n() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM t; END',
  },
  {
    name: 'function: returns a table',
    from: 'CREATE TABLE t (a int)',
    to: "CREATE TABLE t (a int); CREATE FUNCTION pos() RETURNS TABLE (x int) LANGUAGE sql AS 'SELECT a FROM t WHERE a > 0'",
  },
  {
    name: 'function: SET configuration added',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    to: "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = public AS 'SELECT 1'",
  },
  {
    name: 'function: comment',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    to: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; COMMENT ON FUNCTION f() IS 'one'",
  },
  {
    name: 'procedure: add',
    from: 'CREATE TABLE t (a int)',
    to: 'CREATE TABLE t (a int); CREATE PROCEDURE ins(n int) LANGUAGE sql AS $$ INSERT INTO t VALUES (n) $$',
  },
  {
    name: 'procedure: body change',
    from: 'CREATE TABLE t (a int); CREATE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM t $$',
    to: 'CREATE TABLE t (a int); CREATE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM t WHERE a < 0 $$',
  },
  { name: 'aggregate: add', from: '', to: "CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0')" },
  {
    name: 'aggregate: initial condition change',
    from: "CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0')",
    to: "CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '10')",
  },
];

const sequences: Pair[] = [
  { name: 'sequence: add', from: 'CREATE TABLE t (a int)', to: 'CREATE TABLE t (a int); CREATE SEQUENCE s START 10' },
  { name: 'sequence: drop', from: 'CREATE SEQUENCE s', to: 'CREATE TABLE t (a int)' },
  { name: 'sequence: increment and cache change', from: 'CREATE SEQUENCE s', to: 'CREATE SEQUENCE s INCREMENT BY 5 CACHE 10' },
  {
    name: 'sequence: bounds and cycle change',
    from: 'CREATE SEQUENCE s AS integer',
    to: 'CREATE SEQUENCE s AS integer MINVALUE 10 MAXVALUE 500 START 10 CYCLE',
  },
  { name: 'sequence: data type change', from: 'CREATE SEQUENCE s AS smallint', to: 'CREATE SEQUENCE s AS bigint' },
  {
    name: 'sequence: becomes owned by a column',
    from: 'CREATE TABLE t (n int); CREATE SEQUENCE s',
    to: 'CREATE TABLE t (n int); CREATE SEQUENCE s OWNED BY t.n',
  },
  {
    name: 'sequence: used by a new default',
    from: 'CREATE SEQUENCE s; CREATE TABLE t (n int)',
    to: "CREATE SEQUENCE s; CREATE TABLE t (n int DEFAULT nextval('s'))",
  },
  {
    name: 'sequence: created with the default that uses it',
    from: 'CREATE TABLE t (n int)',
    to: "CREATE SEQUENCE s; CREATE TABLE t (n int DEFAULT nextval('s'))",
    seed: 'INSERT INTO t VALUES (1)',
  },
  { name: 'sequence: comment', from: 'CREATE SEQUENCE s', to: "CREATE SEQUENCE s; COMMENT ON SEQUENCE s IS 'ids'" },
];

const types: Pair[] = [
  { name: 'enum: value appended', from: "CREATE TYPE mood AS ENUM ('sad', 'ok')", to: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')" },
  {
    name: 'enum: value inserted in the middle while a column uses it',
    from: "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood)",
    to: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood)",
    seed: "INSERT INTO t VALUES ('happy')",
  },
  {
    name: 'enum: value removed while a column, default and array use it',
    from: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'ok', ms mood[])",
    to: "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood DEFAULT 'ok', ms mood[])",
    seed: "INSERT INTO t VALUES ('sad', '{ok}')",
  },
  {
    name: 'enum: column changes from text to an enum',
    from: 'CREATE TABLE t (m text)',
    to: "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood)",
    seed: "INSERT INTO t VALUES ('ok')",
  },
  { name: 'enum: comment', from: "CREATE TYPE e AS ENUM ('a')", to: "CREATE TYPE e AS ENUM ('a'); COMMENT ON TYPE e IS 'letters'" },
  {
    name: 'enum: in another schema used across schemas',
    from: 'CREATE SCHEMA s; CREATE TABLE t (st text)',
    to: "CREATE SCHEMA s; CREATE TYPE s.status AS ENUM ('open'); CREATE TABLE t (st s.status DEFAULT 'open')",
  },
  {
    name: 'domain: add and use',
    from: 'CREATE TABLE t (p int)',
    to: 'CREATE DOMAIN posint AS int CHECK (VALUE > 0); CREATE TABLE t (p posint)',
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'domain: check change while a column uses it',
    from: 'CREATE DOMAIN posint AS int CONSTRAINT pos CHECK (VALUE > 0); CREATE TABLE t (p posint)',
    to: 'CREATE DOMAIN posint AS int CONSTRAINT pos CHECK (VALUE >= 0); CREATE TABLE t (p posint)',
    seed: 'INSERT INTO t VALUES (1)',
  },
  { name: 'domain: default and NOT NULL change', from: 'CREATE DOMAIN d AS int', to: 'CREATE DOMAIN d AS int NOT NULL DEFAULT 1' },
  { name: 'composite type: attribute added', from: 'CREATE TYPE pair AS (a int)', to: 'CREATE TYPE pair AS (a int, b text)' },
  {
    name: 'composite type: used by a new column',
    from: 'CREATE TYPE pair AS (a int, b text); CREATE TABLE t (id int)',
    to: 'CREATE TYPE pair AS (a int, b text); CREATE TABLE t (id int, p pair)',
  },
  { name: 'range type: add', from: '', to: 'CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)' },
];

const comments: Pair[] = [
  around('comment on a column: add', 'CREATE TABLE t (a int)', '', "COMMENT ON COLUMN t.a IS 'the a'"),
  around('comment on a column: remove', 'CREATE TABLE t (a int)', "COMMENT ON COLUMN t.a IS 'the a'", ''),
  around(
    'comment on a constraint and a primary key',
    'CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, a int CONSTRAINT a_pos CHECK (a > 0))',
    '',
    "COMMENT ON CONSTRAINT t_pk ON t IS 'pk'; COMMENT ON CONSTRAINT a_pos ON t IS 'positive'",
  ),
  around('comment on a schema', 'CREATE SCHEMA app', '', "COMMENT ON SCHEMA app IS 'the app'"),
  around('comment on a domain', 'CREATE DOMAIN d AS int', "COMMENT ON DOMAIN d IS 'old'", "COMMENT ON DOMAIN d IS 'new'"),
];

const partitions: Pair[] = [
  around(
    'partition: add',
    "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at); CREATE TABLE m_2023 PARTITION OF m FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
    '',
    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    { seed: "INSERT INTO m VALUES (1, '2023-05-01')" },
  ),
  around(
    'partition: default partition added',
    'CREATE TABLE m (id int, region text) PARTITION BY LIST (region)',
    "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu')",
    "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu'); CREATE TABLE m_rest PARTITION OF m DEFAULT",
  ),
  around(
    'partition: column added to the partitioned table',
    'CREATE TABLE h (id int) PARTITION BY HASH (id); CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 1, REMAINDER 0)',
    '',
    'ALTER TABLE h ADD COLUMN note text',
    { seed: 'INSERT INTO h VALUES (1)' },
  ),
  around(
    'partition: index on the partitioned table',
    'CREATE TABLE h (id int, k text) PARTITION BY HASH (id); CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 1, REMAINDER 0)',
    '',
    'CREATE INDEX h_k ON h (k)',
  ),
  {
    name: 'inheritance: child table added',
    from: 'CREATE TABLE base (id int)',
    to: 'CREATE TABLE base (id int); CREATE TABLE child (extra int) INHERITS (base)',
  },
];

const policies: Pair[] = [
  around(
    'policy: add',
    'CREATE TABLE doc (id int, owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY',
    '',
    'CREATE POLICY own ON doc USING (owner = current_user)',
  ),
  around(
    'policy: expression change',
    'CREATE TABLE doc (id int, owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY',
    'CREATE POLICY own ON doc USING (owner = current_user)',
    'CREATE POLICY own ON doc USING (owner = current_user OR id < 0)',
  ),
  around(
    'policy: command and permissive change',
    'CREATE TABLE doc (id int, owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY',
    'CREATE POLICY p ON doc USING (true)',
    'CREATE POLICY p ON doc AS RESTRICTIVE FOR UPDATE USING (true) WITH CHECK (id > 0)',
  ),
  around(
    'policy: dropped with row-level security',
    'CREATE TABLE doc (id int)',
    'ALTER TABLE doc ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON doc USING (id > 0)',
    '',
  ),
];

const natives: Pair[] = [
  around('rule: add', 'CREATE TABLE t (a int); CREATE TABLE t_log (a int)', '', 'CREATE RULE keep AS ON INSERT TO t DO ALSO INSERT INTO t_log VALUES (NEW.a)'),
  around(
    'rule: action change',
    'CREATE TABLE t (a int)',
    'CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING',
    'CREATE RULE r AS ON UPDATE TO t DO INSTEAD NOTHING',
  ),
  around('extended statistics: add', 'CREATE TABLE t (a int, b int)', '', 'CREATE STATISTICS t_ab (dependencies, ndistinct) ON a, b FROM t'),
  {
    name: 'extension: add and use',
    from: 'CREATE TABLE t (e text)',
    to: 'CREATE EXTENSION IF NOT EXISTS citext; CREATE TABLE t (e citext)',
    seed: "INSERT INTO t VALUES ('A')",
  },
  around(
    'event trigger: add',
    'CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$',
    '',
    'CREATE EVENT TRIGGER redb_t_pair ON ddl_command_end EXECUTE FUNCTION on_ddl()',
  ),
  around(
    'publication: tables change',
    'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)',
    'CREATE PUBLICATION pub FOR TABLE a',
    'CREATE PUBLICATION pub FOR TABLE a, b',
  ),
  around(
    'privileges: grant and revoke',
    'DO $$ BEGIN CREATE ROLE redb_reader; EXCEPTION WHEN OTHERS THEN NULL; END $$; CREATE TABLE t (id int, note text)',
    'GRANT SELECT ON t TO redb_reader',
    'GRANT SELECT (id), UPDATE (note) ON t TO redb_reader; REVOKE TRUNCATE ON t FROM CURRENT_USER',
  ),
  around('tablespace: table moves into one', 'CREATE TABLE u (a int)', 'CREATE TABLE t (id int)', 'CREATE TABLE t (id int) TABLESPACE redb_ts'),
  around(
    'column storage and statistics target change',
    'CREATE TABLE u (a int)',
    'CREATE TABLE t (a text, c int)',
    'CREATE TABLE t (a text, c int); ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL, ALTER COLUMN c SET STATISTICS 300',
  ),
  around(
    'text search configuration: mapping change',
    'CREATE TEXT SEARCH DICTIONARY d (TEMPLATE = pg_catalog.simple)',
    'CREATE TEXT SEARCH CONFIGURATION cfg (PARSER = pg_catalog."default"); ALTER TEXT SEARCH CONFIGURATION cfg ADD MAPPING FOR asciiword WITH d',
    'CREATE TEXT SEARCH CONFIGURATION cfg (PARSER = pg_catalog."default"); ALTER TEXT SEARCH CONFIGURATION cfg ADD MAPPING FOR asciiword, word WITH d, english_stem',
  ),
  around('cast: add', "CREATE TYPE mood AS ENUM ('sad', 'happy')", '', 'CREATE CAST (mood AS text) WITH INOUT AS IMPLICIT'),
];

/** Changes whose statements only work in one order. */
const ordering: Pair[] = [
  {
    name: 'order: a view over a column whose type changes',
    from: 'CREATE TABLE t (a int, b varchar(10)); CREATE VIEW v AS SELECT a, b FROM t; CREATE VIEW v2 AS SELECT b FROM v',
    to: 'CREATE TABLE t (a bigint, b varchar(40)); CREATE VIEW v AS SELECT a, b FROM t; CREATE VIEW v2 AS SELECT b FROM v',
    seed: "INSERT INTO t VALUES (1, 'x')",
  },
  {
    name: 'order: a view over a column that is dropped',
    from: 'CREATE TABLE t (a int, b text); CREATE VIEW v AS SELECT a, b FROM t',
    to: 'CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t',
  },
  {
    name: 'order: a materialized view and its index over a column whose type changes',
    from: 'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; CREATE INDEX mv_a ON mv (a)',
    to: 'CREATE TABLE t (a bigint); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; CREATE INDEX mv_a ON mv (a)',
  },
  {
    name: 'order: a function used by a default changes signature',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE t (n int DEFAULT f())",
    to: "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql AS 'SELECT x'; CREATE TABLE t (n int DEFAULT g(1))",
  },
  {
    name: 'order: a function used by a check is created with it',
    from: 'CREATE TABLE t (a int)',
    to: "CREATE FUNCTION ok(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; CREATE TABLE t (a int CONSTRAINT a_ok CHECK (ok(a)))",
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'order: a function used by a view changes its return type',
    from: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE VIEW v AS SELECT f() AS x",
    to: "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT 1'; CREATE VIEW v AS SELECT f() AS x",
  },
  {
    name: 'order: a function used by an index expression is created first',
    from: 'CREATE TABLE t (b text)',
    to: "CREATE FUNCTION norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(s)'; CREATE TABLE t (b text); CREATE INDEX t_norm ON t (norm(b))",
  },
  {
    name: 'order: a function used by a generated column',
    from: 'CREATE TABLE t (a int)',
    to: "CREATE FUNCTION dbl(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'; CREATE TABLE t (a int, b int GENERATED ALWAYS AS (dbl(a)) STORED)",
  },
  {
    name: 'order: a table referenced by a foreign key and read by a view, dropped at once',
    from: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p (id)); CREATE VIEW pv AS SELECT id FROM p',
    to: 'CREATE TABLE c (id int, p_id int)',
    // The way back re-creates p empty: a row of c that pointed into it would break the foreign key.
    seed: 'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, NULL)',
  },
  {
    name: 'order: parent and child tables created together, child first in the text',
    from: '',
    to: 'CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id)); CREATE TABLE grandchild (child_id int REFERENCES child (id))',
  },
  {
    name: 'order: an enum used by a column with a default is replaced by another enum',
    from: "CREATE TYPE st AS ENUM ('a', 'b'); CREATE TABLE t (s st DEFAULT 'a')",
    to: "CREATE TYPE status AS ENUM ('a', 'b', 'c'); CREATE TABLE t (s status DEFAULT 'a')",
    seed: "INSERT INTO t VALUES ('b')",
  },
  {
    name: 'order: an enum used by a view column and an index changes',
    from: "CREATE TYPE e AS ENUM ('x', 'y', 'z'); CREATE TABLE t (v e); CREATE INDEX t_v ON t (v); CREATE VIEW vv AS SELECT v FROM t",
    to: "CREATE TYPE e AS ENUM ('x', 'y'); CREATE TABLE t (v e); CREATE INDEX t_v ON t (v); CREATE VIEW vv AS SELECT v FROM t",
  },
  {
    name: 'order: a domain used by a column and a function changes',
    from: "CREATE DOMAIN d AS int CHECK (VALUE > 0); CREATE TABLE t (x d); CREATE FUNCTION f(a d) RETURNS int LANGUAGE sql AS 'SELECT a::int'",
    to: "CREATE DOMAIN d AS int CHECK (VALUE > 10); CREATE TABLE t (x d); CREATE FUNCTION f(a d) RETURNS int LANGUAGE sql AS 'SELECT a::int'",
  },
  {
    name: 'order: a column typed by a composite type that gains an attribute',
    from: 'CREATE TYPE pair AS (a int); CREATE TABLE t (p pair)',
    to: 'CREATE TYPE pair AS (a int, b int); CREATE TABLE t (p pair)',
  },
  {
    name: 'order: a unique constraint dropped while a foreign key moves off it',
    from: 'CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE); CREATE TABLE c (code text REFERENCES p (code))',
    to: 'CREATE TABLE p (id int PRIMARY KEY, code text); CREATE TABLE c (code text, p_id int REFERENCES p (id))',
  },
  {
    name: 'order: a table dropped while a trigger on another table calls a function that writes to it',
    from: `CREATE TABLE t (a int); CREATE TABLE audit (a int);
      CREATE FUNCTION aud() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (NEW.a); RETURN NEW; END $$;
      CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION aud()`,
    to: 'CREATE TABLE t (a int)',
  },
  {
    name: 'order: a schema dropped with everything in it',
    from: "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY); CREATE VIEW app.v AS SELECT id FROM app.t; CREATE TYPE app.e AS ENUM ('x'); CREATE SEQUENCE app.s",
    to: 'CREATE TABLE keep (id int)',
  },
  {
    name: 'order: a sequence owned by a column of a dropped table',
    from: 'CREATE TABLE t (id int, n int); CREATE SEQUENCE s OWNED BY t.n; CREATE TABLE keep (a int)',
    to: 'CREATE TABLE keep (a int); CREATE SEQUENCE s',
  },
  {
    name: 'order: a policy that reads another table',
    from: 'CREATE TABLE users (name text); CREATE TABLE doc (owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY',
    to: 'CREATE TABLE users (name text); CREATE TABLE doc (owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY; CREATE POLICY known ON doc USING (owner IN (SELECT name FROM users))',
  },
  {
    name: 'order: a view column type follows a changed function and table at once',
    from: "CREATE TABLE t (a int); CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x'; CREATE VIEW v AS SELECT f(a) AS y FROM t",
    to: "CREATE TABLE t (a bigint); CREATE FUNCTION f(x bigint) RETURNS bigint LANGUAGE sql AS 'SELECT x'; CREATE VIEW v AS SELECT f(a) AS y FROM t",
  },
  {
    name: 'order: a column read by a trigger WHEN clause changes type',
    from: `CREATE TABLE t (a int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION f()`,
    to: `CREATE TABLE t (a bigint); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION f()`,
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'order: a column read by a policy changes type',
    from: 'CREATE TABLE doc (id int, owner varchar(20)); ALTER TABLE doc ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON doc USING (owner = current_user)',
    to: 'CREATE TABLE doc (id int, owner text); ALTER TABLE doc ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON doc USING (owner = current_user)',
  },
  {
    name: 'order: a column used by an index and a view is dropped',
    from: 'CREATE TABLE t (a int, b int); CREATE INDEX t_b ON t (b); CREATE VIEW v AS SELECT a, b FROM t',
    to: 'CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t',
    seed: 'INSERT INTO t VALUES (1, 2)',
  },
  {
    name: 'order: a column read by a generated column changes type',
    from: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED)',
    to: 'CREATE TABLE t (a bigint, b bigint GENERATED ALWAYS AS (a * 2) STORED)',
    seed: 'INSERT INTO t (a) VALUES (1)',
  },
];

/** Recorded renames (with the schema, as `redb mv` records them): the object keeps its rows, and what depends on it follows. */
const renames: Pair[] = [
  {
    name: 'rename: a table with rows',
    from: 'CREATE TABLE a (id int PRIMARY KEY, v text)',
    to: 'CREATE TABLE b (id int PRIMARY KEY, v text)',
    renames: [{ kind: 'table', schema: 'public', from: 'a', to: 'b' }],
    seed: "INSERT INTO a VALUES (1, 'x')",
  },
  {
    name: 'rename: a table referenced by a foreign key and read by a view',
    from: 'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE c (a_id int REFERENCES a (id)); CREATE VIEW v AS SELECT id FROM a',
    to: 'CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE c (a_id int REFERENCES b (id)); CREATE VIEW v AS SELECT id FROM b',
    renames: [{ kind: 'table', schema: 'public', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1); INSERT INTO c VALUES (1)',
  },
  {
    name: 'rename: a table in another schema',
    from: 'CREATE SCHEMA s; CREATE TABLE s.a (id int)',
    to: 'CREATE SCHEMA s; CREATE TABLE s.b (id int)',
    renames: [{ kind: 'table', schema: 's', from: 'a', to: 'b' }],
    seed: 'INSERT INTO s.a VALUES (1)',
  },
  {
    name: 'rename: a table and a column change in the same migration',
    from: 'CREATE TABLE a (id int, n int)',
    to: 'CREATE TABLE b (id int, n bigint, extra text)',
    renames: [{ kind: 'table', schema: 'public', from: 'a', to: 'b' }],
    seed: 'INSERT INTO a VALUES (1, 2)',
  },
  {
    name: 'rename: a column with rows',
    from: 'CREATE TABLE t (id int, name text)',
    to: 'CREATE TABLE t (id int, title text)',
    renames: [{ kind: 'column', schema: 'public', table: 't', from: 'name', to: 'title' }],
    seed: "INSERT INTO t VALUES (1, 'x')",
  },
  {
    name: 'rename: a column used by an index, a check, a view and a foreign key',
    from: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE t (ref int CHECK (ref > 0) REFERENCES p (id)); CREATE INDEX t_ref ON t (ref); CREATE VIEW v AS SELECT ref FROM t',
    to: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE t (p_id int CHECK (p_id > 0) REFERENCES p (id)); CREATE INDEX t_ref ON t (p_id); CREATE VIEW v AS SELECT p_id AS ref FROM t',
    renames: [{ kind: 'column', schema: 'public', table: 't', from: 'ref', to: 'p_id' }],
    seed: 'INSERT INTO p VALUES (1); INSERT INTO t VALUES (1)',
  },
  {
    name: 'rename: a referenced primary key column',
    from: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id))',
    to: 'CREATE TABLE p (pid int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (pid))',
    renames: [{ kind: 'column', schema: 'public', table: 'p', from: 'id', to: 'pid' }],
    seed: 'INSERT INTO p VALUES (7); INSERT INTO c VALUES (7)',
  },
  {
    name: 'rename: a column whose type also widens',
    from: 'CREATE TABLE t (n int)',
    to: 'CREATE TABLE t (total bigint)',
    renames: [{ kind: 'column', schema: 'public', table: 't', from: 'n', to: 'total' }],
    seed: 'INSERT INTO t VALUES (5)',
  },
  {
    name: 'rename: two columns swap names',
    from: 'CREATE TABLE t (a int, b text)',
    to: 'CREATE TABLE t (b int, a text)',
    renames: [
      { kind: 'column', schema: 'public', table: 't', from: 'a', to: 'tmp' },
      { kind: 'column', schema: 'public', table: 't', from: 'b', to: 'a' },
      { kind: 'column', schema: 'public', table: 't', from: 'tmp', to: 'b' },
    ],
    seed: "INSERT INTO t VALUES (1, 'x')",
  },
  {
    name: 'rename: an index',
    from: 'CREATE TABLE t (a int); CREATE INDEX i1 ON t (a)',
    to: 'CREATE TABLE t (a int); CREATE INDEX i2 ON t (a)',
    renames: [{ kind: 'index', schema: 'public', table: 't', from: 'i1', to: 'i2' }],
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'rename: a unique index with a comment',
    from: "CREATE TABLE t (a int); CREATE UNIQUE INDEX i1 ON t (a); COMMENT ON INDEX i1 IS 'unique a'",
    to: "CREATE TABLE t (a int); CREATE UNIQUE INDEX i2 ON t (a); COMMENT ON INDEX i2 IS 'unique a'",
    renames: [{ kind: 'index', schema: 'public', table: 't', from: 'i1', to: 'i2' }],
  },
  {
    name: 'rename: a view read by another view',
    from: 'CREATE TABLE t (a int); CREATE VIEW v1 AS SELECT a FROM t; CREATE VIEW top AS SELECT a FROM v1',
    to: 'CREATE TABLE t (a int); CREATE VIEW v2 AS SELECT a FROM t; CREATE VIEW top AS SELECT a FROM v2',
    renames: [{ kind: 'view', schema: 'public', from: 'v1', to: 'v2' }],
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'rename: a materialized view',
    from: 'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW m1 AS SELECT a FROM t',
    to: 'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW m2 AS SELECT a FROM t',
    renames: [{ kind: 'view', schema: 'public', from: 'm1', to: 'm2' }],
    seed: 'INSERT INTO t VALUES (1)',
  },
  {
    name: 'rename: a table with a trigger, an identity column and a comment',
    from: `CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY, v text); COMMENT ON TABLE a IS 'things';
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f()`,
    to: `CREATE TABLE b (id int GENERATED ALWAYS AS IDENTITY, v text); COMMENT ON TABLE b IS 'things';
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER tr BEFORE INSERT ON b FOR EACH ROW EXECUTE FUNCTION f()`,
    renames: [{ kind: 'table', schema: 'public', from: 'a', to: 'b' }],
    seed: "INSERT INTO a (v) VALUES ('x')",
  },
  {
    name: 'rename: a table and one of its columns together',
    from: 'CREATE TABLE a (id int, nm text)',
    to: 'CREATE TABLE b (id int, name text)',
    renames: [
      { kind: 'table', schema: 'public', from: 'a', to: 'b' },
      { kind: 'column', schema: 'public', table: 'b', from: 'nm', to: 'name' },
    ],
    seed: "INSERT INTO a VALUES (1, 'x')",
  },
  {
    name: 'rename: a table with a serial column',
    from: 'CREATE TABLE a (id serial PRIMARY KEY, v text)',
    to: 'CREATE TABLE b (id serial PRIMARY KEY, v text)',
    renames: [{ kind: 'table', schema: 'public', from: 'a', to: 'b' }],
    seed: "INSERT INTO a (v) VALUES ('x')",
  },
  {
    name: 'rename: an identity column',
    from: 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text)',
    to: 'CREATE TABLE t (key int GENERATED ALWAYS AS IDENTITY, v text)',
    renames: [{ kind: 'column', schema: 'public', table: 't', from: 'id', to: 'key' }],
    seed: "INSERT INTO t (v) VALUES ('x')",
  },
  {
    name: 'rename: a column read by a generated column and a partial index',
    from: 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a + 1) STORED); CREATE INDEX t_pos ON t (b) WHERE a > 0',
    to: 'CREATE TABLE t (x int, b int GENERATED ALWAYS AS (x + 1) STORED); CREATE INDEX t_pos ON t (b) WHERE x > 0',
    renames: [{ kind: 'column', schema: 'public', table: 't', from: 'a', to: 'x' }],
    seed: 'INSERT INTO t (a) VALUES (1)',
  },
  {
    name: 'rename: a view that a materialized view reads, with its comment',
    from: "CREATE TABLE t (a int); CREATE VIEW v1 AS SELECT a FROM t; COMMENT ON VIEW v1 IS 'base'; CREATE MATERIALIZED VIEW m AS SELECT a FROM v1",
    to: "CREATE TABLE t (a int); CREATE VIEW v2 AS SELECT a FROM t; COMMENT ON VIEW v2 IS 'base'; CREATE MATERIALIZED VIEW m AS SELECT a FROM v2",
    renames: [{ kind: 'view', schema: 'public', from: 'v1', to: 'v2' }],
  },
];

export const postgresPairs: Pair[] = [
  ...fromEmpty,
  ...tables,
  ...columns,
  ...defaultsAndNulls,
  ...identityAndGenerated,
  ...collations,
  ...keys,
  ...foreignKeys,
  ...checks,
  ...indexes,
  ...views,
  ...triggers,
  ...routines,
  ...sequences,
  ...types,
  ...comments,
  ...partitions,
  ...policies,
  ...natives,
  ...ordering,
  ...renames,
];
