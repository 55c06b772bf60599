import { errors } from '../errors.js';
import { findStore } from '../ops/context.js';
import { mcpGrant } from '../ops/mcp-grant.js';
import { loadMcpSettings } from '../ops/mcp-settings.js';
import { mcpTokenCreate, mcpTokenList, mcpTokenRevoke } from '../ops/mcp-tokens.js';
import { json, paint, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

/** Resolves when SIGINT or SIGTERM asks the server to stop. */
const stopped = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw errors.usage(`'${text}' is not a port number`, '--http takes a port, e.g. --http 8765 (0 picks a free one)');
  return port;
}

/** `redb mcp [--http <port>] [--host <host>] [--policy <file>]`: serve until the client or a signal ends it. */
export async function serve(io: Io, opts: Opts<'mcp'>): Promise<number> {
  const store = findStore({ cwd: io.cwd });
  const settings = await loadMcpSettings(store, opts.policy);
  const ctx = { cwd: io.cwd, env: io.env, store, settings };
  if (opts.http !== undefined) {
    const { serveHttp } = await import('../mcp/http.js');
    const serving = await serveHttp(ctx, opts.host ?? '127.0.0.1', parsePort(opts.http));
    io.err(`redb mcp: listening on ${serving.url} (bearer tokens: redb mcp token create)`);
    await stopped(io.signal);
    await serving.close();
    return 0;
  }
  // stdout carries the protocol: nothing else may be written to it.
  const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([import('../mcp/server.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  const server = createMcpServer({ ...ctx, caller: 'stdio' });
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await Promise.race([ended, stopped(io.signal)]);
  await server.close();
  return 0;
}

export async function tokenCreate(io: Io, name: string | undefined, opts: Opts<'mcp token create'>): Promise<number> {
  const t = await mcpTokenCreate({ cwd: io.cwd, ...(name === undefined ? {} : { name }), ...(opts.role === undefined ? {} : { roles: opts.role }) });
  if (opts.json) json(io, t);
  else {
    io.out(t.token);
    io.err(
      `created token ${paint.bold(io, t.id)} (${t.name}${t.roles === undefined ? '' : `; roles ${t.roles.join(', ')}`}); it is shown only now: redb keeps its sha256 hash alone`,
    );
    io.err(paint.dim(io, `the access policy names it Token::"${t.id}"`));
  }
  return 0;
}

export async function tokenList(io: Io, opts: Opts<'mcp token list'>): Promise<number> {
  const tokens = await mcpTokenList({ cwd: io.cwd });
  if (opts.json) json(io, tokens);
  else if (tokens.length === 0) io.out(paint.dim(io, 'no tokens; create one with redb mcp token create [name]'));
  else
    io.out(
      table([
        ['ID', 'NAME', 'ROLES', 'CREATED', 'LAST USED'].map((h) => paint.dim(io, h)),
        ...tokens.map((t) => [paint.bold(io, t.id), t.name, t.roles?.join(',') ?? '-', t.created, t.lastUsed ?? '-']),
      ]),
    );
  return 0;
}

export async function tokenRevoke(io: Io, id: string): Promise<number> {
  const t = await mcpTokenRevoke({ cwd: io.cwd, id });
  io.out(`revoked token ${t.id} (${t.name})`);
  return 0;
}

export async function grant(io: Io, db: string, opts: Opts<'mcp grant'>): Promise<number> {
  const r = await mcpGrant({
    cwd: io.cwd,
    env: io.env,
    db,
    ...(opts.url === undefined ? {} : { url: opts.url }),
    ...(opts.role === undefined ? {} : { role: opts.role }),
    ...(opts.policy === undefined ? {} : { policy: opts.policy }),
  });
  if (opts.json) json(io, r);
  else {
    io.out(`${paint.bold(io, r.db)}: the MCP server reads through ${r.readUrl}`);
    if (r.grant !== undefined) {
      const { whole, partial, none } = r.grant;
      const total = whole.length + partial.length + none.length;
      io.out(`it may read ${whole.length + partial.length} of ${total} tables and views${r.policy === undefined ? '' : `, as the policy ${r.policy} allows`}:`);
      for (const p of partial) io.out(`  ${p.relation}: all but ${p.withheld.join(', ')}`);
      for (const n of none) io.out(paint.dim(io, `  not ${n.relation}: it ${n.reason}`));
    }
    if (r.created !== undefined) {
      io.out(`created the login ${paint.bold(io, r.created.role)}, which can only read; its password is shown once and never stored:`);
      io.out(`  export ${r.created.envVar}='${r.created.password}'`);
      io.out(paint.dim(io, `set it in the environment of redb mcp (e.g. the "env" of your MCP client configuration)`));
    }
  }
  return 0;
}
