import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describeSchema } from '../ops/mcp-schema.js';
import { mcpRef } from '../ops/mcp-refs.js';
import { answer, refsOf, type McpCall, type McpContext } from './context.js';

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

/** Build a prompt through `answer`, so it is logged like a tool call; a failure becomes a protocol error with the same one-line message. */
async function prompt(ctx: McpContext, name: string, input: Parameters<typeof answer>[2], work: (call: McpCall) => Promise<string>) {
  const result = await answer(ctx, `prompt:${name}`, input, work);
  const text = result.content[0]?.text ?? '';
  if (result.isError === true) throw new Error(text);
  return user(text);
}

/** The schema as text for a prompt, cut at the byte limit so a large schema cannot flood the context. */
async function schemaText(ctx: McpCall, ref: string): Promise<string> {
  const { objects, ref: label } = await describeSchema({ ...ctx, ref, policy: ctx.settings.policy });
  const text = objects.map((o) => `# ${o.kind} ${o.id} (${o.file})\n${o.definition}`).join('\n');
  const cut = Buffer.from(text).subarray(0, ctx.settings.limits.bytes).toString();
  return `Schema of ${label}:\n\n${cut}${cut.length < text.length ? '\n… (cut; read more with describe_schema)' : ''}`;
}

export function registerPrompts(server: McpServer, ctx: McpContext): void {
  server.registerPrompt(
    'write_migration',
    {
      description: 'Write a schema change the redb way: edit the schema files, then plan the migration and review its hazards',
      argsSchema: {
        change: z.string().describe('the change you want, in words'),
        database: z.string().optional().describe('the bound database the change is for'),
      },
    },
    async ({ change, database }) =>
      prompt(ctx, 'write_migration', { database }, async () =>
        [
          `Write a migration for this change: ${change}`,
          '',
          'This project keeps its schema with redb: one YAML file per object under schema/ (the working tree), committed like git.',
          '1. Read the current definitions with the describe_schema tool (or the redb://schema/HEAD/<object> resources).',
          '2. Make the change by editing the YAML files under schema/, keeping their shape; do not write DDL by hand.',
          `3. Check it with the diff tool (HEAD → working) and the lint tool.`,
          `4. Call plan_migration${database === undefined ? ' for the database' : ` with database "${database}"`} and to "working" to see the ordered SQL and its hazards.`,
          '5. Explain each hazard (drops-data, data-dependent, rewrites-table, blocking-lock, breaks-compatibility) and how to avoid it, e.g. add a column nullable first and backfill.',
          'Never apply anything: a person reviews the plan and runs `redb commit` and `redb migrate`.',
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'explain_schema',
    {
      description: 'Explain a schema: what each table holds, how tables relate, and anything unusual',
      argsSchema: { ref: z.string().optional().describe('a commit, branch, tag, working or db:<name>; default HEAD') },
    },
    async ({ ref }) =>
      prompt(
        ctx,
        'explain_schema',
        { refs: refsOf(ref) },
        async (call) =>
          `Explain this database schema to a developer new to the project: the purpose of each table, the relationships (foreign keys), constraints and indexes worth knowing, and anything unusual.\n\n${await schemaText(call, await mcpRef(ctx.store, ref ?? 'HEAD'))}`,
      ),
  );
}
