import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/scratch.js';
import { call, memoryClient, project, type Project } from './support.js';

const POLICY = `secret: test-secret
rules:
  - match: customers.email
    transform: hash
deny:
  - customers.ssn
  - secrets
`;

async function duck(file: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('redb mcp over DuckDB (embedded), in-process', () => {
  const dir = tempDir('redb-mcp-duck-');
  const file = join(dir.path, 'app.duckdb');
  let p: Project;

  beforeAll(async () => {
    await duck(
      file,
      `CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR NOT NULL, ssn VARCHAR);
       CREATE TABLE secrets (id INTEGER PRIMARY KEY, value VARCHAR);
       INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '123-45-6789'), (2, 'Bob', 'bob@example.com', '987-65-4321');
       INSERT INTO secrets VALUES (1, 'the launch code');`,
    );
    p = await project({ app: `duckdb:${file}` });
    writeFileSync(join(p.dir, 'policy.yaml'), POLICY);
  });
  afterAll(() => {
    p.cleanup();
    dir.cleanup();
  });

  it('queries a read-only open of the file, cut at the row limit and interrupted at the timeout', async () => {
    const { client, close } = await memoryClient(p);
    try {
      expect((await call(client, 'query', { database: 'app', sql: 'SELECT id, name FROM customers ORDER BY id' })).json()).toEqual({
        db: 'app',
        columns: ['id', 'name'],
        rows: [
          [1, 'Ada'],
          [2, 'Bob'],
        ],
        truncated: false,
      });
      const many = (await call(client, 'query', { database: 'app', sql: 'SELECT * FROM range(100000)' })).json<{ rows: unknown[]; truncated: boolean }>();
      expect([many.rows.length, many.truncated]).toEqual([200, true]);
    } finally {
      await close();
    }
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'limits:\n  timeoutMs: 500\n');
    const quick = await memoryClient(p);
    try {
      const started = Date.now();
      const slow = await call(quick.client, 'query', { database: 'app', sql: 'SELECT count(*) FROM range(1000000000000)' });
      expect(slow.text).toMatch(/^error\[REDB_MCP_QUERY_FAILED\]: .*[Ii]nterrupt/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await quick.close();
      writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), '{}\n');
    }
  });

  it('refuses writes, several statements and any access outside the file; nothing changes', async () => {
    const { client, close } = await memoryClient(p);
    try {
      const attempts = [
        'DELETE FROM customers',
        'SELECT 1; DELETE FROM customers',
        "COPY customers TO '" + join(dir.path, 'out.csv') + "'",
        "ATTACH '" + join(dir.path, 'other.duckdb') + "' AS other",
        "SELECT * FROM read_csv('/etc/passwd')",
        'SET enable_external_access = true',
        'CREATE TABLE x (a INT)',
      ];
      for (const sql of attempts) {
        const r = await call(client, 'query', { database: 'app', sql });
        expect(r.isError, sql).toBe(true);
        expect(r.text, sql).toMatch(/^error\[REDB_MCP_QUERY_FAILED\]/);
      }
    } finally {
      await close();
    }
    expect([existsSync(join(dir.path, 'out.csv')), existsSync(join(dir.path, 'other.duckdb'))]).toEqual([false, false]);
    expect(await duck(file, 'SELECT (SELECT count(*) FROM customers)::INT, (SELECT count(*) FROM secrets)::INT')).toEqual([[2, 1]]);
  });

  it('masks sampled rows; a query touching a masked or denied column is refused, one computed from the rest answered', async () => {
    const { client, close } = await memoryClient(p, { policy: join(p.dir, 'policy.yaml') });
    try {
      const sample = (await call(client, 'sample_rows', { database: 'app', table: 'customers' })).json<{ columns: string[]; rows: unknown[][] }>();
      expect(sample.columns).toEqual(['id', 'name', 'email']);
      expect(sample.rows.map((r) => r[1])).toEqual(['Ada', 'Bob']);
      expect(JSON.stringify(sample.rows)).not.toMatch(/example\.com|123-45/);
      expect((await call(client, 'sample_rows', { database: 'app', table: 'secrets' })).text).toMatch(/^error\[REDB_MCP_DENIED\]/);
      const q = await call(client, 'query', { database: 'app', sql: 'SELECT email, ssn FROM customers' });
      expect(q.text).toMatch(/^error\[REDB_MCP_COLUMN_WITHHELD\]: column customers\.email is masked/);
      const computed = (await call(client, 'query', { database: 'app', sql: 'SELECT upper(name) FROM customers ORDER BY id' })).json<{ rows: unknown[][] }>();
      expect(computed.rows).toEqual([['ADA'], ['BOB']]);
    } finally {
      await close();
    }
  });
});
