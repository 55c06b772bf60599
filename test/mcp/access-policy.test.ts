import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb, redbOk } from '../support/cli.js';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';
import { accessLog, call, project, readResourceText, startHttp, stdioClient, type Project } from './support.js';

/**
 * The access policy (Cedar) enforced by the MCP server, per principal: each bearer token is its own,
 * stdio is the local user. Real server processes (the built CLI), real SDK clients, a real SQLite file.
 */
const SETUP = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT);
CREATE TABLE payroll (id INTEGER PRIMARY KEY, salary INTEGER NOT NULL);
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '+44 20 7946 0001'), (2, 'Bob', 'bob@example.com', '+44 20 7946 0002');
INSERT INTO payroll VALUES (1, 250000);
`;

/** The "how": customers.email is redacted where it is shown masked. */
const MASK = `rules:
  - match: customers.email
    transform: redact
`;

/** The "whether": ops sees everything clear; analysts see email masked and phone not at all; payroll is nobody's. */
const ACCESS = `@id("ops reads the app clear")
permit(principal in Role::"ops", action in [Action::"readTable", Action::"sample", Action::"readColumnClear"], resource in Database::"app");

@id("analysts read the app")
permit(principal in Role::"analyst", action in [Action::"readTable", Action::"sample", Action::"readColumnClear"], resource in Database::"app");

@id("analysts see email masked")
forbid(principal in Role::"analyst", action == Action::"readColumnClear", resource == Column::"app/customers/email");
permit(principal in Role::"analyst", action == Action::"readColumnMasked", resource == Column::"app/customers/email");

@id("analysts never see phones")
forbid(principal in Role::"analyst", action == Action::"readColumnClear", resource == Column::"app/customers/phone");

@id("the local user reads the app")
permit(principal is LocalUser, action in [Action::"readTable", Action::"sample", Action::"readColumnClear"], resource in Database::"app");

@id("payroll is nobody's business")
forbid(principal, action in [Action::"readTable", Action::"sample", Action::"replicate"], resource == Table::"app/payroll");
`;

async function httpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'redb-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

const rowsOf = (r: { json: <T>() => T }) => r.json<{ columns: string[]; rows: unknown[][] }>();

describe('redb mcp under an access policy, over real HTTP and stdio, against SQLite', () => {
  let db: ScratchDb;
  let p: Project;
  let server: Awaited<ReturnType<typeof startHttp>>;
  const tokens: Record<'ops' | 'analyst', { id: string; client: Client }> = {} as never;
  let local: Awaited<ReturnType<typeof stdioClient>>;

  beforeAll(async () => {
    db = await sqliteEngine.create();
    await db.exec(SETUP);
    p = await project({ app: db.url }, { NO_COLOR: '1' });
    writeFileSync(join(p.dir, 'mask.yaml'), MASK);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'policy: mask.yaml\n');
    writeFileSync(join(p.dir, 'access.cedar'), ACCESS);
    redbOk(p.dir, ['config', 'access.policy', 'access.cedar'], p.env);
    const created: Record<string, { id: string; token: string }> = {};
    for (const role of ['ops', 'analyst'] as const)
      created[role] = JSON.parse(redbOk(p.dir, ['mcp', 'token', 'create', role, '--role', role, '--json'], p.env).stdout) as { id: string; token: string };
    server = await startHttp(p);
    for (const role of ['ops', 'analyst'] as const)
      tokens[role] = { id: created[role]?.id as string, client: await httpClient(server.url, created[role]?.token as string) };
    local = await stdioClient(p);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([tokens.ops?.client.close(), tokens.analyst?.client.close(), local?.close()]);
    if (server !== undefined) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    p?.cleanup();
    await db?.drop();
  });

  it('two tokens under two policies see the same column clear and masked', async () => {
    const ops = rowsOf(await call(tokens.ops.client, 'sample_rows', { database: 'app', table: 'customers' }));
    const analyst = rowsOf(await call(tokens.analyst.client, 'sample_rows', { database: 'app', table: 'customers' }));
    expect(ops.columns).toEqual(['id', 'name', 'email', 'phone']);
    expect(ops.rows.map((r) => r[2])).toEqual(['ada@example.com', 'bob@example.com']);
    // The analyst: email through the masking rule (redacted, same length), phone not at all.
    expect(analyst.columns).toEqual(['id', 'name', 'email']);
    const emails = analyst.rows.map((r) => r[2] as string);
    expect(emails).toHaveLength(2);
    for (const [i, e] of emails.entries()) {
      expect(e).not.toBe(ops.rows[i]?.[2]);
      expect(e).toHaveLength((ops.rows[i]?.[2] as string).length);
    }
    expect(analyst.rows.map((r) => r[1])).toEqual(['Ada', 'Bob']);
    // The schema the analyst is shown has no phone column; the ops token's has.
    const analystSchema = (await call(tokens.analyst.client, 'describe_schema', { object: 'customers' })).json<{ objects: { definition: string }[] }>();
    expect(analystSchema.objects[0]?.definition).not.toMatch(/phone/);
    const opsSchema = (await call(tokens.ops.client, 'describe_schema', { object: 'customers' })).json<{ objects: { definition: string }[] }>();
    expect(opsSchema.objects[0]?.definition).toMatch(/phone/);
  });

  it('a denied table stays denied through query, sample_rows, describe_schema and resources, for every principal', async () => {
    for (const client of [tokens.ops.client, tokens.analyst.client, local.client]) {
      const sampled = await call(client, 'sample_rows', { database: 'app', table: 'payroll' });
      expect(sampled.isError).toBe(true);
      expect(sampled.text).toMatch(
        /^error\[REDB_ACCESS_DENIED\]: .* may not (read-table|sample) table app\/payroll \(forbidden by payroll is nobody's business \(access\.cedar:17\)\)/,
      );

      for (const sql of ['SELECT salary FROM payroll', 'SELECT count(*) FROM payroll', 'SELECT c.name FROM customers c JOIN payroll p ON p.id = c.id']) {
        const q = await call(client, 'query', { database: 'app', sql });
        expect(q.isError, sql).toBe(true);
        expect(q.text, sql).toMatch(/REDB_MCP_COLUMN_WITHHELD|REDB_ACCESS_DENIED/);
        expect(q.text, sql).not.toMatch(/250000/);
      }

      const all = (await call(client, 'describe_schema', {})).json<{ objects: { id: string }[] }>();
      expect(all.objects.map((o) => o.id)).toContain('customers');
      expect(all.objects.map((o) => o.id)).not.toContain('payroll');
      const one = await call(client, 'describe_schema', { object: 'payroll' });
      expect(one.isError).toBe(true);
      expect(one.text).toMatch(/^error\[REDB_ACCESS_DENIED\]/);
      const live = (await call(client, 'describe_schema', { database: 'app' })).json<{ objects: { id: string }[] }>();
      expect(live.objects.map((o) => o.id)).not.toContain('payroll');

      const listed = await client.listResources();
      expect(listed.resources.map((r) => r.uri)).toContain('redb://schema/HEAD/customers');
      expect(listed.resources.map((r) => r.uri).filter((u) => u.includes('payroll'))).toEqual([]);
      for (const uri of ['redb://schema/HEAD/payroll', 'redb://schema/db%3Aapp/payroll']) {
        const read = await readResourceText(client, uri);
        expect(read.isError, uri).toBe(true);
        expect(read.text, uri).toMatch(/REDB_ACCESS_DENIED/);
      }
      const explained = await client.getPrompt({ name: 'explain_schema', arguments: {} });
      expect((explained.messages[0]?.content as { text: string }).text).not.toMatch(/payroll/);
    }
    // What the policy lets through still works: a query on what is clear for the caller.
    expect(rowsOf(await call(tokens.ops.client, 'query', { database: 'app', sql: 'SELECT name FROM customers ORDER BY id' })).rows).toEqual([['Ada'], ['Bob']]);
    // A column the analyst sees only masked cannot be queried, not even in a WHERE.
    const where = await call(tokens.analyst.client, 'query', { database: 'app', sql: "SELECT name FROM customers WHERE phone LIKE '+44%'" });
    expect(where.isError).toBe(true);
    expect(where.text).toMatch(/REDB_MCP_COLUMN_WITHHELD/);
  });

  it('logs every refusal in the MCP access log, by token', async () => {
    const log = accessLog(p);
    const refusals = log.filter((e) => Array.isArray(e.refused) && (e.refused as string[]).some((r) => r.includes('app/payroll')));
    const who = new Set(refusals.map((e) => e.token));
    expect(who).toEqual(new Set([tokens.ops.id, tokens.analyst.id, 'stdio']));
    const sample = refusals.find((e) => e.tool === 'sample_rows' && e.token === tokens.analyst.id);
    expect(sample).toMatchObject({ outcome: 'error', code: 'REDB_ACCESS_DENIED', table: 'payroll' });
    // A listing that left payroll out says so too.
    expect(refusals.some((e) => e.tool === 'describe_schema' && e.outcome === 'ok')).toBe(true);
    expect(refusals.some((e) => e.tool === 'resources:list' && e.outcome === 'ok')).toBe(true);
  });

  it('a column the policy wants masked and no masking rule covers is refused, naming the rule to add', async () => {
    writeFileSync(join(p.dir, 'mask.yaml'), 'rules: []\n');
    const fresh = await stdioClient(p);
    try {
      // The local user sees everything clear: the empty masking policy is no obstacle.
      expect(rowsOf(await call(fresh.client, 'sample_rows', { database: 'app', table: 'customers' })).columns).toEqual(['id', 'name', 'email', 'phone']);
    } finally {
      await fresh.close();
    }
    const created = JSON.parse(redbOk(p.dir, ['mcp', 'token', 'create', 'bi', '--role', 'analyst', '--json'], p.env).stdout) as { token: string };
    const again = await startHttp(p);
    const client = await httpClient(again.url, created.token);
    try {
      const r = await call(client, 'sample_rows', { database: 'app', table: 'customers' });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(
        /^error\[REDB_ACCESS_MASK_MISSING\]: the access policy lets token bi \(\w+\) see app\/customers\.email only masked, but the masking policy .*mask\.yaml has no rule for it \(add a rule to .*- \{ match: customers\.email, transform: redact \}/,
      );
    } finally {
      await client.close();
      const exited = new Promise((resolve) => again.child.once('exit', resolve));
      again.child.kill('SIGTERM');
      await exited;
      writeFileSync(join(p.dir, 'mask.yaml'), MASK);
    }
  });

  it('a policy that does not validate is refused at load, naming the line, and nothing changes', async () => {
    const before = readFileSync(join(p.dir, '.redb', 'redb.json'), 'utf8');
    writeFileSync(join(p.dir, 'bad.cedar'), 'permit(principal, action, resource);\n\npermit(principal is Token, action == Action::"dropTable", resource);\n');
    const set = redb(p.dir, ['config', 'access.policy', 'bad.cedar'], p.env);
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(/^error\[REDB_ACCESS_POLICY_INVALID\]: bad\.cedar:3: .*dropTable/m);
    expect(set.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(p.dir, '.redb', 'redb.json'), 'utf8')).toBe(before);
    // The policy in use broken after it was set: the server refuses to start, with the same code and line.
    const good = readFileSync(join(p.dir, 'access.cedar'), 'utf8');
    writeFileSync(join(p.dir, 'access.cedar'), `${good}\npermit(principal,, action, resource);\n`);
    try {
      const served = redb(p.dir, ['mcp'], p.env);
      expect(served.code).toBe(1);
      expect(served.stderr).toMatch(new RegExp(`^error\\[REDB_ACCESS_POLICY_INVALID\\]: access\\.cedar:${good.split('\n').length + 1}: `, 'm'));
    } finally {
      writeFileSync(join(p.dir, 'access.cedar'), good);
    }
  });
});
