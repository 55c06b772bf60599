import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { diff } from '../ops/diff.js';
import { history } from '../ops/mcp-history.js';
import { mcpQuery, mcpSampleRows } from '../ops/mcp-query.js';
import { mcpDatabases } from '../ops/mcp-read.js';
import { describeSchema } from '../ops/mcp-schema.js';
import { lint } from '../ops/lint.js';
import { migrate } from '../ops/migrate.js';
import { mcpDatabaseName, mcpRefs } from '../ops/mcp-refs.js';
import { demand, relationId } from '../ops/access.js';
import { hiddenLines, planTables } from '../ops/mcp-access-filter.js';
import { answer, refsOf, type McpContext } from './context.js';

const REF = 'a commit id or prefix, branch, tag, HEAD, HEAD~n, `working` (the schema/ files) or `db:<name>` (the live schema of a bound database)';
const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

/** The tools: each adapts one operation from src/ops/ and nothing more. */
export function registerTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'list_databases',
    {
      description: 'List the databases bound to this redb project: name, engine, URL (passwords hidden), and whether `query` and `sample_rows` may read it.',
      inputSchema: {},
      annotations: readOnly,
    },
    () => answer(ctx, 'list_databases', {}, () => mcpDatabases(ctx)),
  );

  server.registerTool(
    'describe_schema',
    {
      description:
        'The schema of a ref or a bound database, as redb stores it (one YAML definition per object: tables with columns, keys, indexes; views; enums; ...). Give `object` (e.g. `public.users` or `users`) for one object.',
      inputSchema: {
        ref: z.string().optional().describe(`${REF}; default HEAD`),
        database: z.string().optional().describe('a bound database: same as ref db:<name>'),
        object: z.string().optional().describe('one object, by id (`public.users`) or name (`users`)'),
      },
      annotations: readOnly,
    },
    ({ ref, database, object }) =>
      answer(ctx, 'describe_schema', { database, refs: refsOf(ref) }, async (call) => {
        if (database !== undefined) await mcpDatabaseName(ctx.store, database);
        await mcpRefs(ctx.store, [ref]);
        return describeSchema({ ...call, ref: database === undefined ? ref : `db:${database}`, object, policy: ctx.settings.policy });
      }),
  );

  server.registerTool(
    'history',
    {
      description: 'The commit log of the schema: id, author, date, message and the objects each commit added (+), removed (-) or changed (~).',
      inputSchema: {
        ref: z.string().optional().describe('where to start; default HEAD'),
        limit: z.number().int().min(1).max(500).default(20).describe('at most this many commits'),
      },
      annotations: readOnly,
    },
    ({ ref, limit }) =>
      answer(ctx, 'history', { refs: refsOf(ref) }, async (call) => {
        await mcpRefs(ctx.store, [ref]);
        const entries = await history({ ...ctx, ref, limit });
        const hide = await hiddenLines(call);
        return entries.map((e) => ({ ...e, changed: hide(e.changed) }));
      }),
  );

  server.registerTool(
    'diff',
    {
      description: 'Compare two schemas object by object: the operations that turn `from` into `to`, as change lines.',
      inputSchema: {
        from: z.string().default('HEAD').describe(REF),
        to: z.string().default('working').describe(REF),
      },
      annotations: readOnly,
    },
    ({ from, to }) =>
      answer(ctx, 'diff', { refs: refsOf(from, to) }, async (call) => {
        await mcpRefs(ctx.store, [from, to]);
        const r = await diff({ ...ctx, from, to });
        const hide = await hiddenLines(call);
        return { from: r.from, to: r.to, changes: hide(r.changes), warnings: r.warnings };
      }),
  );

  server.registerTool(
    'plan_migration',
    {
      description:
        'Plan bringing a bound database to the schema of a ref: the ordered SQL with each step’s hazards (drops-data, data-dependent, rewrites-table, blocking-lock, breaks-compatibility). Nothing is applied; a person runs `redb migrate` to apply.',
      inputSchema: {
        database: z.string().describe('a bound database name'),
        to: z.string().default('HEAD').describe(REF),
      },
      annotations: readOnly,
    },
    ({ database, to }) =>
      answer(ctx, 'plan_migration', { database, refs: refsOf(to) }, async (call) => {
        await mcpDatabaseName(ctx.store, database);
        await mcpRefs(ctx.store, [to]);
        // A dry run without the shadow rehearsal: planning must not create databases on the server.
        const r = await migrate({ ...ctx, db: database, to, dryRun: true, noShadow: true });
        // Its statements name tables and columns: a plan touching a table the caller may not read is refused whole.
        if (call.access !== undefined) for (const t of planTables(r.plan)) demand(call.access, 'read-table', { kind: 'table', database, table: relationId(t) });
        return {
          database: r.db,
          to: r.to,
          statements: r.plan.steps.flatMap((s) => s.statements),
          hazards: r.hazards,
          blocked: r.blocked,
          warnings: r.warnings,
          applied: r.applied,
        };
      }),
  );

  server.registerTool(
    'lint',
    {
      description:
        'Check a schema change as CI would: hazards, identifiers too long for the engine, objects redb cannot check. Without refs: the uncommitted edits, or this branch since it left main.',
      inputSchema: {
        from: z.string().optional().describe(REF),
        to: z.string().optional().describe(`${REF}; default working`),
      },
      annotations: readOnly,
    },
    ({ from, to }) =>
      answer(ctx, 'lint', { refs: refsOf(from, to) }, async (call) => {
        await mcpRefs(ctx.store, [from, to]);
        const r = await lint({ ...ctx, from, to });
        if (call.access === undefined) return r;
        const hide = await hiddenLines(call);
        const changes = hide(r.changes);
        // A finding's file is its object's: one of a table the caller may not read goes with the table's lines.
        const hidden = new Set(r.changes.filter((c) => !changes.includes(c)).map((c) => c.id));
        return { ...r, changes, findings: r.findings.filter((f) => ![...hidden].some((id) => f.file.includes(`/${id}.`))) };
      }),
  );

  server.registerTool(
    'query',
    {
      description:
        'Run one read-only SQL statement on a bound database, through a login that can only read, in a read-only transaction with a timeout. Results are cut at the row and byte limits (`truncated`). A statement that touches a column the project’s masking policy masks or denies, anywhere in it (WHERE, JOIN, ORDER BY, aggregates, subqueries...), is refused: `sample_rows` shows masked columns with their masks applied.',
      inputSchema: {
        database: z.string().describe('a bound database name'),
        sql: z.string().min(1).describe('one statement: SELECT, VALUES, WITH ... SELECT'),
        max_rows: z.number().int().min(1).optional().describe('fewer rows than the server limit'),
      },
      annotations: readOnly,
    },
    ({ database, sql, max_rows }) =>
      answer(ctx, 'query', { database, sql }, async (call) => mcpQuery({ ...call, db: await mcpDatabaseName(ctx.store, database), sql, maxRows: max_rows })),
  );

  server.registerTool(
    'sample_rows',
    {
      description: 'The first rows of a table, masked by the project’s policy; denied columns are left out and denied tables refused.',
      inputSchema: {
        database: z.string().describe('a bound database name'),
        table: z.string().describe('table name, or schema.table'),
        limit: z.number().int().min(1).default(10).describe('how many rows'),
      },
      annotations: readOnly,
    },
    ({ database, table, limit }) =>
      answer(ctx, 'sample_rows', { database, table }, async (call) => mcpSampleRows({ ...call, db: await mcpDatabaseName(ctx.store, database), table, limit })),
  );
}
