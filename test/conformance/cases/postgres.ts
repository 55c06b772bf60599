/** PostgreSQL's SQL for the shared conformance cases (see ../engines.ts), then cases only PostgreSQL has. */
export const postgresCases: Record<string, string> = {
  'column types': `CREATE TABLE t (
    a integer, b bigint, c smallint, d int2, e text, f varchar(40), g character varying, h char(3), h2 character,
    i real, j double precision, k float, l numeric(10,2), m decimal(5), m2 numeric, n bytea, o boolean,
    p date, q timestamp, r timestamp(3) with time zone, r2 timestamptz, s json, s2 jsonb, t_ uuid,
    u time, v time(2) with time zone, w interval, w2 interval year to month, x inet, y cidr, z macaddr,
    aa bit(3), ab bit varying(8), ac point, ad box, ae money, af xml, ag tsvector, ah int4range, ai oid)`,
  'nullability and defaults': `CREATE TABLE t (
    id integer NOT NULL, name text NOT NULL DEFAULT 'x', n integer DEFAULT 0, neg integer DEFAULT -1,
    f real DEFAULT 1.5, created timestamptz DEFAULT now(), expr text DEFAULT lower('A'), nada text DEFAULT NULL,
    quoted text DEFAULT 'it''s', arr integer[] DEFAULT '{1,2}', b boolean DEFAULT true)`,
  'primary keys': `CREATE TABLE a (id integer PRIMARY KEY);
    CREATE TABLE b (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
    CREATE TABLE c (x integer, y text, CONSTRAINT pk_c PRIMARY KEY (x, y));
    CREATE TABLE d (k text PRIMARY KEY, v text)`,
  'unique constraints': `CREATE TABLE t (a integer UNIQUE, b text, c text, d text,
    CONSTRAINT uq_bc UNIQUE (b, c), CONSTRAINT uq_d UNIQUE NULLS NOT DISTINCT (d),
    CONSTRAINT uq_def UNIQUE (a, d) DEFERRABLE INITIALLY DEFERRED)`,
  'foreign keys': `CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b));
    CREATE TABLE child (
      id integer PRIMARY KEY, parent_id integer REFERENCES parent(id) ON DELETE CASCADE,
      code text, other integer, a int, b int,
      CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES parent (code) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
      FOREIGN KEY (other) REFERENCES parent ON DELETE SET DEFAULT ON UPDATE RESTRICT,
      CONSTRAINT fk_ab FOREIGN KEY (a, b) REFERENCES parent (a, b) MATCH FULL);
    CREATE TABLE self (id int PRIMARY KEY, up int REFERENCES self (id));
    CREATE TABLE cyc_a (id int PRIMARY KEY, b_id int);
    CREATE TABLE cyc_b (id int PRIMARY KEY, a_id int REFERENCES cyc_a (id));
    ALTER TABLE cyc_a ADD FOREIGN KEY (b_id) REFERENCES cyc_b (id);
    ALTER TABLE child ADD CONSTRAINT fk_nv FOREIGN KEY (other) REFERENCES parent (id) NOT VALID`,
  'check constraints': `CREATE TABLE t (a integer CHECK (a > 0), b text, CONSTRAINT ck_b CHECK (length(b) < 10), CHECK (a < 100 OR b IS NULL),
    CONSTRAINT ck_ni CHECK (a <> 7) NO INHERIT);
    ALTER TABLE t ADD CONSTRAINT ck_nv CHECK (a <> 13) NOT VALID`,
  indexes: `CREATE TABLE t (a integer, b text, c text, d int[], e box);
    CREATE INDEX t_a ON t (a);
    CREATE UNIQUE INDEX t_bc ON t (b DESC, c COLLATE "C");
    CREATE INDEX t_partial ON t (a) WHERE b IS NOT NULL;
    CREATE INDEX t_expr ON t (lower(b), (a + 1));
    CREATE INDEX t_nulls ON t (a NULLS FIRST, b DESC NULLS LAST);
    CREATE INDEX t_include ON t (a) INCLUDE (b, c);
    CREATE UNIQUE INDEX t_nnd ON t (c) NULLS NOT DISTINCT;
    CREATE INDEX t_opclass ON t (b text_pattern_ops);
    CREATE INDEX t_gin ON t USING gin (d);
    CREATE INDEX t_gist ON t USING gist (e);
    CREATE INDEX t_hash ON t USING hash (c);
    CREATE INDEX t_brin ON t USING brin (a) WITH (pages_per_range = 16);
    CREATE INDEX t_ff ON t (c) WITH (fillfactor = 70)`,
  'generated columns and collations': `CREATE TABLE t (a integer, b text COLLATE "C", c integer GENERATED ALWAYS AS (a * 2) STORED,
    d text GENERATED ALWAYS AS (upper(b)) STORED, e varchar(10) COLLATE "POSIX")`,
  views: `CREATE TABLE t (a integer, b text);
    CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1;
    CREATE VIEW v2 (x, y) AS SELECT a, b FROM v1;
    CREATE VIEW v0 AS SELECT count(*) AS n FROM v2;
    CREATE VIEW v_opts WITH (security_barrier = true) AS SELECT a FROM t;
    CREATE VIEW v_check AS SELECT a, b FROM t WHERE a > 0 WITH LOCAL CHECK OPTION`,
  triggers: `CREATE TABLE t (a integer, updated timestamptz);
    CREATE TABLE log (msg text);
    CREATE FUNCTION log_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES ('insert ' || NEW.a); RETURN NEW; END $$;
    CREATE FUNCTION no_neg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'negative'; END $$;
    CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_ins();
    CREATE TRIGGER t_upd BEFORE UPDATE OF a ON t FOR EACH ROW WHEN (NEW.a < 0) EXECUTE FUNCTION no_neg();
    CREATE TRIGGER t_stmt AFTER DELETE ON t FOR EACH STATEMENT EXECUTE FUNCTION log_ins();
    ALTER TABLE t DISABLE TRIGGER t_stmt`,
  'quoted identifiers': `CREATE TABLE "odd ""name""" ("select" integer, "Group" text, "order" real, "naïve" text, "with space" int);
    CREATE INDEX "idx.odd" ON "odd ""name""" ("select");
    CREATE SCHEMA "Odd Schema";
    CREATE TABLE "Odd Schema"."T" ("Id" int PRIMARY KEY, "x""y" text);
    CREATE VIEW "Odd Schema"."V" AS SELECT "Id" FROM "Odd Schema"."T"`,
  // PostgreSQL only from here on.
  'unlogged tables and storage parameters': `CREATE UNLOGGED TABLE u (a int);
    CREATE TABLE w (a int) WITH (fillfactor = 80, autovacuum_enabled = false)`,
  'rules are kept as native objects': `CREATE TABLE t (a int);
    CREATE TABLE t_log (a int);
    CREATE RULE t_keep AS ON INSERT TO t DO ALSO INSERT INTO t_log VALUES (NEW.a);
    CREATE RULE t_nodel AS ON DELETE TO t DO INSTEAD NOTHING;
    COMMENT ON RULE t_nodel ON t IS 'rows are never deleted'`,
  enums: `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s');
    CREATE TABLE t (m mood NOT NULL DEFAULT 'ok', ms mood[]);
    COMMENT ON TYPE mood IS 'how it feels'`,
  domains: `CREATE DOMAIN posint AS integer NOT NULL DEFAULT 1 CONSTRAINT posint_check CHECK (VALUE > 0);
    CREATE DOMAIN email AS text COLLATE "C" CHECK (VALUE ~ '@') CHECK (length(VALUE) < 200);
    CREATE DOMAIN tags AS text[];
    COMMENT ON DOMAIN posint IS 'positive';
    CREATE TABLE t (p posint, e email, g tags)`,
  'composite types': `CREATE TYPE pair AS (a integer, b text COLLATE "C", c numeric(4,1)[]);
    CREATE TYPE nested AS (p pair, n int);
    CREATE TABLE t (p pair, n nested[]);
    COMMENT ON TYPE pair IS 'two things'`,
  'sequences, serial and identity': `CREATE SEQUENCE s1;
    CREATE SEQUENCE s2 AS integer INCREMENT BY 5 MINVALUE 10 MAXVALUE 1000 START 20 CACHE 3 CYCLE;
    CREATE SEQUENCE s3 INCREMENT BY -1;
    CREATE TABLE t (id serial PRIMARY KEY, big bigserial, small smallserial,
      i1 int GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 10),
      n int DEFAULT nextval('s1'));
    CREATE SEQUENCE owned OWNED BY t.n;
    COMMENT ON SEQUENCE s2 IS 'by fives'`,
  arrays: `CREATE TABLE t (a int[], b text[][], c varchar(5)[], d timestamptz[], e numeric(6,2)[3])`,
  'partitioned tables': `CREATE TABLE m (id int NOT NULL, at date NOT NULL, region text, v int DEFAULT 0) PARTITION BY RANGE (at);
    CREATE TABLE m_2023 PARTITION OF m FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
    CREATE TABLE m_2024 PARTITION OF m (v DEFAULT 1) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
    CREATE TABLE m_2024_eu PARTITION OF m_2024 FOR VALUES IN ('eu', 'uk');
    CREATE TABLE m_2024_rest PARTITION OF m_2024 DEFAULT;
    CREATE TABLE m_def PARTITION OF m DEFAULT;
    CREATE INDEX m_id ON m (id);
    ALTER TABLE m ADD CONSTRAINT m_pk PRIMARY KEY (id, at, region);
    ALTER TABLE m ADD CONSTRAINT m_v CHECK (v >= 0);
    CREATE TABLE h (id int, k text) PARTITION BY HASH (id);
    CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    CREATE INDEX h1_k ON h1 (k)`,
  'exclusion constraints': `CREATE TABLE booking (room int, during tsrange, area box,
    CONSTRAINT no_overlap EXCLUDE USING gist (area WITH &&),
    CONSTRAINT no_overlap2 EXCLUDE USING gist (during WITH &&) WHERE (room > 0) DEFERRABLE INITIALLY DEFERRED)`,
  'materialized views': `CREATE TABLE t (a int, b text);
    CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a;
    CREATE UNIQUE INDEX mv_a ON mv (a);
    CREATE INDEX mv_n ON mv (n DESC);
    COMMENT ON MATERIALIZED VIEW mv IS 'counts'`,
  'functions and procedures': `CREATE TABLE t (a int);
    CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
    CREATE FUNCTION add(a numeric, b numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT a + b $$;
    CREATE FUNCTION all_t() RETURNS SETOF t LANGUAGE sql STABLE BEGIN ATOMIC SELECT * FROM t; END;
    CREATE PROCEDURE bump(n int) LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$ BEGIN INSERT INTO t VALUES (n); END $$;
    CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
    CREATE TABLE uses (x int DEFAULT twice(2), CHECK (add(x, 1) > 0));
    CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');
    COMMENT ON FUNCTION add(integer, integer) IS 'adds';
    COMMENT ON PROCEDURE bump(int) IS 'bumps'`,
  'row-level security': `CREATE TABLE doc (id int, owner text, public boolean);
    ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
    ALTER TABLE doc FORCE ROW LEVEL SECURITY;
    CREATE POLICY own ON doc USING (owner = current_user);
    CREATE POLICY pub ON doc AS RESTRICTIVE FOR SELECT TO PUBLIC USING (public);
    CREATE POLICY ins ON doc FOR INSERT TO redb WITH CHECK (owner = current_user);
    CREATE POLICY upd ON doc FOR UPDATE USING (true) WITH CHECK (id > 0)`,
  'comments on everything': `COMMENT ON SCHEMA public IS 'the app';
    CREATE SCHEMA app; COMMENT ON SCHEMA app IS 'app schema';
    CREATE TABLE app.t (id int CONSTRAINT t_pk PRIMARY KEY, a int CONSTRAINT a_pos CHECK (a > 0), b text UNIQUE);
    CREATE TABLE app.u (id int REFERENCES app.t (id));
    CREATE INDEX t_a ON app.t (a);
    CREATE VIEW app.v AS SELECT id FROM app.t;
    CREATE SEQUENCE app.s;
    CREATE TYPE app.e AS ENUM ('x');
    CREATE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER tr BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
    COMMENT ON TABLE app.t IS 'a table'; COMMENT ON COLUMN app.t.a IS 'a column';
    COMMENT ON CONSTRAINT t_pk ON app.t IS 'pk'; COMMENT ON CONSTRAINT a_pos ON app.t IS 'positive';
    COMMENT ON CONSTRAINT t_b_key ON app.t IS 'unique b'; COMMENT ON CONSTRAINT u_id_fkey ON app.u IS 'fk';
    COMMENT ON INDEX app.t_a IS 'an index'; COMMENT ON VIEW app.v IS 'a view'; COMMENT ON SEQUENCE app.s IS 'a sequence';
    COMMENT ON TYPE app.e IS 'an enum'; COMMENT ON FUNCTION app.f() IS 'a function'; COMMENT ON TRIGGER tr ON app.t IS 'a trigger';
    COMMENT ON COLUMN app.t.b IS 'it''s b';
    COMMENT ON COLUMN app.v.id IS 'a view column';
    CREATE TYPE app.pair AS (x int, y int); COMMENT ON COLUMN app.pair.y IS 'an attribute';
    ALTER TABLE app.t ENABLE ROW LEVEL SECURITY; CREATE POLICY mine ON app.t USING (true); COMMENT ON POLICY mine ON app.t IS 'a policy';
    CREATE SEQUENCE app.owned OWNED BY app.t.a; COMMENT ON SEQUENCE app.owned IS 'owned'`,
  'replica identity': `CREATE TABLE f (a int, b int) ; ALTER TABLE f REPLICA IDENTITY FULL;
    CREATE TABLE i (a int NOT NULL, b int); CREATE UNIQUE INDEX i_a ON i (a); ALTER TABLE i REPLICA IDENTITY USING INDEX i_a;
    CREATE TABLE n (a int); ALTER TABLE n REPLICA IDENTITY NOTHING`,
  'schemas other than public': `CREATE SCHEMA sales; CREATE SCHEMA hr;
    CREATE TYPE sales.status AS ENUM ('open', 'closed');
    CREATE TABLE hr.person (id int PRIMARY KEY, name text);
    CREATE TABLE sales.deal (id int PRIMARY KEY, owner int REFERENCES hr.person (id), st sales.status DEFAULT 'open');
    CREATE TABLE public.deal (id int);
    CREATE VIEW sales.open_deals AS SELECT d.id, p.name FROM sales.deal d JOIN hr.person p ON p.id = d.owner WHERE d.st = 'open'`,
  extensions: `CREATE EXTENSION IF NOT EXISTS citext;
    CREATE SCHEMA ext; CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA ext;
    CREATE TABLE t (e citext, h text DEFAULT encode(ext.digest('x', 'sha256'), 'hex'))`,
  'legacy inheritance is kept as a native link': `CREATE TABLE base (id int NOT NULL, note text, CHECK (id > 0));
    CREATE TABLE child (extra int) INHERITS (base)`,
  'statistics, collations, ranges and event triggers are kept as native objects': `CREATE TABLE t (a int, b int);
    CREATE STATISTICS t_ab (dependencies) ON a, b FROM t;
    CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE TABLE names (n text COLLATE ci);
    CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
    CREATE TABLE r (f floatrange);
    CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
    CREATE EVENT TRIGGER redb_t_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_ddl();
    ALTER EVENT TRIGGER redb_t_ddl DISABLE`,
  'foreign tables, casts and operators are kept as native objects': `CREATE EXTENSION file_fdw;
    CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
    COMMENT ON SERVER files IS 'local files';
    CREATE FOREIGN TABLE ft (a int OPTIONS (force_not_null 'true') NOT NULL, b text DEFAULT 'x')
      SERVER files OPTIONS (filename '/dev/null', format 'csv');
    COMMENT ON FOREIGN TABLE ft IS 'from a file';
    COMMENT ON COLUMN ft.b IS 'the b';
    CREATE VIEW ft_view AS SELECT a FROM ft;
    CREATE TYPE mood AS ENUM ('sad', 'happy');
    CREATE FUNCTION mood_of(integer) RETURNS mood LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN $1 > 0 THEN 'happy'::mood ELSE 'sad'::mood END $$;
    CREATE CAST (integer AS mood) WITH FUNCTION mood_of(integer) AS ASSIGNMENT;
    CREATE CAST (mood AS integer) WITH INOUT;
    CREATE FUNCTION approx_eq(numeric, numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT abs($1 - $2) < 0.01';
    CREATE OPERATOR === (FUNCTION = approx_eq, LEFTARG = numeric, RIGHTARG = numeric, COMMUTATOR = ===, RESTRICT = eqsel, JOIN = eqjoinsel);
    COMMENT ON OPERATOR === (numeric, numeric) IS 'about equal';
    CREATE TABLE t (n numeric CHECK (n === 1.0), m mood)`,
  // Kept as native DDL rather than lost: privileges, storage settings, tablespaces and objects the model has no shape for.
  'privileges are kept as grants': `DO $$ BEGIN CREATE ROLE redb_reader; EXCEPTION WHEN OTHERS THEN NULL; END $$;
    CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO PUBLIC; GRANT CREATE ON SCHEMA app TO redb_reader;
    CREATE TABLE app.t (id int, secret text, note text);
    GRANT SELECT ON app.t TO PUBLIC; GRANT SELECT (id, note), UPDATE (note) ON app.t TO redb_reader;
    REVOKE TRUNCATE ON app.t FROM CURRENT_USER;
    CREATE VIEW app.v AS SELECT id, note FROM app.t; GRANT SELECT ON app.v TO redb_reader WITH GRANT OPTION;
    CREATE SEQUENCE app.s; GRANT USAGE ON SEQUENCE app.s TO PUBLIC;
    CREATE TABLE app.i (id int GENERATED ALWAYS AS IDENTITY); GRANT SELECT ON SEQUENCE app.i_id_seq TO redb_reader;
    CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'; REVOKE EXECUTE ON FUNCTION app.f(int) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app.f(int) TO redb_reader;
    CREATE TYPE app.e AS ENUM ('a'); REVOKE USAGE ON TYPE app.e FROM PUBLIC;
    CREATE DOMAIN app.d AS int; REVOKE ALL ON DOMAIN app.d FROM PUBLIC`,
  'tablespaces are kept as native settings': `CREATE TABLE t (id int PRIMARY KEY USING INDEX TABLESPACE redb_ts, v text, UNIQUE (v)) TABLESPACE redb_ts;
    CREATE INDEX t_v ON t (v) TABLESPACE redb_ts;
    CREATE MATERIALIZED VIEW mv TABLESPACE redb_ts AS SELECT id FROM t;
    CREATE TABLE p (id int) PARTITION BY LIST (id) TABLESPACE redb_ts`,
  'column storage, compression and statistics targets': `CREATE TABLE t (a text, b text, c int, d jsonb, e numeric);
    ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL, ALTER COLUMN b SET COMPRESSION pglz, ALTER COLUMN c SET STATISTICS 500,
      ALTER COLUMN d SET STORAGE MAIN, ALTER COLUMN d SET STATISTICS 50;
    CREATE TABLE p (a text, b int) PARTITION BY LIST (b);
    ALTER TABLE p ALTER COLUMN a SET STORAGE MAIN;
    CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
    CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; ALTER MATERIALIZED VIEW mv ALTER COLUMN a SET STATISTICS 10`,
  'identity sequence names': `CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME t_a_custom START WITH 10), b int GENERATED BY DEFAULT AS IDENTITY);
    CREATE TABLE u (c int GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 2)); ALTER SEQUENCE u_c_seq RENAME TO "U c ids";
    CREATE TABLE a_table_name_long_enough_that_the_sequence_name_must_be_cut (a_column_name_long_enough_too int GENERATED ALWAYS AS IDENTITY)`,
  'publications are kept as native objects': `CREATE TABLE a (id int PRIMARY KEY, v text, w int); CREATE TABLE b (id int PRIMARY KEY);
    CREATE SCHEMA s; CREATE TABLE s.c (id int);
    CREATE PUBLICATION p_all FOR ALL TABLES WITH (publish = 'insert, update');
    CREATE PUBLICATION p_some FOR TABLE a (id, v) WHERE (id > 10), TABLE b WITH (publish_via_partition_root = true);
    CREATE PUBLICATION p_schema FOR TABLES IN SCHEMA s, TABLE b WITH (publish = '');
    CREATE PUBLICATION p_none;
    COMMENT ON PUBLICATION p_some IS 'some tables'`,
  'text search objects are kept as native objects': `CREATE TEXT SEARCH DICTIONARY my_simple (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
    CREATE TEXT SEARCH CONFIGURATION my_cfg (PARSER = pg_catalog."default");
    ALTER TEXT SEARCH CONFIGURATION my_cfg ADD MAPPING FOR asciiword, word WITH my_simple, english_stem;
    COMMENT ON TEXT SEARCH CONFIGURATION my_cfg IS 'mine';
    CREATE FUNCTION my_init(internal) RETURNS internal LANGUAGE internal STRICT AS 'dsimple_init';
    CREATE FUNCTION my_lexize(internal, internal, internal, internal) RETURNS internal LANGUAGE internal STRICT AS 'dsimple_lexize';
    CREATE TEXT SEARCH TEMPLATE my_tmpl (INIT = my_init, LEXIZE = my_lexize);
    CREATE TEXT SEARCH DICTIONARY my_dict (TEMPLATE = my_tmpl);
    CREATE FUNCTION my_start(internal, int4) RETURNS internal LANGUAGE internal STRICT AS 'prsd_start';
    CREATE FUNCTION my_token(internal, internal, internal) RETURNS internal LANGUAGE internal STRICT AS 'prsd_nexttoken';
    CREATE FUNCTION my_end(internal) RETURNS void LANGUAGE internal STRICT AS 'prsd_end';
    CREATE FUNCTION my_lextype(internal) RETURNS internal LANGUAGE internal STRICT AS 'prsd_lextype';
    CREATE TEXT SEARCH PARSER my_parser (START = my_start, GETTOKEN = my_token, END = my_end, LEXTYPES = my_lextype);
    CREATE TEXT SEARCH CONFIGURATION my_cfg2 (PARSER = my_parser);
    ALTER TEXT SEARCH CONFIGURATION my_cfg2 ADD MAPPING FOR asciiword WITH my_dict;
    CREATE TABLE doc (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.my_cfg', body)) STORED);
    CREATE INDEX doc_fts ON doc USING gin (to_tsvector('public.my_cfg'::regconfig, body))`,
  'base types are kept as native objects': `CREATE TYPE myint;
    CREATE FUNCTION myint_in(cstring) RETURNS myint LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
    CREATE FUNCTION myint_out(myint) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
    CREATE TYPE myint (INPUT = myint_in, OUTPUT = myint_out, LIKE = integer, CATEGORY = 'N', DEFAULT = '0');
    COMMENT ON TYPE myint IS 'an int';
    CREATE TABLE t (v myint, vs myint[])`,
  'foreign keys that set only some columns': `CREATE TABLE parent (tenant int, id int, PRIMARY KEY (tenant, id));
    CREATE TABLE child (id int, tenant int NOT NULL, parent_id int,
      CONSTRAINT child_parent FOREIGN KEY (tenant, parent_id) REFERENCES parent ON DELETE SET NULL (parent_id));
    CREATE TABLE other (tenant int DEFAULT 0, parent_id int DEFAULT 0,
      FOREIGN KEY (tenant, parent_id) REFERENCES parent ON DELETE SET DEFAULT (parent_id) NOT VALID)`,
  'INCLUDE and WITH on primary keys and unique constraints': `CREATE TABLE t (id int, a int, b text, c text,
      CONSTRAINT t_pk PRIMARY KEY (id) INCLUDE (a) WITH (fillfactor = 70), CONSTRAINT t_b UNIQUE (b) WITH (fillfactor = 80),
      CONSTRAINT t_c UNIQUE (c) INCLUDE (b));
    COMMENT ON CONSTRAINT t_pk ON t IS 'covering';
    CREATE TABLE r (t_id int REFERENCES t (id))`,
};
