import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, dbAdd } from '../../src/ops/index.js';
import { mcpGrant } from '../../src/ops/mcp-grant.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, type ScratchDb } from '../support/scratch.js';
import { call, memoryClient, project, type Project } from './support.js';

const SETUP = `
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, ssn text);
CREATE TABLE secrets (id int PRIMARY KEY, value text);
CREATE TABLE big (id int PRIMARY KEY, payload text);
CREATE VIEW customer_emails AS SELECT id, email FROM customers;
INSERT INTO customers (name, email, ssn) VALUES ('Ada', 'ada@example.com', '123-45-6789'), ('Bob', 'bob@example.com', '987-65-4321');
INSERT INTO secrets VALUES (1, 'the launch code');
INSERT INTO big SELECT i, lpad(i::text, 100, '0') FROM generate_series(1, 1000) i;
`;

const POLICY = `secret: test-secret
rules:
  - match: customers.email
    transform: hash
deny:
  - customers.ssn
  - secrets
`;

/** A URL of the scratch database whose password is a ${VAR} reference, as bindings must be written. */
const bindable = (url: string): string => url.replace(/^postgres(ql)?:\/\/([^:@/]+):[^@/]*@/, 'postgres://$2:${TEST_PG_PASSWORD}@');

describe('redb mcp against a real PostgreSQL server', () => {
  let db: ScratchDb;
  let p: Project;
  let name: string;
  let policy: string;
  const role = () => `redb_mcp_${name}`;

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(SETUP);
    name = `pg${randomBytes(4).toString('hex')}`;
    p = await project({ [name]: bindable(db.url) }, { TEST_PG_PASSWORD: decodeURIComponent(new URL(db.url).password) });
    // A commit the database has not had: a new column.
    const path = join(p.dir, 'schema', 'tables', 'public.customers.yaml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('columns:\n', 'columns:\n  - name: nickname\n    type: {kind: text, native: text}\n    nullable: true\n'),
    );
    await commit({ cwd: p.dir, env: p.env, message: 'add customers.nickname' });
    policy = join(p.dir, 'policy.yaml');
    writeFileSync(policy, POLICY);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'limits:\n  timeoutMs: 1500\n');
  });
  afterAll(async () => {
    p.cleanup();
    await db.drop();
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE IF EXISTS "${role()}"`);
  });

  it('refuses to query before a read-only login is set up', async () => {
    const { client, close } = await memoryClient(p);
    try {
      expect((await call(client, 'list_databases')).json()).toEqual([expect.objectContaining({ name, engine: 'postgres', queryable: false })]);
      const r = await call(client, 'query', { database: name, sql: 'SELECT 1' });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(new RegExp(`^error\\[REDB_MCP_NO_READ_ROLE\\]: '${name}' has no read-only account.*redb mcp grant ${name}`));
    } finally {
      await close();
    }
  });

  it('grant creates a login that can only read and records its URL without the password', async () => {
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name });
    expect(g.created?.role).toBe(role());
    const envVar = g.created?.envVar as string;
    p.env[envVar] = g.created?.password;
    const config = readFileSync(join(p.dir, '.redb', 'redb.json'), 'utf8');
    expect(config).toContain(`"readUrl": "postgres://${role()}:\${${envVar}}@`);
    expect(config).not.toContain(g.created?.password as string);
    const [attrs] = await pgQuery<{ rolsuper: boolean; rolcanlogin: boolean; rolcreaterole: boolean; config: string[] }>(
      serverUrl('REDB_TEST_PG_URL'),
      `SELECT rolsuper, rolcanlogin, rolcreaterole, rolconfig AS config FROM pg_roles WHERE rolname = '${role()}'`,
    );
    expect(attrs).toEqual({ rolsuper: false, rolcanlogin: true, rolcreaterole: false, config: ['default_transaction_read_only=on'] });
  });

  it('answers every tool against the live database', async () => {
    const { client, close } = await memoryClient(p);
    try {
      expect((await call(client, 'list_databases')).json()).toEqual([expect.objectContaining({ name, queryable: true })]);
      const live = (await call(client, 'describe_schema', { database: name })).json<{ ref: string; objects: { id: string }[] }>();
      expect(live.objects.map((o) => o.id)).toEqual(expect.arrayContaining(['public.customers', 'public.secrets', 'public.big', 'public.customer_emails']));
      const history = (await call(client, 'history', { limit: 1 })).json<{ message: string }[]>();
      expect(history.map((h) => h.message)).toEqual(['add customers.nickname']);
      const d = (await call(client, 'diff', { from: `db:${name}`, to: 'HEAD' })).json<{ changes: { id: string }[] }>();
      expect(d.changes).toEqual([expect.objectContaining({ id: 'public.customers.nickname' })]);
      const lint = (await call(client, 'lint', { from: 'HEAD~1', to: 'HEAD' })).json<{ engine: string }>();
      expect(lint.engine).toBe('postgres');
      const plan = (await call(client, 'plan_migration', { database: name })).json<{ statements: string[]; applied: boolean }>();
      expect(plan.applied).toBe(false);
      expect(plan.statements.join('\n')).toMatch(/ALTER TABLE "?public"?\."?customers"? ADD COLUMN "?nickname"? text/);
      const columns = await pgQuery<{ column_name: string }>(db.url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'customers'`);
      expect(columns.map((c) => c.column_name)).not.toContain('nickname');

      const q = (await call(client, 'query', { database: name, sql: 'SELECT id, name FROM customers ORDER BY id' })).json();
      expect(q).toEqual({
        db: name,
        columns: ['id', 'name'],
        rows: [
          [1, 'Ada'],
          [2, 'Bob'],
        ],
        truncated: false,
      });
      const who = (await call(client, 'query', { database: name, sql: 'SELECT current_user, current_setting($$transaction_read_only$$)' })).json<{
        rows: unknown[][];
      }>();
      expect(who.rows).toEqual([[role(), 'on']]);
      const sample = (await call(client, 'sample_rows', { database: name, table: 'customers', limit: 1 })).json<{ rows: unknown[][]; truncated: boolean }>();
      expect(sample).toMatchObject({ rows: [[1, 'Ada', 'ada@example.com', '123-45-6789']], truncated: true });
    } finally {
      await close();
    }
  });

  it('cuts results at the row and byte limits, and stops a long query at the statement timeout', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const all = (await call(client, 'query', { database: name, sql: 'SELECT * FROM big ORDER BY id' })).json<{ rows: unknown[][]; truncated: boolean }>();
      expect([all.rows.length, all.truncated, all.rows[199]?.[0]]).toEqual([200, true, 200]);
      const wide = (await call(client, 'query', { database: name, sql: `SELECT repeat('x', 100000) FROM big` })).json<{
        rows: unknown[][];
        truncated: boolean;
      }>();
      expect(wide.truncated).toBe(true);
      expect(wide.rows).toHaveLength(2);
      const slow = await call(client, 'query', { database: name, sql: 'SELECT pg_sleep(10)' });
      expect(slow.text).toMatch(/^error\[REDB_MCP_QUERY_FAILED\]: .*statement timeout/);
    } finally {
      await close();
    }
  });

  it('refuses writes, several statements and every way back to more privileges; nothing changes', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
    const pid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number;
    const { client, close } = await memoryClient(p);
    try {
      // The extended protocol refuses several statements before any of them runs.
      for (const sql of ['SELECT 1; DROP TABLE customers', 'SELECT 1; SELECT 2', "SELECT 1; COPY customers TO PROGRAM 'true'"]) {
        const r = await call(client, 'query', { database: name, sql });
        expect(r.text, sql).toMatch(/^error\[REDB_MCP_QUERY_FAILED\]: .*cannot insert multiple commands into a prepared statement/);
      }
      const attempts = [
        'COMMIT; DROP TABLE customers',
        'DROP TABLE customers',
        "INSERT INTO secrets VALUES (2, 'x')",
        'WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone',
        'RESET ROLE',
        'SET ROLE redb',
        "SELECT set_config('role', 'redb', false)",
        'SET SESSION AUTHORIZATION redb',
        'SET TRANSACTION READ WRITE',
        "SELECT set_config('transaction_read_only', 'off', true)",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT lo_import('/etc/passwd')",
        `SELECT pg_terminate_backend(${pid})`,
        "COPY customers TO PROGRAM 'touch /tmp/redb-mcp-pwned'",
        "SELECT nextval('customers_id_seq')",
        'SELECT * FROM customers FOR UPDATE',
      ];
      for (const sql of attempts) {
        const r = await call(client, 'query', { database: name, sql });
        expect(r.isError, sql).toBe(true);
        // Refused by the engine: as a statement a cursor cannot run, or for want of privilege.
        expect(r.text, sql).toMatch(/^error\[REDB_MCP_(QUERY_FAILED|NOT_GRANTED)\]/);
      }
    } finally {
      await close();
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM customers')).rows).toEqual([{ n: 2 }]);
    expect((await admin.query('SELECT count(*)::int AS n FROM secrets')).rows).toEqual([{ n: 1 }]);
    expect((await admin.query(`SELECT last_value::int AS v FROM customers_id_seq`)).rows).toEqual([{ v: 2 }]);
    await admin.end();
  });

  it('under a policy, refuses masked and denied columns and tables in queries, and masks sampled rows', async () => {
    const before = await memoryClient(p, { policy });
    try {
      // The grant above was made without the policy: it reads more than the policy allows.
      expect((await call(before.client, 'query', { database: name, sql: 'SELECT 1' })).text).toMatch(/^error\[REDB_MCP_READ_ROLE_STALE\]/);
    } finally {
      await before.close();
    }
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name, policy });
    p.env[g.created?.envVar as string] = g.created?.password;
    const { client, close } = await memoryClient(p, { policy });
    try {
      const r = (await call(client, 'query', { database: name, sql: 'SELECT c.name FROM customers c ORDER BY c.id' })).json<{ rows: string[][] }>();
      expect(r.rows).toEqual([['Ada'], ['Bob']]);
      for (const sql of [
        'SELECT c.name, c.email FROM customers c',
        'SELECT ssn FROM customers',
        'SELECT * FROM customers',
        'SELECT value FROM public.secrets',
        'SELECT s.* FROM customers c JOIN secrets s ON s.id = c.id',
        'SELECT email FROM customer_emails',
        "SELECT email || '' AS e FROM customers",
        'SELECT (SELECT value FROM secrets) AS v',
      ]) {
        const refused = await call(client, 'query', { database: name, sql });
        expect(refused.text, sql).toMatch(/^error\[REDB_MCP_NOT_GRANTED\]: .*permission denied.*sample_rows/);
        expect(refused.text).not.toMatch(/example\.com|123-45|launch code/);
      }
      const sample = (await call(client, 'sample_rows', { database: name, table: 'public.customers' })).json<{ columns: string[]; rows: unknown[][] }>();
      expect(sample.columns).toEqual(['id', 'name', 'email']);
      expect(JSON.stringify(sample.rows)).not.toMatch(/example\.com|123-45/);
    } finally {
      await close();
    }
  });

  it('refuses a read URL whose login is a superuser or may read server files', async () => {
    const su = `${name}su`;
    await dbAdd({ cwd: p.dir, env: p.env, name: su, url: bindable(db.url) });
    await mcpGrant({ cwd: p.dir, env: p.env, db: su, url: bindable(db.url) });
    const files = `${name}files`;
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `CREATE ROLE "${role()}_files" LOGIN; GRANT pg_read_server_files TO "${role()}_files"`);
    const filesUrl = bindable(db.url).replace(/^postgres:\/\/[^:]+:/, `postgres://${role()}_files:`);
    await dbAdd({ cwd: p.dir, env: p.env, name: files, url: bindable(db.url) });
    await mcpGrant({ cwd: p.dir, env: p.env, db: files, url: filesUrl });
    const { client, close } = await memoryClient(p);
    try {
      const r = await call(client, 'query', { database: su, sql: "SELECT pg_read_file('/etc/hostname')" });
      expect(r.text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: the MCP read account of '.*' has more power than reading: the login is superuser/);
      const f = await call(client, 'query', { database: files, sql: "SELECT pg_read_file('/etc/hostname')" });
      expect(f.text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: .*member of pg_read_server_files/);
    } finally {
      await close();
      await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE "${role()}_files"`);
    }
  });
});
