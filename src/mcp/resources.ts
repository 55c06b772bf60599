import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { history } from '../ops/mcp-history.js';
import { describeSchema, headObjects } from '../ops/mcp-schema.js';
import { mcpRef } from '../ops/mcp-refs.js';
import { hiddenLines } from '../ops/mcp-access-filter.js';
import { answer, logged, type McpCall, type McpContext } from './context.js';

/** Template variables arrive percent-encoded: refs like `feature/x` or `db:app` are encoded in URIs. */
function variable(vars: Variables, name: string): string {
  const raw = String(vars[name] ?? '');
  try {
    return decodeURIComponent(raw);
  } catch {
    // A malformed escape is no ref; the check refuses it (and logs it) as written.
    return raw;
  }
}

/** Read through `answer` (so it is logged with its ref, checked first); a failure becomes a protocol error carrying the same one-line message. */
async function read(ctx: McpContext, what: string, ref: string, uri: URL, mimeType: string, work: (ref: string, call: McpCall) => Promise<string>) {
  const result = await answer(ctx, what, { refs: [ref] }, async (call) => work(await mcpRef(ctx.store, ref), call));
  const text = result.content[0]?.text ?? '';
  if (result.isError === true) throw new Error(text);
  return { contents: [{ uri: uri.href, mimeType, text }] };
}

/** `redb://schema/<ref>/<object>`: one object's definition; `redb://log/<ref>`: the history from a ref. */
export function registerResources(server: McpServer, ctx: McpContext): void {
  server.registerResource(
    'schema-object',
    new ResourceTemplate('redb://schema/{ref}/{object}', {
      // Lists HEAD's objects; any other ref can be read by writing its URI.
      // Listed through `logged`: what the access policy leaves out of the list is logged like any refusal.
      list: async () => {
        const objects = await logged(ctx, 'resources:list', { refs: ['HEAD'] }, (call) => headObjects({ ...call, policy: ctx.settings.policy }));
        return {
          resources: objects.map((o) => ({ uri: `redb://schema/HEAD/${encodeURIComponent(o.id)}`, name: `${o.kind} ${o.id}`, mimeType: 'application/yaml' })),
        };
      },
    }),
    { description: 'One schema object (table, view, enum, ...) at a ref, as redb stores it', mimeType: 'application/yaml' },
    (uri, vars) =>
      read(ctx, 'resource:schema', variable(vars, 'ref'), uri, 'application/yaml', async (ref, call) => {
        const { objects } = await describeSchema({ ...call, ref, object: variable(vars, 'object'), policy: ctx.settings.policy });
        return objects.map((o) => `# ${o.kind} ${o.id} (${o.file})\n${o.definition}`).join('\n');
      }),
  );

  server.registerResource(
    'log',
    new ResourceTemplate('redb://log/{ref}', {
      list: async () => ({ resources: [{ uri: 'redb://log/HEAD', name: 'history of HEAD', mimeType: 'application/json' }] }),
    }),
    { description: 'The commit history from a ref, with each commit’s changed objects', mimeType: 'application/json' },
    (uri, vars) =>
      read(ctx, 'resource:log', variable(vars, 'ref'), uri, 'application/json', async (ref, call) => {
        const hide = await hiddenLines(call);
        return JSON.stringify(
          (await history({ ...ctx, ref, limit: 100 })).map((e) => ({ ...e, changed: hide(e.changed) })),
          null,
          2,
        );
      }),
  );
}
