import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpContext } from './context.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools.js';

/** One MCP server over a redb project: tools, resources and prompts, all read-only. */
export function createMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer(
    { name: 'redb', version: '0.1.0' },
    {
      instructions:
        'redb keeps this project’s database schemas under version control. Read schemas and history, compare refs, lint changes and plan migrations; query bound databases read-only. Nothing here changes a database.',
    },
  );
  registerTools(server, ctx);
  registerResources(server, ctx);
  registerPrompts(server, ctx);
  return server;
}
