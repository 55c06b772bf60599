import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { commit, dbAdd, findStore, init, pull } from '../../src/ops/index.js';
import { loadMcpSettings } from '../../src/ops/mcp-settings.js';
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
export async function memoryClient(p: Project, options: { policy?: string; caller?: string } = {}): Promise<{ client: Client; close: () => Promise<void> }> {
  const store = findStore({ cwd: p.dir });
  const settings = await loadMcpSettings(store, options.policy);
  const server = createMcpServer({ cwd: p.dir, env: p.env, store, settings, caller: options.caller ?? 'in-memory' });
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
export const accessLog = (p: Project): Record<string, unknown>[] =>
  readFileSync(join(p.dir, '.redb', 'state', 'mcp-access.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
