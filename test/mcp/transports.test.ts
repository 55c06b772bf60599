import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbAdd } from '../../src/ops/index.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import { pgExec, postgresEngine } from '../support/postgres.js';
import { CLI, redb, redbOk } from '../support/cli.js';
import { serverUrl, type ScratchDb } from '../support/scratch.js';
import { accessLog, call, project, type Project } from './support.js';

const withPassword = (url: string, variable: string): string => url.replace(/^([a-z]+:\/\/[^:@/]+):[^@/]*@/, `$1:\${${variable}}@`);

/** `redb mcp --http 0` in a child process; resolves with the URL it prints once it listens. */
async function startHttp(p: Project): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0'], { cwd: p.dir, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`redb mcp --http exited ${code}: ${err}`)));
  });
  return { child, url };
}

const bearer = (token: string) => ({ requestInit: { headers: { Authorization: `Bearer ${token}` } } });

async function httpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'redb-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), bearer(token)));
  return client;
}

/** A raw POST of an initialize request, to see the status code itself. */
const initialize = (url: string, token: string | undefined) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } },
    }),
  });

describe('redb mcp over real stdio and HTTP, against PostgreSQL and MariaDB', () => {
  let pgDb: ScratchDb;
  let myDb: ScratchDb;
  let p: Project;
  const suffix = randomBytes(4).toString('hex');
  const pgName = `pg${suffix}`;
  const myName = `my${suffix}`;

  beforeAll(async () => {
    [pgDb, myDb] = await Promise.all([postgresEngine.create(), mysqlEngine.create()]);
    await pgDb.exec(`CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'from postgres')`);
    await myDb.exec(`CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'from mariadb')`);
    p = await project(
      { [pgName]: withPassword(pgDb.url, 'TEST_PG_PASSWORD') },
      {
        TEST_PG_PASSWORD: decodeURIComponent(new URL(pgDb.url).password),
        TEST_MY_PASSWORD: decodeURIComponent(new URL(myDb.url).password),
        NO_COLOR: '1',
      },
    );
    await dbAdd({ cwd: p.dir, env: p.env, name: myName, url: withPassword(myDb.url, 'TEST_MY_PASSWORD') });
    for (const db of [pgName, myName]) {
      const out = redbOk(p.dir, ['mcp', 'grant', db], p.env).stdout;
      const m = /export (\w+)='([^']+)'/.exec(out);
      expect(m, out).not.toBeNull();
      p.env[m?.[1] as string] = m?.[2];
    }
  });
  afterAll(async () => {
    p.cleanup();
    await Promise.all([pgDb.drop(), myDb.drop()]);
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE IF EXISTS "redb_mcp_${pgName}"`);
    const admin = await mysqlScriptConnection();
    await admin.query(`DROP USER IF EXISTS 'redb_mcp_${myName}'@'%'`);
    await admin.end();
  });

  it('redb --help does not load the MCP SDK; redb mcp does', () => {
    const hook =
      'data:text/javascript,import{register}from"node:module";register("data:text/javascript,export async function resolve(s,c,n){if(s.includes(\\"modelcontextprotocol\\"))console.error(\\"LOADED \\"+s);return n(s,c)}")';
    const help = spawnSync(process.execPath, ['--import', hook, CLI, '--help'], { cwd: p.dir, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stderr).not.toContain('LOADED');
    const serve = spawnSync(process.execPath, ['--import', hook, CLI, 'mcp'], { cwd: p.dir, env: p.env, encoding: 'utf8', input: '' });
    expect(serve.stderr).toContain('LOADED @modelcontextprotocol/sdk');
  });

  it('serves a client over stdio (node dist/cli.js mcp) on both engines', async () => {
    const client = new Client({ name: 'redb-test', version: '0.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: p.dir, env: p.env as Record<string, string>, stderr: 'pipe' }),
    );
    try {
      expect((await client.listTools()).tools).toHaveLength(8);
      const dbs = (await call(client, 'list_databases')).json<{ name: string; queryable: boolean }[]>();
      expect(dbs.map((d) => [d.name, d.queryable])).toEqual([
        [myName, true],
        [pgName, true],
      ]);
      expect((await call(client, 'query', { database: pgName, sql: 'SELECT body FROM notes' })).json()).toMatchObject({ rows: [['from postgres']] });
      expect((await call(client, 'query', { database: myName, sql: 'SELECT body FROM notes' })).json()).toMatchObject({ rows: [['from mariadb']] });
      expect((await call(client, 'query', { database: pgName, sql: 'DELETE FROM notes' })).isError).toBe(true);
      const object = await client.readResource({ uri: `redb://schema/HEAD/public.notes` });
      expect((object.contents[0] as { text: string }).text).toContain('name: body');
    } finally {
      await client.close();
    }
    const entries = accessLog(p).filter((e) => e.token === 'stdio' && e.tool === 'query');
    expect(entries.map((e) => [e.database, e.outcome])).toEqual([
      [pgName, 'ok'],
      [myName, 'ok'],
      [pgName, 'error'],
    ]);
  });

  it('serves streamable HTTP on 127.0.0.1 to bearer tokens only; wrong and revoked tokens get 401', async () => {
    const created = redbOk(p.dir, ['mcp', 'token', 'create', 'laptop', '--json'], p.env);
    const token = JSON.parse(created.stdout) as { id: string; token: string };
    const second = JSON.parse(redbOk(p.dir, ['mcp', 'token', 'create', 'ci', '--json'], p.env).stdout) as { id: string; token: string };
    const stored = readFileSync(join(p.dir, '.redb', 'state', 'mcp-tokens.json'), 'utf8');
    expect(stored).not.toContain(token.token);
    expect(stored).toContain(token.id);

    const { child, url } = await startHttp(p);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect((await initialize(url, undefined)).status).toBe(401);
      expect((await initialize(url, 'redb_not-a-token')).status).toBe(401);
      expect((await initialize(url, token.token)).status).toBe(200);
      await expect(httpClient(url, 'redb_wrong')).rejects.toThrow();

      const client = await httpClient(url, token.token);
      try {
        expect((await call(client, 'query', { database: pgName, sql: 'SELECT body FROM notes' })).json()).toMatchObject({ rows: [['from postgres']] });
        expect((await call(client, 'query', { database: myName, sql: 'SELECT body FROM notes' })).json()).toMatchObject({ rows: [['from mariadb']] });
        expect((await call(client, 'history')).json<unknown[]>()).toHaveLength(1);
      } finally {
        await client.close();
      }
      const listed = JSON.parse(redbOk(p.dir, ['mcp', 'token', 'list', '--json'], p.env).stdout) as { id: string; name: string; lastUsed?: string }[];
      expect(listed.map((t) => [t.id, t.name, t.lastUsed !== undefined])).toEqual([
        [token.id, 'laptop', true],
        [second.id, 'ci', false],
      ]);
      expect(
        accessLog(p)
          .filter((e) => e.token === token.id)
          .map((e) => e.tool),
      ).toEqual(['query', 'query', 'history']);

      expect(redbOk(p.dir, ['mcp', 'token', 'revoke', token.id], p.env).stdout).toContain(`revoked token ${token.id}`);
      expect((await initialize(url, token.token)).status).toBe(401);
      await expect(httpClient(url, token.token)).rejects.toThrow();
      expect((await initialize(url, second.token)).status).toBe(200);
      const unknown = redb(p.dir, ['mcp', 'token', 'revoke', 'nope'], p.env);
      expect([unknown.code, unknown.stderr.trim()]).toEqual([
        1,
        "error[REDB_MCP_TOKEN_NOT_FOUND]: no MCP token with id 'nope' (redb mcp token list shows the ids)",
      ]);
      // A Host header naming another site is refused (DNS rebinding).
      const rebinding = await new Promise<number>((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            headers: {
              host: 'evil.example',
              authorization: `Bearer ${second.token}`,
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(rebinding).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('says what is wrong with bad input, on one line with a code', () => {
    const port = redb(p.dir, ['mcp', '--http', 'nope'], p.env);
    expect([port.code, port.stderr.trim()]).toEqual([
      1,
      "error[REDB_USAGE]: 'nope' is not a port number (--http takes a port, e.g. --http 8765 (0 picks a free one))",
    ]);
    const unbound = redb(p.dir, ['mcp', 'grant', 'nope'], p.env);
    expect([unbound.code, unbound.stderr.trim()]).toEqual([
      1,
      "error[REDB_DB_NOT_FOUND]: no database named 'nope' is bound to this repository (redb db list shows the bindings; redb db add <name> <url> adds one)",
    ]);
    const policy = redb(p.dir, ['mcp', '--policy', 'missing.yaml'], p.env);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/^error\[REDB_POLICY_INVALID\]: .*missing\.yaml/);
  });
});
