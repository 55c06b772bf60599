import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb, redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/**
 * Schemas whose objects are named like SQL keywords, made to trip a planner that orders objects by
 * the words in their text: a table `language` that every `LANGUAGE plpgsql` would "name", a table
 * `text` that every text column would, a view named like a column another view selects (a false
 * cycle), views named `order`, `group`, `table`. Each is built from empty, torn down to one table,
 * and built again by redb migrate; the database must equal the commit each time.
 */
const SCHEMAS: Record<string, string> = {
  postgres: `
    CREATE SCHEMA "select";
    CREATE SEQUENCE language_language_id_seq;
    CREATE TABLE language (language_id int NOT NULL DEFAULT nextval('language_language_id_seq'), name text NOT NULL, last_update timestamptz DEFAULT now(), PRIMARY KEY (language_id));
    ALTER SEQUENCE language_language_id_seq OWNED BY language.language_id;
    CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update = now(); RETURN NEW; END $$;
    CREATE TRIGGER "trigger" BEFORE UPDATE ON language FOR EACH ROW EXECUTE FUNCTION last_updated();
    CREATE FUNCTION "default"(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x + 1;
    CREATE TYPE "type" AS (a int, b text);
    CREATE DOMAIN "domain" AS text CHECK (VALUE <> '');
    CREATE TYPE order_state AS ENUM ('new', 'done');
    CREATE TABLE text (id serial PRIMARY KEY, name text, zone text, data text);
    CREATE TABLE "user" (id serial PRIMARY KEY, "order" int, "check" text CHECK ("check" <> ''), "default" text DEFAULT 'x', language_id int REFERENCES language);
    CREATE TABLE "order" (id int PRIMARY KEY, "user" int REFERENCES "user"(id), "select" text, "table" text, v2 int, state order_state DEFAULT 'new');
    CREATE TABLE "table" (id int PRIMARY KEY, "from" int, "where" text);
    CREATE TABLE "check" (id int PRIMARY KEY, v int DEFAULT "default"(1), g int GENERATED ALWAYS AS ("default"(id)) STORED);
    CREATE TABLE "values" (id int PRIMARY KEY, t "type", d "domain");
    CREATE TABLE "select"."from" (id int PRIMARY KEY, language_id int REFERENCES language);
    CREATE INDEX "index" ON "order" ("select");
    CREATE VIEW v1 AS SELECT o.v2, u."check" FROM "order" o JOIN "user" u ON u.id = o."user";
    CREATE VIEW v2 AS SELECT v1.v2 AS v1, l.name FROM v1 CROSS JOIN language l;
    CREATE VIEW "group" AS SELECT v2.name, count(*) AS n FROM v2 GROUP BY v2.name ORDER BY 1;
    CREATE FUNCTION "limit"() RETURNS SETOF "order" LANGUAGE sql STABLE BEGIN ATOMIC SELECT * FROM "order"; END;`,
  mysql: `
    CREATE SEQUENCE \`order_seq\`;
    CREATE TABLE \`language\` (id int PRIMARY KEY DEFAULT (NEXT VALUE FOR \`order_seq\`), \`name\` varchar(20), \`default\` int DEFAULT 1, \`check\` int CHECK (\`check\` > 0));
    CREATE TABLE \`user\` (id int PRIMARY KEY, \`language\` int, CONSTRAINT \`key\` FOREIGN KEY (\`language\`) REFERENCES \`language\` (id));
    CREATE TABLE \`order\` (id int PRIMARY KEY, \`select\` varchar(20), \`user\` int, \`table\` varchar(10), \`z_reader\` int, total int GENERATED ALWAYS AS (\`user\` * 2) STORED, KEY \`index\` (\`select\`), CONSTRAINT \`references\` FOREIGN KEY (\`user\`) REFERENCES \`user\` (id));
    CREATE FUNCTION \`default\`(x int) RETURNS int DETERMINISTIC RETURN x + 1;
    CREATE VIEW \`a_src\` AS SELECT o.\`z_reader\`, \`default\`(o.\`user\`) AS \`language\` FROM \`order\` o;
    CREATE VIEW \`z_reader\` AS SELECT a.\`language\` AS \`a_src\`, o.\`select\` FROM \`a_src\` a JOIN \`order\` o ON o.\`z_reader\` = a.\`z_reader\`;
    CREATE VIEW \`table\` AS SELECT * FROM \`z_reader\` ORDER BY 1;
    CREATE VIEW \`group\` AS SELECT \`select\`, count(*) AS n FROM \`order\` GROUP BY \`select\`;
    CREATE TRIGGER \`trigger\` BEFORE INSERT ON \`order\` FOR EACH ROW SET NEW.\`table\` = 'x';`,
  sqlite: `
    CREATE TABLE "order" (id INTEGER PRIMARY KEY, "select" TEXT, "group" INT, v2 INT);
    CREATE TABLE "table" (id INTEGER PRIMARY KEY, "order" INT REFERENCES "order"(id), "check" TEXT CHECK ("check" <> ''), "default" TEXT DEFAULT 'x');
    CREATE INDEX "index" ON "order"("select");
    CREATE VIEW v1 AS SELECT v2, "select" FROM "order";
    CREATE VIEW v2 AS SELECT v1.v2 AS v1 FROM v1;
    CREATE VIEW "group" AS SELECT "select", count(*) AS n FROM "order" GROUP BY "select" ORDER BY 1;
    CREATE TRIGGER "trigger" AFTER INSERT ON "order" BEGIN UPDATE "table" SET "default" = 'y' WHERE "order" = NEW.id; END;`,
  duckdb: `
    CREATE TABLE "order" (id INTEGER PRIMARY KEY, "select" VARCHAR, "group" INTEGER, v2 INTEGER);
    CREATE TABLE "table" (id INTEGER PRIMARY KEY, "order" INTEGER REFERENCES "order"(id), "check" VARCHAR CHECK ("check" <> ''), "default" VARCHAR DEFAULT 'x');
    CREATE MACRO "default"(a) AS a + 1;
    CREATE VIEW v1 AS SELECT v2, "select" FROM "order";
    CREATE VIEW v2 AS SELECT v1.v2 AS v1, "default"(1) AS d FROM v1;
    CREATE VIEW "group" AS SELECT "select", count(*) AS n FROM v1 GROUP BY "select" ORDER BY 1;`,
};

/** The one table left when everything else is dropped. */
const KEEP: Record<string, string> = { postgres: 'public.table', mysql: 'table', sqlite: 'table', duckdb: 'main.table' };

describe.each([postgresEngine, mysqlEngine, sqliteEngine, duckdbEngine] as TestEngine[])('objects named like SQL keywords ($engine)', (engine) => {
  let source: ScratchDb;
  let target: ScratchDb;
  const dir = tempDir();
  let env: NodeJS.ProcessEnv = {};
  const bind = (db: ScratchDb) => {
    if (db.url.startsWith('sqlite:') || db.url.startsWith('duckdb:')) return db.url;
    const url = new URL(db.url);
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    return db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@');
  };

  beforeAll(async () => {
    [source, target] = await Promise.all([engine.create(), engine.create()]);
    await source.exec(SCHEMAS[engine.engine] as string);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'src', bind(source)], env);
    redbOk(dir.path, ['db', 'add', 'dst', bind(target)], env);
    redbOk(dir.path, ['pull', 'src'], env);
    redbOk(dir.path, ['commit', '-m', 'keywords'], env);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.drop(), target?.drop()]);
    dir.cleanup();
  });

  it('creates, drops and creates again in dependency order, not word order', () => {
    const migrate = (args: string[]) => {
      const r = redb(dir.path, ['migrate', 'dst', '--yes', '--allow', 'all', ...args], env);
      expect(r.code, r.stderr).toBe(0);
    };
    migrate([]);
    expect(redb(dir.path, ['diff', 'db:dst', 'HEAD', '--exit-code'], env).code).toBe(0);
    // Everything but one table goes: drops in dependency order too.
    const keep = `${KEEP[engine.engine]}.yaml`;
    const schema = join(dir.path, 'schema');
    for (const folder of readdirSync(schema)) {
      if (folder === 'tables') for (const file of readdirSync(join(schema, folder))) if (file !== keep) rmSync(join(schema, folder, file));
      if (folder !== 'tables' && folder !== 'redb.yaml') rmSync(join(schema, folder), { recursive: true });
    }
    redbOk(dir.path, ['commit', '-m', 'one table'], env);
    migrate([]);
    expect(redb(dir.path, ['diff', 'db:dst', 'HEAD', '--exit-code'], env).code).toBe(0);
    migrate(['--to', 'HEAD~1']);
    expect(redb(dir.path, ['diff', 'db:dst', 'HEAD~1', '--exit-code'], env).code).toBe(0);
  }, 240_000);
});
