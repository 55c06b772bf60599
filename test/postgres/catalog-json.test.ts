import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogQuery, jsonRows, toRows } from '../../src/adapters/postgres/catalog-json.js';
import { QUERIES } from '../../src/adapters/postgres/catalog-read.js';
import { postgresEngine, TEST_TABLESPACE } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

/**
 * The catalog read takes each query's rows as one JSON value (catalog-json.ts): every query, on a
 * schema full of what the catalog holds, gives exactly the rows the driver gives for the query
 * itself (same keys, same values, same JavaScript types), on the real server.
 */

const ROLE = 'redb_t_json "reader", x';
const role = `"${ROLE.replaceAll('"', '""')}"`;
// Text the server escapes in JSON: control characters, quotes, backslashes, non-ASCII, a line separator.
const ODD = 'line 1\nline 2\t"quoted" \\ back\u0001\u001f ünï ☃ 😀 \u2028 end';
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const LABELS = ['a,b', 'q"u', 'NULL', '', ' sp', 'b\\s', '{x}', 'ünï ☃'];

const SCHEMA = `
  CREATE EXTENSION hstore;
  CREATE EXTENSION btree_gist;
  CREATE EXTENSION pg_trgm;
  CREATE SCHEMA app;
  CREATE SCHEMA "Odd ""schema"", x";
  COMMENT ON SCHEMA app IS ${lit(ODD)};
  GRANT USAGE ON SCHEMA app TO ${role};
  CREATE TYPE app.mood AS ENUM (${LABELS.map(lit).join(', ')});
  COMMENT ON TYPE app.mood IS ${lit(ODD)};
  CREATE DOMAIN app.code AS text COLLATE "C" NOT NULL DEFAULT 'x,y' CHECK (VALUE ~ '^[a-z,]+$');
  CREATE TYPE app.span AS RANGE (subtype = float8, subtype_diff = float8mi);
  CREATE TYPE app.pair AS (a int, "b c" text);
  COMMENT ON COLUMN app.pair."b c" IS ${lit(ODD)};
  GRANT USAGE ON TYPE app.mood TO ${role};
  CREATE SEQUENCE app.s_max AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807
    START 9223372036854775806 INCREMENT -3 CACHE 1000 CYCLE;
  CREATE SEQUENCE app.s_small AS smallint MAXVALUE 32767;
  CREATE TABLE app."Parent, ""p""" (note text);
  CREATE TABLE redb.ref (id int PRIMARY KEY, "odd, col" int UNIQUE);
  CREATE TABLE app.item (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH -9223372036854775807 MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807 INCREMENT BY 7),
    "Mixed Case" text COLLATE "C" DEFAULT E'line1\\nline2 ☃',
    qty int NOT NULL DEFAULT 1 CHECK (qty > 0),
    price numeric(12, 2) DEFAULT 9999999999.99,
    total numeric GENERATED ALWAYS AS (qty * price) STORED,
    tags text[] DEFAULT '{"a,b",NULL,"q\\"u"}',
    grid int[][] DEFAULT '{{1,2},{3,4}}',
    mood app.mood DEFAULT 'q"u',
    code app.code,
    span app.span,
    attrs hstore,
    during tsrange,
    ref int,
    small int DEFAULT nextval('app.s_small'),
    PRIMARY KEY (id) INCLUDE (qty) WITH (fillfactor = 80) USING INDEX TABLESPACE ${TEST_TABLESPACE},
    UNIQUE NULLS NOT DISTINCT (code, mood),
    CONSTRAINT "check, ""odd""" CHECK ("Mixed Case" <> ${lit(ODD)}) NO INHERIT,
    FOREIGN KEY (ref) REFERENCES redb.ref ("odd, col") MATCH FULL ON DELETE SET NULL (ref) DEFERRABLE INITIALLY DEFERRED,
    EXCLUDE USING gist (ref WITH =, during WITH &&)
  ) INHERITS (app."Parent, ""p""") WITH (fillfactor = 70, autovacuum_enabled = false);
  ALTER TABLE app.item ADD CONSTRAINT not_yet CHECK (price < 1e12) NOT VALID;
  ALTER SEQUENCE app.s_small OWNED BY app.item.small;
  ALTER TABLE app.item ALTER COLUMN "Mixed Case" SET STORAGE EXTERNAL, ALTER COLUMN "Mixed Case" SET COMPRESSION pglz,
    ALTER COLUMN qty SET STATISTICS 500;
  ALTER TABLE app.item ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY, REPLICA IDENTITY FULL;
  COMMENT ON TABLE app.item IS ${lit(ODD)};
  COMMENT ON COLUMN app.item.tags IS ${lit(ODD)};
  COMMENT ON CONSTRAINT not_yet ON app.item IS ${lit(ODD)};
  GRANT SELECT, UPDATE ON app.item TO ${role} WITH GRANT OPTION;
  GRANT INSERT (qty, "Mixed Case") ON app.item TO ${role};
  REVOKE DELETE ON app.item FROM CURRENT_USER;
  CREATE POLICY "own, rows" ON app.item AS RESTRICTIVE FOR UPDATE TO ${role}, CURRENT_USER USING (qty > 0) WITH CHECK ("Mixed Case" <> 'ü');
  COMMENT ON POLICY "own, rows" ON app.item IS ${lit(ODD)};
  CREATE INDEX item_partial ON app.item (qty DESC NULLS FIRST, "Mixed Case" text_pattern_ops) WHERE "Mixed Case" <> ${lit(ODD)};
  CREATE INDEX item_expr ON app.item (lower("Mixed Case") COLLATE "C", (qty + 1)) WITH (fillfactor = 60) TABLESPACE ${TEST_TABLESPACE};
  CREATE INDEX item_trgm ON app.item USING gist ("Mixed Case" gist_trgm_ops (siglen = 32));
  CREATE INDEX item_brin ON app.item USING brin (qty) WITH (pages_per_range = 16);
  CREATE INDEX item_hash ON app.item USING hash (code);
  COMMENT ON INDEX app.item_partial IS ${lit(ODD)};
  CREATE TABLE app.part (id int, at date, note text) PARTITION BY RANGE (at);
  CREATE TABLE app.part_2024 PARTITION OF app.part FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE app.part_other PARTITION OF app.part DEFAULT;
  CREATE INDEX part_note ON app.part (note);
  CREATE UNLOGGED TABLE "Odd ""schema"", x"."t, 1" ("c ""1""" int PRIMARY KEY);
  CREATE TABLE app.heapish (id int) USING heap;
  CREATE VIEW app.v WITH (security_invoker = true) AS SELECT id, "Mixed Case" AS "ünï, x" FROM app.item WHERE qty > 1;
  COMMENT ON COLUMN app.v."ünï, x" IS ${lit(ODD)};
  CREATE MATERIALIZED VIEW app.mv AS SELECT qty, count(*) AS n FROM app.item GROUP BY qty WITH NO DATA;
  CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN NEW."Mixed Case" := ${lit(ODD)}; RETURN NEW; END$f$;
  CREATE TRIGGER "touch, it" BEFORE INSERT OR UPDATE OF qty ON app.item FOR EACH ROW WHEN (NEW.qty > 0) EXECUTE FUNCTION app.touch();
  ALTER TABLE app.item DISABLE TRIGGER "touch, it";
  COMMENT ON TRIGGER "touch, it" ON app.item IS ${lit(ODD)};
  CREATE FUNCTION app.add(a int, b int DEFAULT 2, VARIADIC c int[] DEFAULT '{}') RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT a + b + coalesce(array_length(c, 1), 0)';
  COMMENT ON FUNCTION app.add(int, int, int[]) IS ${lit(ODD)};
  REVOKE EXECUTE ON FUNCTION app.add(int, int, int[]) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION app.add(int, int, int[]) TO ${role};
  CREATE PROCEDURE app.noop(x text) LANGUAGE plpgsql AS $p$BEGIN RAISE NOTICE '%', x; END$p$;
  CREATE AGGREGATE app.biggest(int) (sfunc = int4larger, stype = int, sortop = >, initcond = '-2147483648');
  CREATE AGGREGATE app.gather(text) (sfunc = array_append, stype = text[], initcond = '{"a,b",NULL}');
  CREATE RULE "no, delete" AS ON DELETE TO app.heapish DO INSTEAD NOTHING;
  CREATE STATISTICS app.st (ndistinct, dependencies) ON qty, price FROM app.item;
  CREATE COLLATION app.c2 FROM "C";
  CREATE FUNCTION app.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $e$BEGIN END$e$;
  CREATE EVENT TRIGGER redb_t_json_ddl ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION app.on_ddl();
  CREATE FUNCTION app.pair_text(app.pair) RETURNS text LANGUAGE sql AS 'SELECT $1."b c"';
  CREATE CAST (app.pair AS text) WITH FUNCTION app.pair_text(app.pair);
  CREATE FUNCTION app.near(int, int) RETURNS bool LANGUAGE sql AS 'SELECT abs($1 - $2) < 2';
  CREATE OPERATOR app.~~~ (function = app.near, leftarg = int, rightarg = int, commutator = OPERATOR(app.~~~));
  CREATE PUBLICATION "redb_t pub" FOR TABLE app.item (id, qty) WHERE (qty > 1) WITH (publish = 'insert, update');
  CREATE TEXT SEARCH DICTIONARY app.simple_d (TEMPLATE = pg_catalog.simple, stopwords = english);
  CREATE TEXT SEARCH CONFIGURATION app.cfg (PARSER = pg_catalog."default");
  ALTER TEXT SEARCH CONFIGURATION app.cfg ADD MAPPING FOR word, asciiword WITH app.simple_d;
  CREATE FOREIGN DATA WRAPPER redb_t_json_fdw OPTIONS (debug 'true, "yes"');
  CREATE SERVER redb_t_json_server FOREIGN DATA WRAPPER redb_t_json_fdw OPTIONS (host 'a,b');
  CREATE FOREIGN TABLE app.remote (id int OPTIONS (column_name 'ID, x'), note text) SERVER redb_t_json_server OPTIONS (table_name 't "x"');
  ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ${role};
`;

// What JSON carries exactly, by the driver's type oid: text, name, bool, int2, int4, text[], int2[],
// jsonb. An int8, numeric, oid or float column would come back as a JSON number, not the driver's value.
const EXACT = new Map([
  [25, 'text'],
  [19, 'name'],
  [16, 'bool'],
  [21, 'int2'],
  [23, 'int4'],
  [1009, 'text[]'],
  [1005, 'int2[]'],
  [3802, 'jsonb'],
]);

const byText = (rows: readonly unknown[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('the catalog rows read as JSON are the rows the driver gives (real server)', () => {
  let db: ScratchDb;
  let client: pg.Client;
  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(`DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${lit(ROLE)}) THEN CREATE ROLE ${role}; END IF; END$$`);
    await db.exec(`CREATE SCHEMA redb;${SCHEMA}`);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path = ''");
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    // The event trigger and the wrapper's server belong to the database; the role stays (shared by runs).
    await db?.drop();
  });

  for (const [name, query] of Object.entries(QUERIES) as [string, CatalogQuery<unknown>][]) {
    it(`${name}: same keys, values and types`, async () => {
      const driver = await client.query(query.sql);
      expect(driver.fields.map((f) => f.name)).toEqual(query.keys);
      for (const f of driver.fields) expect(EXACT.get(f.dataTypeID), `${name}.${f.name} (type oid ${f.dataTypeID})`).toBeDefined();
      expect(driver.rows.length, `${name} read no row: the schema does not exercise it`).toBeGreaterThan(0);
      const json = toRows(query, (await client.query(jsonRows(query))).rows[0]?.rows);
      expect(byText(json)).toStrictEqual(byText(driver.rows));
    });
  }

  it('the values that JSON could spoil are the exact ones', async () => {
    const { relations, userTypes, columns, constraints, policies } = QUERIES;
    const read = async <T>(q: CatalogQuery<T>) => toRows(q, (await client.query(jsonRows(q))).rows[0]?.rows);
    const seq = (await read(relations)).find((r) => r.name === 's_max');
    expect(seq).toMatchObject({ seq_min: '-9223372036854775808', seq_max: '9223372036854775807', seq_start: '9223372036854775806' });
    const mood = (await read(userTypes)).find((t) => t.name === 'mood');
    expect(mood).toMatchObject({ labels: LABELS, comment: ODD });
    const id = (await read(columns)).find((c) => c.name === 'id');
    expect(id).toMatchObject({ id_min: '-9223372036854775808', id_start: '-9223372036854775807' });
    const fk = (await read(constraints)).find((k) => k.type === 'f');
    expect(fk?.ref_columns).toEqual(['odd, col']);
    const policy = (await read(policies))[0];
    expect(policy?.roles.sort()).toEqual([ROLE, (await client.query('SELECT current_user AS u')).rows[0].u].sort());
  });
});
