import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { commit, dbAdd, findStore, init, pull } from '../../src/ops/index.js';
import { loadMcpSettings } from '../../src/ops/mcp-settings.js';
import type { Principal } from '../../src/policy/index.js';
import { tempDir } from '../support/scratch.js';

export const AUTHOR = { REDB_AUTHOR_NAME: 'Test', REDB_AUTHOR_EMAIL: 'test@example.com' };

export interface Project {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A redb project with the given bindings, the first one pulled and committed. */
export async function project(bindings: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<Project> {
  const tmp = tempDir('redb-mcp-');
  const env = { ...process.env, ...AUTHOR, ...extraEnv };
  const ctx = { cwd: tmp.path, env };
  await init(ctx);
  for (const [name, url] of Object.entries(bindings)) await dbAdd({ ...ctx, name, url });
  const first = Object.keys(bindings)[0];
  if (first !== undefined) {
    await pull({ ...ctx, db: first });
    await commit({ ...ctx, message: `pull ${first}` });
  }
  return { dir: tmp.path, env, cleanup: tmp.cleanup };
}

export interface Called {
  readonly text: string;
  readonly isError: boolean;
  /** The text parsed as JSON (tools answer with JSON documents). */
  json<T = Record<string, unknown>>(): T;
}

/** Call a tool and keep its one text answer. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Called> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  const text = content[0]?.text ?? '';
  return {
    text,
    isError: result.isError === true,
    json: <T>() => {
      if (result.isError === true) throw new Error(`${name} failed: ${text}`);
      return JSON.parse(text) as T;
    },
  };
}

/** An SDK client connected in-process to a server over the project. */
export async function memoryClient(
  p: Project,
  options: { policy?: string; caller?: string; principal?: Principal } = {},
): Promise<{ client: Client; close: () => Promise<void> }> {
  const store = findStore({ cwd: p.dir });
  const settings = await loadMcpSettings(store, options.policy);
  const server = createMcpServer({ cwd: p.dir, env: p.env, store, settings, caller: options.caller ?? 'in-memory', principal: options.principal });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'redb-test', version: '0.0.0' });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** The access log's entries. */
export const accessLog = (p: Project): Record<string, unknown>[] => {
  const file = join(p.dir, '.redb', 'state', 'mcp-access.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

/** A client connected to a real server process, and how to end both. */
export interface Served {
  readonly transport: 'stdio' | 'http';
  readonly client: Client;
  close(): Promise<void>;
}

/** `node dist/cli.js mcp [args]` as a child process, spoken to over its stdin and stdout. */
export async function stdioClient(p: Project, args: readonly string[] = []): Promise<Served> {
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const { CLI } = await import('../support/cli.js');
  const client = new Client({ name: 'redb-test', version: '0.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd: p.dir, env: p.env as Record<string, string>, stderr: 'pipe' }),
  );
  return { transport: 'stdio', client, close: () => client.close() };
}

/** `redb mcp --http 0 [args]` in a child process; resolves with the URL it prints once it listens. */
export async function startHttp(p: Project, args: readonly string[] = []): Promise<{ child: import('node:child_process').ChildProcess; url: string }> {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../support/cli.js');
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0', ...args], { cwd: p.dir, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** A client over streamable HTTP to a `redb mcp --http` child, with a fresh bearer token; closing stops the server. */
export async function httpClient(p: Project, args: readonly string[] = []): Promise<Served> {
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const { redbOk } = await import('../support/cli.js');
  const { token } = JSON.parse(redbOk(p.dir, ['mcp', 'token', 'create', 'test', '--json'], p.env).stdout) as { token: string };
  const { child, url } = await startHttp(p, args);
  const client = new Client({ name: 'redb-test', version: '0.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  }
  return {
    transport: 'http',
    client,
    close: async () => {
      await client.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The same server over both real transports, started side by side. */
export const bothTransports = (p: Project, args: readonly string[] = []): Promise<Served[]> => Promise.all([stdioClient(p, args), httpClient(p, args)]);

/** Read a resource; a refusal comes back as the error's message. */
export async function readResourceText(client: Client, uri: string): Promise<{ text: string; isError: boolean }> {
  try {
    const r = await client.readResource({ uri });
    return { text: (r.contents[0] as { text?: string } | undefined)?.text ?? '', isError: false };
  } catch (e) {
    return { text: e instanceof Error ? e.message : String(e), isError: true };
  }
}

/** Get a prompt's text; a refusal comes back as the error's message. */
export async function promptText(client: Client, name: string, args: Record<string, string>): Promise<{ text: string; isError: boolean }> {
  try {
    const r = await client.getPrompt({ name, arguments: args });
    return { text: (r.messages[0]?.content as { text?: string } | undefined)?.text ?? '', isError: false };
  } catch (e) {
    return { text: e instanceof Error ? e.message : String(e), isError: true };
  }
}
