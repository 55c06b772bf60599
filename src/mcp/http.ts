import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { errors } from '../errors.js';
import { appendAccess } from '../ops/mcp-access-log.js';
import { mcpTokenCheck, type McpToken } from '../ops/mcp-tokens.js';
import type { McpContext } from './context.js';
import { createMcpServer } from './server.js';

export interface HttpServing {
  readonly url: string;
  close(): Promise<void>;
}

const reply = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
};

/** The bearer token, or undefined; the token file is read on every request so a revoke takes effect at once. */
async function caller(ctx: Omit<McpContext, 'caller'>, req: IncomingMessage): Promise<McpToken | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] === undefined ? undefined : mcpTokenCheck(ctx.store, match[1]);
}

/**
 * Streamable HTTP at /mcp, stateless: each POST gets its own server and transport, authorised by a
 * bearer token from `redb mcp token create`.
 */
export async function serveHttp(ctx: Omit<McpContext, 'caller'>, host: string, port: number): Promise<HttpServing> {
  // Behind a loopback address the Host header must name it; elsewhere the token alone guards the server.
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  let allowedHosts: string[] = [];
  // Closed when the server stops, so that no call in progress keeps it open.
  const sessions = new Set<{ close(): Promise<void> }>();
  const http = createServer((req, res) => {
    void (async () => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return reply(res, 404, 'not found: the MCP endpoint is /mcp');
      const token = await caller(ctx, req);
      if (token === undefined) {
        // A refused request is logged like a refused call: who tried is unknown, so the token is '-'.
        const refused = errors.mcpUnauthorized();
        await appendAccess(ctx.store, { time: new Date().toISOString(), token: '-', tool: 'http', outcome: 'error', code: refused.code }).catch(
          () => undefined,
        );
        return reply(res, 401, `${refused.message} (${refused.hint ?? ''})`, { 'www-authenticate': 'Bearer realm="redb"' });
      }
      if (req.method !== 'POST') return reply(res, 405, 'method not allowed: this server is stateless, POST only');
      // Each token is its own principal of the access policy, in the roles it was created with.
      const principal = { kind: 'token', id: token.id, name: token.name, ...(token.roles === undefined ? {} : { roles: token.roles }) } as const;
      const server = createMcpServer({ ...ctx, caller: token.id, principal });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        enableDnsRebindingProtection: loopback,
        allowedHosts,
      });
      const session = { close: async () => void (await Promise.allSettled([transport.close(), server.close()])) };
      sessions.add(session);
      res.on('close', () => {
        sessions.delete(session);
        void session.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, e instanceof Error ? e.message : String(e));
    });
  });
  // Clients keep connections open between calls and drop idle ones after a few seconds (undici: 4 s).
  // A server that drops them first, at Node's default 5 s, races a client sending on the same socket,
  // and the call fails with "other side closed": so the server waits longer than any client.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  const name = host.includes(':') ? `[${host}]` : host;
  allowedHosts = [`${name}:${bound}`, `localhost:${bound}`];
  return {
    url: `http://${name}:${bound}/mcp`,
    close: async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.allSettled([...sessions].map((s) => s.close()));
      // Idle keep-alive connections would hold the server open for a minute; calls in progress have ended above.
      http.closeAllConnections();
      await closed;
    },
  };
}
