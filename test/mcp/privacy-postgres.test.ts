import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redbOk } from '../support/cli.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, type ScratchDb } from '../support/scratch.js';
import { expectPrivacy, HIDDEN, POLICY, setupSql } from './privacy-cases.js';
import { mcpGrant } from '../../src/ops/mcp-grant.js';
import { bothTransports, call, project, stdioClient, type Project, type Served } from './support.js';

/** What PostgreSQL adds: a generated column, a partitioned table, views that read with their owner's or the reader's rights. */
const EXTRA_SETUP = `
CREATE TABLE Login (Id int PRIMARY KEY, Employee int, Password text, Shout text GENERATED ALWAYS AS (upper(Password)) STORED);
INSERT INTO Login (Id, Employee, Password) VALUES (1, 3, 'pw-3');
CREATE TABLE Payroll (Id int, Period int, Iban text) PARTITION BY RANGE (Period);
CREATE TABLE Payroll_2024 PARTITION OF Payroll FOR VALUES FROM (2024) TO (2025);
INSERT INTO Payroll VALUES (1, 2024, 'pw-iban');
CREATE VIEW LoginCount AS SELECT count(*) AS n FROM Login;
CREATE VIEW InvokerLogin WITH (security_invoker = true) AS SELECT EmployeeId, Password FROM Employee;
CREATE MATERIALIZED VIEW PasswordLengths AS SELECT EmployeeId, length(Password) AS n FROM Employee;
ANALYZE;
`;

const EXTRA_POLICY = `  - Login.Password
  - Payroll.Iban
`;

const PG_LEAKS = [
  'SELECT EmployeeId FROM EmployeeLogin',
  'SELECT Shout FROM Login',
  'SELECT Iban FROM Payroll',
  'SELECT Iban FROM Payroll_2024',
  "SELECT EmployeeId FROM InvokerLogin WHERE Password = 'pw-3'",
  'SELECT n FROM PasswordLengths',
];

/** Through the query tool: the catalogs and functions an attacker tries first. Each must fail. */
const REFUSED = [
  'SELECT rolname, rolpassword FROM pg_authid',
  'SELECT usename, passwd FROM pg_shadow',
  'SELECT umoptions FROM pg_user_mapping',
  "SELECT current_setting('data_directory')",
  "SELECT current_setting('hba_file')",
  'SELECT * FROM pg_hba_file_rules',
  'SELECT * FROM pg_file_settings',
  "SELECT pg_read_file('PG_VERSION')",
  "SELECT pg_read_binary_file('PG_VERSION')",
  "SELECT pg_ls_dir('.')",
  "SELECT pg_stat_file('PG_VERSION')",
  "SELECT lo_import('/etc/hostname')",
  'SELECT * FROM pg_largeobject',
  "COPY (SELECT 1) TO PROGRAM 'id'",
  'SELECT pg_reload_conf()',
  "SELECT set_config('role', 'redb', false)",
];
/** These may answer, but without what they would show a privileged role. */
const QUIET = [
  'SELECT srvname, umoptions::text FROM pg_user_mappings',
  "SELECT current_setting('ssl_key_file')",
  "SELECT name, setting FROM pg_settings WHERE name IN ('data_directory', 'hba_file', 'config_file', 'ident_file', 'ssl_key_file')",
  'SELECT usename, query FROM pg_stat_activity',
  "SELECT attname, most_common_vals::text, histogram_bounds::text FROM pg_stats WHERE tablename IN ('employee', 'login', 'payroll_2024')",
  'SELECT rolname, rolpassword FROM pg_roles',
];

const bindable = (url: string): string => url.replace(/^postgres(ql)?:\/\/([^:@/]+):[^@/]*@/, 'postgres://$2:${TEST_PG_PASSWORD}@');

describe('query never shows what the policy hides, nor the server’s secrets: PostgreSQL, through stdio and HTTP', () => {
  let db: ScratchDb;
  let p: Project;
  let name: string;
  let served: Served[];
  let admin: pg.Client;
  let granted: string;
  const role = () => `redb_mcp_${name}`;
  /** Grant again in-process (the CLI path is taken once, in beforeAll); the new password goes into the servers' environment... */
  const grant = async (policy?: string) => {
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name, ...(policy === undefined ? {} : { policy }) });
    // ...which running servers read at start: keep the password they have.
    await pgExec(db.url, `ALTER ROLE "${role()}" PASSWORD '${p.env[g.created?.envVar as string] as string}'`);
  };

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(setupSql('postgres') + EXTRA_SETUP);
    name = `pg${randomBytes(4).toString('hex')}`;
    p = await project({ [name]: bindable(db.url) }, { TEST_PG_PASSWORD: decodeURIComponent(new URL(db.url).password), NO_COLOR: '1' });
    writeFileSync(join(p.dir, 'policy.yaml'), POLICY + EXTRA_POLICY);
    writeFileSync(join(p.dir, 'strict.yaml'), `${POLICY + EXTRA_POLICY}  - Employee.Name\n`);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'policy: policy.yaml\n');
    granted = redbOk(p.dir, ['mcp', 'grant', name], p.env).stdout;
    const m = /export (\w+)='([^']+)'/.exec(granted);
    p.env[m?.[1] as string] = m?.[2];
    // Another session whose statement text the read login must not see.
    admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
    await admin.query("SELECT 'admin-query-marker'");
    served = await bothTransports(p);
  });
  afterAll(async () => {
    await Promise.all((served ?? []).map((s) => s.close()));
    await admin?.end();
    p.cleanup();
    await db.drop();
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE IF EXISTS "${role()}"`);
  });

  it('grants column by column what the policy allows, and keeps the grants out of the project’s schema', async () => {
    const columns = await pgQuery<{ c: string }>(
      db.url,
      `SELECT column_name AS c FROM information_schema.column_privileges WHERE grantee = '${role()}' AND table_name = 'employee'`,
    );
    expect(granted).toMatch(/public\.employee: all but email, password/);
    expect(columns.map((c) => c.c).sort()).toEqual(['employeeid', 'name', 'salary']);
    const [member] = await pgQuery<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '${role()}'`,
    );
    expect(member?.n).toBe(0);
    const d = (await call(served[0]?.client as Served['client'], 'diff', { from: `db:${name}`, to: 'HEAD' })).json<{ changes: unknown[] }>();
    expect(d.changes).toEqual([]);
    expect(redbOk(p.dir, ['status'], p.env).stdout).not.toMatch(/grant/i);
  });

  it('refuses every statement that reads a denied or masked column, by the column grants, and answers the rest', async () => {
    await expectPrivacy(served, name, 'postgres', PG_LEAKS);
  });

  it('reads the project’s data and none of the server’s secrets: password hashes, user mappings, settings, files, programs, other sessions', async () => {
    await admin.query('CREATE EXTENSION IF NOT EXISTS postgres_fdw');
    await admin.query("CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost')");
    await admin.query("CREATE USER MAPPING FOR PUBLIC SERVER elsewhere OPTIONS (user 'x', password 'mapping-secret')");
    await admin.query("SELECT 'admin-query-marker'");
    const [hash] = await pgQuery<{ h: string }>(db.url, 'SELECT rolpassword AS h FROM pg_authid WHERE rolpassword IS NOT NULL LIMIT 1');
    const [dir] = await pgQuery<{ d: string }>(db.url, 'SHOW data_directory');
    const secrets = [hash?.h as string, (dir as unknown as { data_directory: string }).data_directory, 'mapping-secret', 'admin-query-marker'];
    expect(secrets.every((x) => typeof x === 'string' && x.length > 8)).toBe(true);
    // Dealt out over the transports in turn: each carries its share.
    await Promise.all(
      served.map(async (s, k) => {
        for (const sql of REFUSED.filter((_, i) => i % served.length === k)) {
          const r = await call(s.client, 'query', { database: name, sql });
          expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(true);
          for (const x of secrets) expect(r.text).not.toContain(x);
        }
        for (const sql of QUIET.filter((_, i) => i % served.length === k)) {
          const r = await call(s.client, 'query', { database: name, sql });
          for (const x of secrets) expect(r.text, `${s.transport}: ${sql}`).not.toContain(x);
          expect(r.text, `${s.transport}: ${sql}`).not.toMatch(HIDDEN);
        }
      }),
    );
  });

  it('refuses a grant the policy has outgrown, or an old one through pg_read_all_data, until grant runs again', async () => {
    const strict = await stdioClient(p, ['--policy', 'strict.yaml']);
    try {
      const r = await call(strict.client, 'query', { database: name, sql: 'SELECT EmployeeId FROM Employee' });
      expect(r.text).toMatch(new RegExp(`^error\\[REDB_MCP_READ_ROLE_STALE\\]: .*employee\\.name.*redb mcp grant ${name}`));
      await grant('strict.yaml');
      expect((await call(strict.client, 'query', { database: name, sql: 'SELECT Name FROM Employee' })).text).toMatch(/^error\[REDB_MCP_NOT_GRANTED\]/);
      expect((await call(strict.client, 'query', { database: name, sql: 'SELECT EmployeeId FROM Employee WHERE EmployeeId = 2' })).json()).toMatchObject({
        rows: [[2]],
      });
    } finally {
      await strict.close();
    }
    // Back to the default policy; then an old-style grant (pg_read_all_data reads pg_authid too).
    await grant();
    await pgExec(db.url, `GRANT pg_read_all_data TO "${role()}"`);
    for (const s of served) {
      const r = await call(s.client, 'query', { database: name, sql: 'SELECT 1' });
      expect(r.text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: .*member of pg_read_all_data/);
    }
    await grant();
    expect((await call(served[0]?.client as Served['client'], 'query', { database: name, sql: 'SELECT 1 AS one' })).json()).toMatchObject({ rows: [[1]] });
  });

  it('refuses a login that could reach further through dblink or a SECURITY DEFINER function, until they are revoked', async () => {
    await admin.query('CREATE EXTENSION IF NOT EXISTS dblink');
    const port = new URL(serverUrl('REDB_TEST_PG_URL')).port;
    const reach = `SELECT * FROM dblink('host=127.0.0.1 port=${port} dbname=postgres user=redb password=redb', 'SELECT rolpassword FROM pg_authid') AS t(p text)`;
    for (const s of served) {
      const r = await call(s.client, 'query', { database: name, sql: reach });
      expect(r.text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: .*dblink/);
    }
    await admin.query(`REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC`);
    await admin.query(`CREATE FUNCTION peek() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER AS $$ SELECT Password FROM Employee $$`);
    for (const s of served) {
      const r = await call(s.client, 'query', { database: name, sql: 'SELECT * FROM peek()' });
      expect(r.text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: .*peek\(\).*SECURITY DEFINER/);
      expect(r.text).not.toMatch(HIDDEN);
    }
    await admin.query('REVOKE EXECUTE ON FUNCTION peek() FROM PUBLIC');
    for (const s of served) {
      expect((await call(s.client, 'query', { database: name, sql: reach })).isError).toBe(true);
      expect((await call(s.client, 'query', { database: name, sql: 'SELECT * FROM peek()' })).text).toMatch(/^error\[REDB_MCP_NOT_GRANTED\]/);
      expect((await call(s.client, 'query', { database: name, sql: 'SELECT count(*) AS n FROM Employee' })).isError).toBe(false);
    }
  });
});
