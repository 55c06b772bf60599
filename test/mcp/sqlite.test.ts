import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit } from '../../src/ops/index.js';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';
import { accessLog, call, memoryClient, project, type Project } from './support.js';

const SETUP = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, ssn TEXT);
CREATE TABLE secrets (id INTEGER PRIMARY KEY, value TEXT);
CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT);
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '123-45-6789'), (2, 'Bob', 'bob@example.com', '987-65-4321');
INSERT INTO secrets VALUES (1, 'the launch code');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO big SELECT i, printf('%0100d', i) FROM n;
`;

const POLICY = `secret: test-secret
rules:
  - match: customers.email
    transform: hash
deny:
  - customers.ssn
  - secrets
`;

describe('redb mcp over SQLite, in-process (InMemoryTransport)', () => {
  let db: ScratchDb;
  let p: Project;
  let policy: string;
  const file = () => db.url.slice('sqlite:'.length);

  beforeAll(async () => {
    db = await sqliteEngine.create();
    await db.exec(SETUP);
    p = await project({ app: db.url });
    // A second commit the database has not had: adds a column.
    const path = join(p.dir, 'schema', 'tables', 'customers.yaml');
    const yaml = (await import('node:fs')).readFileSync(path, 'utf8');
    writeFileSync(path, yaml.replace('columns:\n', 'columns:\n  - name: nickname\n    type: {kind: text, native: TEXT}\n    nullable: true\n'));
    await commit({ cwd: p.dir, env: p.env, message: 'add customers.nickname' });
    policy = join(p.dir, 'policy.yaml');
    writeFileSync(policy, POLICY);
  });
  afterAll(async () => {
    p.cleanup();
    await db.drop();
  });

  it('lists the tools with input schemas, the resource templates and the prompts', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.map((t) => t.name).sort()).toEqual([
        'describe_schema',
        'diff',
        'history',
        'lint',
        'list_databases',
        'plan_migration',
        'query',
        'sample_rows',
      ]);
      expect(tools.find((t) => t.name === 'query')?.inputSchema.required).toEqual(['database', 'sql']);
      const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
      expect(templates.sort()).toEqual(['redb://log/{ref}', 'redb://schema/{ref}/{object}']);
      expect((await client.listPrompts()).prompts.map((x) => x.name).sort()).toEqual(['explain_schema', 'write_migration']);
    } finally {
      await close();
    }
  });

  it('answers the schema tools from the repository', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const dbs = (await call(client, 'list_databases')).json<{ name: string; engine: string; queryable: boolean }[]>();
      expect(dbs).toEqual([expect.objectContaining({ name: 'app', engine: 'sqlite', queryable: true })]);

      const schema = (await call(client, 'describe_schema')).json<{ objects: { id: string; definition: string }[] }>();
      expect(schema.objects.map((o) => o.id).sort()).toEqual(['big', 'customers', 'secrets']);
      const one = (await call(client, 'describe_schema', { object: 'customers' })).json<{ objects: { definition: string }[] }>();
      expect(one.objects).toHaveLength(1);
      expect(one.objects[0]?.definition).toContain('nickname');
      const live = (await call(client, 'describe_schema', { database: 'app', object: 'customers' })).json<{ ref: string; objects: { definition: string }[] }>();
      expect(live.ref).toBe('db:app');
      expect(live.objects[0]?.definition).not.toContain('nickname');
      const missing = await call(client, 'describe_schema', { object: 'nope' });
      expect(missing.isError).toBe(true);
      expect(missing.text).toMatch(/^error\[REDB_USAGE\]: no schema object 'nope'/);

      const log = (await call(client, 'history')).json<{ message: string; changed: { sign: string; id: string }[] }[]>();
      expect(log.map((e) => e.message)).toEqual(['add customers.nickname', 'pull app']);
      expect(log[0]?.changed).toEqual([expect.objectContaining({ sign: '+', kind: 'column', id: 'customers.nickname' })]);

      const d = (await call(client, 'diff', { from: 'HEAD~1', to: 'HEAD' })).json<{ changes: { id: string; detail?: string }[] }>();
      expect(d.changes).toEqual([expect.objectContaining({ sign: '+', id: 'customers.nickname' })]);

      const lint = (await call(client, 'lint', { from: 'HEAD~1', to: 'HEAD' })).json<{ engine: string; changes: unknown[]; findings: unknown[] }>();
      expect(lint).toMatchObject({ engine: 'sqlite', changes: [expect.objectContaining({ id: 'customers.nickname' })] });
      expect(Array.isArray(lint.findings)).toBe(true);
    } finally {
      await close();
    }
  });

  it('plans a migration without applying it', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const plan = (await call(client, 'plan_migration', { database: 'app' })).json<{ statements: string[]; applied: boolean; hazards: unknown[] }>();
      expect(plan.applied).toBe(false);
      expect(plan.statements.join('\n')).toMatch(/"nickname" TEXT/);
      const columns = new Sqlite(file(), { readonly: true }).pragma('table_info(customers)') as { name: string }[];
      expect(columns.map((c) => c.name)).not.toContain('nickname');
    } finally {
      await close();
    }
  });

  it('queries read-only and cuts results at the row and byte limits', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const r = (await call(client, 'query', { database: 'app', sql: 'SELECT id, name FROM customers ORDER BY id' })).json();
      expect(r).toEqual({
        db: 'app',
        columns: ['id', 'name'],
        rows: [
          [1, 'Ada'],
          [2, 'Bob'],
        ],
        truncated: false,
      });
      const all = (await call(client, 'query', { database: 'app', sql: 'SELECT * FROM big' })).json<{ rows: unknown[]; truncated: boolean }>();
      expect(all.rows).toHaveLength(200);
      expect(all.truncated).toBe(true);
      const few = (await call(client, 'query', { database: 'app', sql: 'SELECT * FROM big', max_rows: 5 })).json<{ rows: unknown[]; truncated: boolean }>();
      expect([few.rows.length, few.truncated]).toEqual([5, true]);
      const exact = (await call(client, 'query', { database: 'app', sql: 'SELECT * FROM big LIMIT 5', max_rows: 5 })).json<{
        rows: unknown[];
        truncated: boolean;
      }>();
      expect([exact.rows.length, exact.truncated]).toEqual([5, false]);
      // An endless recursive query stops at the limit: rows are fetched one at a time.
      const endless = (
        await call(client, 'query', { database: 'app', sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n' })
      ).json<{ rows: unknown[]; truncated: boolean }>();
      expect([endless.rows.length, endless.truncated]).toEqual([200, true]);
    } finally {
      await close();
    }
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'limits:\n  bytes: 2048\n');
    const small = await memoryClient(p);
    try {
      const r = (await call(small.client, 'query', { database: 'app', sql: 'SELECT * FROM big' })).json<{ rows: unknown[]; truncated: boolean }>();
      expect(r.truncated).toBe(true);
      expect(r.rows.length).toBeGreaterThan(5);
      expect(JSON.stringify(r.rows).length).toBeLessThanOrEqual(2048);
    } finally {
      await small.close();
      writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), '{}\n');
    }
  });

  it('refuses anything but one statement that reads, and the database is unchanged', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const attempts = [
        'DELETE FROM customers',
        'SELECT 1; DELETE FROM customers',
        "ATTACH DATABASE '" + join(p.dir, 'other.db') + "' AS other",
        'PRAGMA query_only = 0',
        "VACUUM INTO '" + join(p.dir, 'copy.db') + "'",
        'CREATE TABLE x (a INT)',
        'INSERT INTO secrets VALUES (2, 1) RETURNING id',
      ];
      for (const sql of attempts) {
        const r = await call(client, 'query', { database: 'app', sql });
        expect(r.isError, sql).toBe(true);
        expect(r.text, sql).toMatch(/^error\[REDB_MCP_QUERY_FAILED\]/);
      }
      const check = new Sqlite(file(), { readonly: true });
      expect(check.prepare('SELECT count(*) AS n FROM customers').get()).toEqual({ n: 2 });
      expect(check.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 1 });
      check.close();
    } finally {
      await close();
    }
  });

  it('refuses queries that touch masked or denied columns or tables, computes freely from the rest, and masks sampled rows', async () => {
    const { client, close } = await memoryClient(p, { policy });
    try {
      for (const sql of [
        'SELECT name, email FROM customers',
        'SELECT ssn FROM customers',
        'SELECT * FROM customers',
        'SELECT value FROM secrets',
        'SELECT c.name, s.value FROM customers c, secrets s',
        'SELECT upper(email) AS e FROM customers',
      ]) {
        const refused = await call(client, 'query', { database: 'app', sql });
        expect(refused.isError, sql).toBe(true);
        expect(refused.text, sql).toMatch(/^error\[REDB_MCP_COLUMN_WITHHELD\]: .*(customers\.(email|ssn)|secrets).*sample_rows/);
        expect(refused.text).not.toMatch(/example\.com|123-45|launch code/);
      }
      const computed = (await call(client, 'query', { database: 'app', sql: 'SELECT upper(name) AS n, id * 2 AS twice FROM customers ORDER BY id' })).json<{
        rows: unknown[][];
      }>();
      expect(computed.rows).toEqual([
        ['ADA', 2],
        ['BOB', 4],
      ]);

      const sample = (await call(client, 'sample_rows', { database: 'app', table: 'customers' })).json<{ columns: string[]; rows: string[][] }>();
      expect(sample.columns).toEqual(['id', 'name', 'email']);
      expect(JSON.stringify(sample.rows)).not.toMatch(/example\.com|123-45/);
      const deniedSample = await call(client, 'sample_rows', { database: 'app', table: 'secrets' });
      expect(deniedSample.text).toMatch(/^error\[REDB_MCP_DENIED\]: table secrets/);

      const schema = (await call(client, 'describe_schema')).json<{ objects: { id: string; definition: string }[] }>();
      expect(schema.objects.map((o) => o.id).sort()).toEqual(['big', 'customers']);
      expect(schema.objects.find((o) => o.id === 'customers')?.definition).not.toContain('ssn');
      expect((await call(client, 'describe_schema', { object: 'secrets' })).text).toMatch(/^error\[REDB_MCP_DENIED\]/);
    } finally {
      await close();
    }
  });

  it('serves schema objects and the log as resources, and two prompts', async () => {
    const { client, close } = await memoryClient(p, { policy });
    try {
      const listed = (await client.listResources()).resources.map((r) => r.uri);
      expect(listed).toContain('redb://schema/HEAD/customers');
      expect(listed).not.toContain('redb://schema/HEAD/secrets');
      const object = await client.readResource({ uri: 'redb://schema/HEAD/customers' });
      const text = (object.contents[0] as { text: string }).text;
      expect(text).toContain('name: email');
      expect(text).not.toContain('ssn');
      const old = await client.readResource({ uri: 'redb://schema/HEAD~1/customers' });
      expect((old.contents[0] as { text: string }).text).not.toContain('nickname');
      await expect(client.readResource({ uri: 'redb://schema/HEAD/secrets' })).rejects.toThrow(/REDB_MCP_DENIED/);
      const log = JSON.parse(((await client.readResource({ uri: 'redb://log/HEAD' })).contents[0] as { text: string }).text) as { message: string }[];
      expect(log.map((e) => e.message)).toEqual(['add customers.nickname', 'pull app']);

      const write = await client.getPrompt({ name: 'write_migration', arguments: { change: 'add a phone column to customers', database: 'app' } });
      const writeText = (write.messages[0]?.content as { text: string }).text;
      expect(writeText).toContain('add a phone column to customers');
      expect(writeText).toContain('plan_migration with database "app"');
      const explain = await client.getPrompt({ name: 'explain_schema', arguments: {} });
      const explainText = (explain.messages[0]?.content as { text: string }).text;
      expect(explainText).toContain('table customers');
      expect(explainText).not.toContain('secrets');
    } finally {
      await close();
    }
  });

  it('logs every tool call with time, caller, tool, database, statement and outcome', async () => {
    const { client, close } = await memoryClient(p, { caller: 'audit-check' });
    try {
      await call(client, 'query', { database: 'app', sql: 'SELECT 1' });
      await call(client, 'query', { database: 'app', sql: 'DELETE FROM customers' });
    } finally {
      await close();
    }
    const mine = accessLog(p).filter((e) => e.token === 'audit-check');
    expect(mine).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), token: 'audit-check', tool: 'query', database: 'app', sql: 'SELECT 1', outcome: 'ok' },
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        token: 'audit-check',
        tool: 'query',
        database: 'app',
        sql: 'DELETE FROM customers',
        outcome: 'error',
        code: 'REDB_MCP_QUERY_FAILED',
      },
    ]);
  });
});
