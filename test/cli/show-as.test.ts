import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { redbOk } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { translateSchema } from '../../src/unified/index.js';
import { factsOf } from '../../src/adapters/registry.js';

/** The password stays out of .redb: the URL references the environment, as users are told to. */
function bindable(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  return { url: password === '' ? url : url.replace(`:${parsed.password}@`, ':${REDB_TEST_PASSWORD}@'), env: { REDB_TEST_PASSWORD: password } };
}

describe('show --as: the cross-engine type view, against real PostgreSQL and MariaDB servers', () => {
  const dir = tempDir();
  let pg: ScratchDb;
  let my: ScratchDb;

  beforeAll(async () => {
    pg = await postgresEngine.create();
    my = await mysqlEngine.create();
    await pg.exec(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
        mood mood, tags text[], body jsonb, name varchar(40) NOT NULL);
      CREATE INDEX events_body ON events USING gin (body);`);
    redbOk(dir.path, ['init']);
  });
  afterAll(async () => {
    await pg.drop();
    await my.drop();
    dir.cleanup();
  });

  it('renders a PostgreSQL schema as MySQL DDL and lists every lossy choice', () => {
    const { url, env } = bindable(pg.url);
    redbOk(dir.path, ['db', 'add', 'pg', url], env);
    const r = redbOk(dir.path, ['show', 'db:pg', '--as', 'mysql'], env);
    expect(r.stdout).toContain('CREATE TABLE `events`');
    expect(r.stdout).toMatch(/`at` datetime\(6\) NOT NULL DEFAULT current_timestamp\(\)/);
    expect(r.stdout).toContain("enum('sad','ok','happy')");
    expect(r.stderr).toMatch(/column public\.events\.at\s+timestamp with time zone → datetime\(6\)\s+time zone dropped/);
    expect(r.stderr).toMatch(/index public\.events\.events_body\s+USING gin → \(not created\)/);
    const json = JSON.parse(redbOk(dir.path, ['show', 'db:pg', '--as', 'mysql', '--json'], env).stdout) as { as: { losses: { object: string }[] } };
    expect(json.as.losses.map((l) => l.object)).toEqual(
      expect.arrayContaining(['column public.events.at', 'column public.events.tags', 'index public.events.events_body']),
    );
  });

  it('produces DDL the other engine accepts: the translated schema applies to a real MariaDB', async () => {
    const source = await introspectUrl(postgresEngine, pg.url);
    const { schema } = translateSchema(source, factsOf('mysql'));
    const applied = await applySchema(mysqlEngine, my, schema);
    const events = applied.tables.find((t) => t.name === 'events');
    expect(events?.columns.map((c) => [c.name, c.type.kind])).toEqual([
      ['id', 'integer'],
      ['at', 'timestamp'],
      ['mood', 'enum'],
      ['tags', 'json'],
      ['body', 'json'],
      ['name', 'text'],
    ]);
  });

  it('translates expressions for the other engine and lists, before anything runs, those it cannot carry', async () => {
    await pg.exec(`CREATE TABLE payment (payment_id serial PRIMARY KEY, amount numeric(5,2) NOT NULL, email text, code text DEFAULT 'it''s',
        payment_date timestamp without time zone NOT NULL DEFAULT now(),
        CONSTRAINT payment_date_range CHECK (payment_date >= '2007-01-01'::timestamp without time zone AND payment_date < '2008-01-01 00:00:00'::timestamp without time zone),
        CONSTRAINT email_digits CHECK (email ~ '\\d+'));
      CREATE VIEW payment_list AS SELECT p.payment_id, p.code || '-' || p.email AS label FROM payment p;`);
    const { env } = bindable(pg.url);
    const r = redbOk(dir.path, ['show', 'db:pg', '--as', 'mysql'], env);
    expect(r.stdout).toContain(
      "CONSTRAINT `payment_date_range` CHECK ((`payment_date` >= TIMESTAMP'2007-01-01 00:00:00') AND (`payment_date` < TIMESTAMP'2008-01-01 00:00:00'))",
    );
    expect(r.stdout).toContain("`code` longtext NULL DEFAULT 'it''s'");
    expect(r.stdout).toContain("SELECT `p`.`payment_id` AS `payment_id`, CONCAT(`p`.`code`, '-', `p`.`email`) AS `label` FROM `payment` AS `p`");
    expect(r.stdout).not.toContain('::');
    expect(r.stdout).not.toContain('email_digits');
    expect(r.stderr).toMatch(/check public\.payment\.email_digits\s+CHECK \(email ~ '\\d\+'::text\) → \(not created\)\s+the regular expression uses \\d/);
    const sqlite = redbOk(dir.path, ['show', 'db:pg', '--as', 'sqlite'], env);
    expect(sqlite.stdout).toContain(`CHECK (("payment_date" >= '2007-01-01 00:00:00') AND ("payment_date" < '2008-01-01 00:00:00'))`);
  });

  it('renders a MySQL schema as PostgreSQL DDL', async () => {
    await my.exec(
      "CREATE TABLE items (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, price decimal(10,2) NOT NULL, flag tinyint(1) NOT NULL DEFAULT 0, kind enum('a','b') NOT NULL)",
    );
    const { url, env } = bindable(my.url);
    redbOk(dir.path, ['db', 'add', 'my', url], env);
    const r = redbOk(dir.path, ['show', 'db:my', '--as', 'postgres'], env);
    expect(r.stdout).toContain('CREATE TABLE "public"."items"');
    expect(r.stdout).toMatch(/"id" bigint GENERATED BY DEFAULT AS IDENTITY/);
    expect(r.stdout).toContain('"price" numeric(10,2) NOT NULL');
    expect(r.stderr).toMatch(/column items\.kind\s+enum\('a','b'\) → text/);
  });
});
