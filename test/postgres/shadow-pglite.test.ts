import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/adapters/postgres/index.js';
import type { RedbError } from '../../src/errors.js';
import { rehearsal } from '../../src/ops/shadow.js';
import { diffSchemas, type Plan, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { errorCode, redb, redbOk } from '../support/cli.js';
import { pgDatabaseUrl, pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, tempDir } from '../support/scratch.js';

/** Starting PGlite takes seconds, more on a busy machine; a rehearsal may start it twice. */
const SLOW = 600_000;

/** A login without CREATEDB and a scratch database it owns: a shadow beside it cannot be created. */
async function unprivilegedDb() {
  const admin = serverUrl('REDB_TEST_PG_URL');
  const id = randomBytes(5).toString('hex');
  const role = `redb_nocreatedb_${id}`;
  const password = randomBytes(8).toString('hex');
  const databases: string[] = [];
  await pgExec(admin, `CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD '${password}'`);
  return {
    role,
    password,
    /** A new database owned by the role; `url` logs in as the role, `adminUrl` as the server's admin. */
    async create(setupAsAdmin = '') {
      const name = `redb_t_${randomBytes(6).toString('hex')}`;
      databases.push(name);
      await pgExec(admin, `CREATE DATABASE ${name} OWNER ${role}`);
      const adminUrl = pgDatabaseUrl(name);
      if (setupAsAdmin !== '') await pgExec(adminUrl, setupAsAdmin);
      const url = new URL(adminUrl);
      url.username = role;
      url.password = password;
      return { url: url.toString(), adminUrl };
    },
    async drop() {
      for (const name of databases) await pgExec(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await pgExec(admin, `DROP ROLE IF EXISTS ${role}`);
    },
  };
}

describe('shadow rehearsal on an embedded PostgreSQL (PGlite) where CREATE DATABASE is refused, against a real PostgreSQL server', () => {
  let owner: Awaited<ReturnType<typeof unprivilegedDb>>;
  let app: { url: string; adminUrl: string };
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  const table = () => join(dir.path, 'schema', 'tables', 'public.customer.yaml');

  beforeAll(async () => {
    owner = await unprivilegedDb();
    app = await owner.create();
    // Made by the role itself, so it may change them; the extensions are ones PGlite ships (one with a
    // dash in its name). PostgreSQL 15 prints the view's columns qualified (customer.email), 18 does not.
    await pgExec(
      app.url,
      `CREATE EXTENSION citext; CREATE EXTENSION "uuid-ossp";
       CREATE TABLE customer (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL);
       CREATE VIEW customer_email AS SELECT id, email FROM customer`,
    );
    env = { REDB_TEST_PASSWORD: owner.password };
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', app.url.replace(`:${owner.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'initial'], env);
  });
  afterAll(async () => {
    await owner?.drop();
    dir.cleanup();
  });

  it(
    'rehearses on PGlite, says so, and migrates the target; what the versions spell differently is no mismatch',
    async () => {
      const refused = await pgExec(app.url, 'CREATE DATABASE redb_never').catch((e: unknown) => (e as { code?: string }).code);
      expect(refused).toBe('42501');
      writeFileSync(
        table(),
        readFileSync(table(), 'utf8').replace(
          'primaryKey:',
          '  - name: phone\n    type: {kind: text, native: character varying(24), length: 24}\n    nullable: true\nprimaryKey:',
        ),
      );
      redbOk(dir.path, ['commit', '-m', 'phone'], env);
      const r = redbOk(dir.path, ['migrate', 'app', '--yes'], env);
      expect(r.stdout).toContain('rehearsed on an embedded PostgreSQL 18 (CREATE DATABASE not permitted): it produces the target');
      expect(r.stdout).toContain('applied');
      const columns = await pgQuery<{ column_name: string }>(
        app.url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'customer' ORDER BY ordinal_position",
      );
      expect(columns.map((c) => c.column_name)).toEqual(['id', 'email', 'phone']);
      expect(redbOk(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code'], env).code).toBe(0);
    },
    SLOW,
  );

  it(
    'catches a plan that fails on PGlite before the target changes',
    async () => {
      const before = await introspectUrl(postgresEngine, app.url);
      writeFileSync(
        table(),
        readFileSync(table(), 'utf8').replace('primaryKey:', '  - name: region\n    type: {kind: text, native: no_such_type}\n    nullable: true\nprimaryKey:'),
      );
      redbOk(dir.path, ['commit', '-m', 'a column of a type nobody made'], env);
      const r = redb(dir.path, ['migrate', 'app', '--yes'], env);
      expect(r.code).toBe(1);
      // The message is about the rehearsal: nothing in it may read as if the database itself had changed.
      expect(errorCode(r)).toBe('REDB_SHADOW_FAILED');
      expect(r.stderr).toContain('on an embedded PostgreSQL 18');
      expect(r.stderr).toContain("'app' itself was not touched");
      expect(r.stderr).toContain('type "no_such_type" does not exist');
      expect(await introspectUrl(postgresEngine, app.url)).toEqual(before);
      expect(await pgQuery(app.url, "SELECT 1 FROM redb.migrations WHERE outcome = 'failed'")).toEqual([]);
    },
    SLOW,
  );

  it(
    'catches a plan that does not reach the target (a compiler bug), touching nothing',
    async () => {
      const from = await introspectUrl(postgresEngine, app.url);
      const to: Schema = {
        ...from,
        tables: from.tables.map((t) => ({ ...t, columns: [...t.columns, { name: 'note', type: { kind: 'text', native: 'text' }, nullable: true }] })),
      } as Schema;
      const good = postgresAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
      const bad: Plan = { ...good, steps: good.steps.filter((s) => !s.statements.some((sql) => sql.includes('"note"'))) };
      const error = await rehearsal(postgresAdapter, { name: 'app', url: app.url, cwd: dir.path }, from, bad, to).catch((e: unknown) => e);
      expect((error as RedbError).code).toBe('REDB_SHADOW_MISMATCH');
      expect((error as RedbError).data.differences).toEqual(['- column public.customer.note text']);
      expect(await introspectUrl(postgresEngine, app.url)).toEqual(from);
    },
    SLOW,
  );

  it(
    'says the rehearsal is unavailable, not that the plan failed, when PGlite cannot hold the live schema',
    async () => {
      // PostgreSQL 17 moved checkpoints_timed out of pg_stat_bgwriter: the view cannot be made on 18.
      const old = await owner.create();
      await pgExec(old.url, 'CREATE VIEW checkpoints AS SELECT checkpoints_timed FROM pg_stat_bgwriter');
      const from = await introspectUrl(postgresEngine, old.url);
      const to: Schema = { ...from, sequences: [...from.sequences, { schema: 'public', name: 'ticket_no' }] } as Schema;
      const plan = postgresAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
      const error = await rehearsal(postgresAdapter, { name: 'old', url: old.url, cwd: dir.path }, from, plan, to).catch((e: unknown) => e);
      expect((error as RedbError).code).toBe('REDB_SHADOW_UNAVAILABLE');
      expect((error as RedbError).message).toContain('CREATE DATABASE not permitted, and the embedded PostgreSQL 18 standing in cannot hold the schema');
      expect((error as RedbError).message).toContain('checkpoints_timed');
      expect((error as RedbError).hint).toContain('--no-shadow');
    },
    SLOW,
  );

  it(
    'refuses, suggesting --no-shadow, when the target needs an extension PGlite lacks',
    async () => {
      // pgrowlocks is a contrib extension the server has and PGlite does not ship.
      const other = await owner.create('CREATE EXTENSION pgrowlocks');
      redbOk(dir.path, ['db', 'add', 'other', other.url.replace(`:${owner.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
      const r = redb(dir.path, ['migrate', 'other', '--dry-run'], env);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_SHADOW_UNAVAILABLE');
      expect(r.stderr).toContain("CREATE DATABASE not permitted, and the embedded PostgreSQL that could stand in has no extension 'pgrowlocks'");
      expect(r.stderr).toContain('--no-shadow');
      // Dropping the extension is a hazard, so the dry run exits 3: it still plans, unrehearsed.
      const skipped = redb(dir.path, ['migrate', 'other', '--dry-run', '--no-shadow'], env);
      expect(skipped.code).toBe(3);
      expect(skipped.stdout).toContain('not rehearsed (--no-shadow)');
    },
    SLOW,
  );
});
