import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbAdd } from '../../src/ops/index.js';
import { mcpGrant } from '../../src/ops/mcp-grant.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';
import { call, memoryClient, project, type Project } from './support.js';

const SETUP = `
CREATE TABLE customers (id int PRIMARY KEY AUTO_INCREMENT, name varchar(50) NOT NULL, email varchar(100) NOT NULL, ssn varchar(20));
CREATE TABLE secrets (id int PRIMARY KEY, value text);
CREATE TABLE big (id int PRIMARY KEY, payload text);
INSERT INTO customers (name, email, ssn) VALUES ('Ada', 'ada@example.com', '123-45-6789'), ('Bob', 'bob@example.com', '987-65-4321');
INSERT INTO secrets VALUES (1, 'the launch code');
INSERT INTO big SELECT seq, LPAD(seq, 100, '0') FROM seq_1_to_1000;
`;

const POLICY = `secret: test-secret
rules:
  - match: customers.email
    transform: hash
deny:
  - customers.ssn
  - secrets
`;

const bindable = (url: string): string => url.replace(/^mysql:\/\/([^:@/]+):[^@/]*@/, 'mysql://$1:${TEST_MY_PASSWORD}@');

describe('redb mcp against a real MariaDB server', () => {
  let db: ScratchDb;
  let p: Project;
  let name: string;
  let policy: string;

  beforeAll(async () => {
    db = await mysqlEngine.create();
    await db.exec(SETUP);
    name = `my${randomBytes(4).toString('hex')}`;
    p = await project({ [name]: bindable(db.url) }, { TEST_MY_PASSWORD: decodeURIComponent(new URL(db.url).password) });
    policy = join(p.dir, 'policy.yaml');
    writeFileSync(policy, POLICY);
  });
  afterAll(async () => {
    p.cleanup();
    await db.drop();
    const admin = await mysqlScriptConnection();
    await admin.query(`DROP USER IF EXISTS 'redb_mcp_${name}'@'%'`);
    await admin.end();
  });

  it('refuses to query until grant creates a SELECT-only user, recorded without its password', async () => {
    const { client, close } = await memoryClient(p);
    try {
      expect((await call(client, 'query', { database: name, sql: 'SELECT 1' })).text).toMatch(/^error\[REDB_MCP_NO_READ_ROLE\]/);
    } finally {
      await close();
    }
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name });
    p.env[g.created?.envVar as string] = g.created?.password;
    const config = readFileSync(join(p.dir, '.redb', 'redb.json'), 'utf8');
    expect(config).toContain(`"readUrl": "mysql://redb_mcp_${name}:\${${g.created?.envVar}}@`);
    expect(config).not.toContain(g.created?.password as string);
    const admin = await mysqlScriptConnection();
    const [grants] = await admin.query(`SHOW GRANTS FOR 'redb_mcp_${name}'@'%'`);
    await admin.end();
    const lines = (grants as Record<string, string>[]).map((r) => Object.values(r)[0] as string);
    // Table by table: nothing database-wide, nothing but SELECT.
    expect(lines.slice(1).sort()).toEqual(
      ['big', 'customers', 'secrets'].map((t) => expect.stringMatching(new RegExp(`^GRANT SELECT ON \`redb_t_[0-9a-f]+\`\\.\`${t}\` TO \`redb_mcp_`))),
    );
  });

  it('queries as the read user, cut at the row limit', async () => {
    const { client, close } = await memoryClient(p);
    try {
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
      const who = (await call(client, 'query', { database: name, sql: 'SELECT CURRENT_USER()' })).json<{ rows: string[][] }>();
      expect(who.rows[0]?.[0]).toBe(`redb_mcp_${name}@%`);
      const all = (await call(client, 'query', { database: name, sql: 'SELECT * FROM big ORDER BY id' })).json<{ rows: unknown[][]; truncated: boolean }>();
      expect([all.rows.length, all.truncated]).toEqual([200, true]);
      const sample = (await call(client, 'sample_rows', { database: name, table: 'customers', limit: 1 })).json<{ rows: unknown[][]; truncated: boolean }>();
      expect(sample).toMatchObject({ rows: [[1, 'Ada', 'ada@example.com', '123-45-6789']], truncated: true });
      const plan = (await call(client, 'plan_migration', { database: name })).json<{ statements: string[] }>();
      expect(plan.statements).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses writes, several statements, file access; nothing changes', async () => {
    const { client, close } = await memoryClient(p);
    try {
      expect((await call(client, 'query', { database: name, sql: 'SELECT 1; DROP TABLE customers' })).text).toMatch(
        /^error\[REDB_MCP_QUERY_FAILED\]: .*SQL syntax/,
      );
      expect((await call(client, 'query', { database: name, sql: 'COMMIT; DROP TABLE customers' })).text).toMatch(
        /^error\[REDB_MCP_QUERY_FAILED\]: .*only a query may run/,
      );
      const attempts = [
        'DROP TABLE customers',
        "INSERT INTO secrets VALUES (2, 'x')",
        'UPDATE customers SET name = 1',
        'CREATE TABLE x (a int)',
        "SELECT * FROM customers INTO OUTFILE '/tmp/redb-mcp-outfile.txt'",
        "LOAD DATA INFILE '/etc/passwd' INTO TABLE secrets",
        'SET TRANSACTION READ WRITE',
        'GRANT ALL ON *.* TO CURRENT_USER',
        'SELECT * FROM mysql.user',
      ];
      for (const sql of attempts) {
        const r = await call(client, 'query', { database: name, sql });
        expect(r.isError, sql).toBe(true);
        expect(r.text, sql).toMatch(/^error\[REDB_MCP_(QUERY_FAILED|NOT_GRANTED)\]/);
      }
      // LOAD_FILE needs the FILE privilege; without it the server returns NULL.
      const file = (await call(client, 'query', { database: name, sql: "SELECT LOAD_FILE('/etc/passwd') AS f" })).json<{ rows: unknown[][] }>();
      expect(file.rows).toEqual([[null]]);
    } finally {
      await close();
    }
    const admin = await mysqlScriptConnection();
    const [rows] = await admin.query(
      `SELECT (SELECT COUNT(*) FROM \`${new URL(db.url).pathname.slice(1)}\`.customers) AS c, (SELECT COUNT(*) FROM \`${new URL(db.url).pathname.slice(1)}\`.secrets) AS s`,
    );
    await admin.end();
    expect(rows).toEqual([{ c: 2, s: 1 }]);
  });

  it('under a policy granted again, refuses masked and denied columns and tables, and masks sampled rows', async () => {
    const g = await mcpGrant({ cwd: p.dir, env: p.env, db: name, policy });
    p.env[g.created?.envVar as string] = g.created?.password;
    const { client, close } = await memoryClient(p, { policy });
    try {
      const r = (await call(client, 'query', { database: name, sql: 'SELECT c.name, CONCAT(c.name, c.id) AS x FROM customers c ORDER BY c.id' })).json<{
        rows: string[][];
      }>();
      expect(r.rows).toEqual([
        ['Ada', 'Ada1'],
        ['Bob', 'Bob2'],
      ]);
      for (const sql of [
        'SELECT c.name, c.email FROM customers c',
        'SELECT ssn FROM customers',
        'SELECT * FROM customers',
        'SELECT value FROM secrets',
        'SELECT CONCAT(email) AS e FROM customers',
      ]) {
        const refused = (await call(client, 'query', { database: name, sql })).text;
        expect(refused, sql).toMatch(/^error\[REDB_MCP_NOT_GRANTED\]: .*command denied.*sample_rows/);
        expect(refused).not.toMatch(/example\.com|123-45|launch code/);
      }
      const sample = (await call(client, 'sample_rows', { database: name, table: 'customers' })).json<{ columns: string[]; rows: unknown[][] }>();
      expect(sample.columns).toEqual(['id', 'name', 'email']);
      expect(JSON.stringify(sample.rows)).not.toMatch(/example\.com|123-45/);
    } finally {
      await close();
    }
  });

  it('refuses a read URL whose user may do more than SELECT', async () => {
    const writer = `${name}w`;
    await dbAdd({ cwd: p.dir, env: p.env, name: writer, url: bindable(db.url) });
    await mcpGrant({ cwd: p.dir, env: p.env, db: writer, url: bindable(db.url) });
    const { client, close } = await memoryClient(p);
    try {
      const r = await call(client, 'query', { database: writer, sql: 'SELECT 1' });
      expect(r.text).toMatch(
        /^error\[REDB_MCP_READ_ROLE_UNSAFE\]: the MCP read account of '.*' has more power than reading: the login also holds .*(ALL PRIVILEGES|INSERT|DELETE|FILE)/,
      );
    } finally {
      await close();
    }
  });
});
