import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpGrant } from '../../src/ops/mcp-grant.js';
import { redb, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';
import { expectPrivacy, HIDDEN, POLICY, setupSql } from './privacy-cases.js';
import { bothTransports, call, project, stdioClient, type Project, type Served } from './support.js';

/** What MariaDB adds: a generated column, and a view with its definer's rights (MariaDB's default). */
const EXTRA_SETUP = `
CREATE TABLE Login (Id int PRIMARY KEY, Employee int, Password varchar(50), Shout varchar(50) AS (upper(Password)) PERSISTENT);
INSERT INTO Login (Id, Employee, Password) VALUES (1, 3, 'pw-3');
CREATE VIEW NameList AS SELECT Name FROM Employee;
CREATE TABLE Vault (Id int PRIMARY KEY, Pin varchar(10)) ENGINE=Aria CHECKSUM=1;
INSERT INTO Vault VALUES (1, 'pw-pin');
`;

const MARIADB_LEAKS = [
  'SELECT EmployeeId FROM EmployeeLogin',
  'SELECT Shout FROM Login',
  // Not a leak, but under a masking policy a definer's-rights view is not granted: MariaDB cannot say what it reads.
  'SELECT Name FROM NameList',
  // Aria's live checksum covers every column: a table that keeps one is granted whole or not at all.
  'SELECT Id FROM Vault',
];

/** Through the query tool: the server's secrets an attacker tries first. Each must fail. */
const REFUSED = [
  'SELECT User, Password FROM mysql.user',
  'SELECT * FROM mysql.global_priv',
  'SELECT * FROM mysql.column_stats',
  'SELECT * FROM performance_schema.threads',
  'SELECT * FROM performance_schema.events_statements_history',
  "SELECT Name FROM Employee INTO OUTFILE '/tmp/redb-mcp-outfile'",
  'SHOW GRANTS FOR root@localhost',
  // Not queries: CHECKSUM TABLE digests every column for a reader of any one of them.
  'CHECKSUM TABLE Employee',
  '/*!CHECKSUM TABLE Employee*/',
  'SHOW TABLE STATUS',
  'HANDLER Employee OPEN',
];

const bindable = (url: string): string => url.replace(/^mysql:\/\/([^:@/]+):[^@/]*@/, 'mysql://$1:${TEST_MY_PASSWORD}@');

describe('query never shows what the policy hides, nor the server’s secrets: MariaDB, through stdio and HTTP', () => {
  let db: ScratchDb;
  let p: Project;
  let name: string;
  let served: Served[];
  let granted: string;
  const user = () => `redb_mcp_${name}`;
  const database = () => decodeURIComponent(new URL(db.url).pathname.slice(1));
  const admin = async (sql: string) => {
    const c = await mysqlScriptConnection();
    try {
      return (await c.query(sql))[0];
    } finally {
      await c.end();
    }
  };
  /** Grant again in-process, keeping the password the running servers were started with. */
  const grant = async (policy?: string) => {
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name, ...(policy === undefined ? {} : { policy }) });
    await admin(`ALTER USER '${user()}'@'%' IDENTIFIED BY '${p.env[g.created?.envVar as string] as string}'`);
  };

  beforeAll(async () => {
    db = await mysqlEngine.create();
    await db.exec(setupSql('mysql') + EXTRA_SETUP);
    name = `my${randomBytes(4).toString('hex')}`;
    p = await project({ [name]: bindable(db.url) }, { TEST_MY_PASSWORD: decodeURIComponent(new URL(db.url).password), NO_COLOR: '1' });
    writeFileSync(join(p.dir, 'policy.yaml'), `${POLICY}  - Login.Password\n  - Vault.Pin\n`);
    writeFileSync(join(p.dir, 'strict.yaml'), `${POLICY}  - Login.Password\n  - Vault.Pin\n  - Employee.Name\n`);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'policy: policy.yaml\n');
    granted = redbOk(p.dir, ['mcp', 'grant', name], p.env).stdout;
    const m = /export (\w+)='([^']+)'/.exec(granted);
    p.env[m?.[1] as string] = m?.[2];
    served = await bothTransports(p);
  });
  afterAll(async () => {
    await Promise.all((served ?? []).map((s) => s.close()));
    p.cleanup();
    await db.drop();
    await admin(`DROP USER IF EXISTS '${user()}'@'%'`);
  });

  it('grants column by column what the policy allows, SELECT alone', async () => {
    expect(granted).toMatch(/Employee: all but Email, Password/);
    expect(granted).toMatch(/not NameList: it runs with its definer's rights/);
    const grants = ((await admin(`SHOW GRANTS FOR '${user()}'@'%'`)) as Record<string, string>[]).map((r) => Object.values(r)[0] as string);
    expect(grants).toContain(`GRANT SELECT (\`EmployeeId\`, \`Name\`, \`Salary\`) ON \`${database()}\`.\`Employee\` TO \`${user()}\`@\`%\``);
    expect(grants.join('\n')).not.toMatch(/ON `[^`]+`\.\*|FILE|PROCESS|Secrets|NameList/);
    // A misspelt name would leave the column it meant granted: refused, with its line.
    writeFileSync(join(p.dir, 'typo.yaml'), `${POLICY}  - Employe.Salary\n`);
    const typo = redb(p.dir, ['mcp', 'grant', name, '--policy', 'typo.yaml'], p.env);
    expect([typo.code, typo.stderr]).toEqual([
      1,
      expect.stringMatching(/^error\[REDB_POLICY_UNKNOWN_COLUMN\]: .*typo\.yaml:8: 'Employe\.Salary' names no table/),
    ]);
  });

  it('refuses every statement that reads a denied or masked column, by the column grants, and answers the rest', async () => {
    await expectPrivacy(served, name, 'mysql', MARIADB_LEAKS);
  });

  it('reads none of the server’s secrets: password hashes, files, other sessions’ statements, performance_schema', async () => {
    const hostname = readFileSync('/etc/hostname', 'utf8').trim();
    const other = await mysqlScriptConnection();
    const running = other.query("SELECT SLEEP(20), 'admin-query-marker'").catch(() => undefined);
    try {
      await Promise.all(
        served.map(async (s, k) => {
          for (const sql of REFUSED.filter((_, i) => i % served.length === k)) {
            const r = await call(s.client, 'query', { database: name, sql });
            expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(true);
            expect(r.text).not.toMatch(HIDDEN);
          }
        }),
      );
      const s = served[0] as Served;
      const file = (await call(s.client, 'query', { database: name, sql: "SELECT LOAD_FILE('/etc/hostname') AS f" })).json<{ rows: unknown[][] }>();
      expect(file.rows).toEqual([[null]]);
      expect(JSON.stringify(file)).not.toContain(hostname);
      const sessions = (await call(s.client, 'query', { database: name, sql: 'SELECT USER, INFO FROM information_schema.PROCESSLIST' })).json<{
        rows: string[][];
      }>();
      expect(sessions.rows.length).toBeGreaterThan(0);
      expect(sessions.rows.map((r) => r[0])).toEqual(sessions.rows.map(() => user()));
      expect(JSON.stringify(sessions)).not.toContain('admin-query-marker');
    } finally {
      other.destroy();
      await running;
    }
  });

  it('answers query with the read login’s password alone; sample_rows names the bound account’s variable it needs', async () => {
    const env = { ...p.env };
    delete env.TEST_MY_PASSWORD;
    const s = await stdioClient({ ...p, env });
    try {
      expect((await call(s.client, 'query', { database: name, sql: 'SELECT Name FROM Employee WHERE EmployeeId = 1' })).json()).toMatchObject({
        rows: [['Name 1']],
      });
      expect((await call(s.client, 'sample_rows', { database: name, table: 'Employee' })).text).toMatch(/^error\[REDB_ENV_MISSING\]: .*\$\{TEST_MY_PASSWORD\}/);
    } finally {
      await s.close();
    }
  });

  it('refuses a grant wider than the policy (a policy tightened since, a database-wide SELECT) or with more than SELECT, until grant runs again', async () => {
    const strict = await stdioClient(p, ['--policy', 'strict.yaml']);
    try {
      const r = await call(strict.client, 'query', { database: name, sql: 'SELECT EmployeeId FROM Employee' });
      expect(r.text).toMatch(new RegExp(`^error\\[REDB_MCP_READ_ROLE_STALE\\]: .*Employee\\.Name.*redb mcp grant ${name}`));
      await grant('strict.yaml');
      expect((await call(strict.client, 'query', { database: name, sql: 'SELECT Name FROM Employee' })).text).toMatch(/^error\[REDB_MCP_NOT_GRANTED\]/);
      expect((await call(strict.client, 'query', { database: name, sql: 'SELECT EmployeeId FROM Employee WHERE EmployeeId = 2' })).json()).toMatchObject({
        rows: [[2]],
      });
    } finally {
      await strict.close();
    }
    await grant();
    const s = served[0] as Served;
    await admin(`GRANT SELECT ON \`${database()}\`.* TO '${user()}'@'%'`);
    expect((await call(s.client, 'query', { database: name, sql: 'SELECT 1' })).text).toMatch(
      /^error\[REDB_MCP_READ_ROLE_STALE\]: .*\.Password, which the policy masks or denies/,
    );
    await grant();
    await admin(`GRANT FILE ON *.* TO '${user()}'@'%'`);
    expect((await call(s.client, 'query', { database: name, sql: 'SELECT 1' })).text).toMatch(/^error\[REDB_MCP_READ_ROLE_UNSAFE\]: .*FILE on every database/);
    await grant();
    expect((await call(s.client, 'query', { database: name, sql: 'SELECT 1 AS one' })).json()).toMatchObject({ rows: [[1]] });
  });
});
