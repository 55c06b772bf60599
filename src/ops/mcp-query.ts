import type { ResultColumn } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import { compileMasker, maskTableOf } from '../policy/index.js';
import { emptySchema, type Schema, type Table } from '../unified/index.js';
import { findStore, withDb, type OpContext } from './context.js';
import { resultMask } from './mcp-mask.js';
import { readTarget, type ReadTarget } from './mcp-read.js';
import type { McpLimits, McpSettings } from './mcp-settings.js';

export interface McpQueryResult {
  readonly db: string;
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  /** True when rows were left out at the row or byte limit. */
  readonly truncated: boolean;
  /** Columns shown as null because the policy cannot vouch for them (see resultMask). */
  readonly withheld: readonly string[];
}

type QueryContext = OpContext & { readonly db: string; readonly settings: McpSettings };

/** A value as JSON can carry it: big integers as text beyond 2^53, bytes as hex, dates as ISO text. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Read rows until the row or byte limit; the rest of the stream is abandoned. */
async function collect(rows: AsyncIterable<unknown[]>, mask: (row: unknown[]) => void, limits: McpLimits, maxRows: number) {
  const out: unknown[][] = [];
  let bytes = 2;
  for await (const raw of rows) {
    if (out.length === maxRows) return { rows: out, truncated: true };
    const row = raw.map(plain);
    mask(row);
    bytes += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (bytes > limits.bytes) return { rows: out, truncated: true };
    out.push(row);
  }
  return { rows: out, truncated: false };
}

const liveSchema = (ctx: QueryContext): Promise<Schema> =>
  withDb(findStore(ctx), ctx.db, ctx, ({ connection }) => connection.introspect({ signal: ctx.signal }));

/** Run SQL in a read-only session, mask, cut. `sources` stands in for what the engine says the columns are. */
async function run(ctx: QueryContext, read: ReadTarget, schema: Schema, sql: string, maxRows: number, sources?: ResultColumn[]): Promise<McpQueryResult> {
  const session = await read.driver.open(read.target, { timeoutMs: ctx.settings.limits.timeoutMs });
  try {
    const result = await session.query(sql, { maxRows });
    const columns = sources ?? result.columns;
    const mask = resultMask(ctx.settings.policy, schema, columns, ctx.env);
    const { rows, truncated } = await collect(result.rows, mask.apply, ctx.settings.limits, maxRows);
    return { db: ctx.db, columns: columns.map((c) => c.name), rows, truncated, withheld: mask.withheld };
  } finally {
    await session.close();
  }
}

const rowLimit = (ctx: QueryContext, asked: number | undefined): number => Math.min(asked ?? ctx.settings.limits.rows, ctx.settings.limits.rows);

/** Run one read-only statement on a bound database, through its read-only login, masked and cut at the limits. */
export async function mcpQuery(ctx: QueryContext & { sql: string; maxRows?: number }): Promise<McpQueryResult> {
  const read = await readTarget(findStore(ctx), ctx.db, ctx);
  // The policy needs the tables; without one, nothing is looked up.
  const schema = ctx.settings.policy === undefined ? emptySchema(read.engine) : await liveSchema(ctx);
  return run(ctx, read, schema, ctx.sql, rowLimit(ctx, ctx.maxRows));
}

const tableMatches = (t: Table, name: string): boolean => t.name === name || `${t.schema ?? ''}.${t.name}` === name;

/** The first rows of a table, masked; columns the policy denies are left out, a denied table is refused. */
export async function mcpSampleRows(ctx: QueryContext & { table: string; limit?: number }): Promise<McpQueryResult> {
  const read = await readTarget(findStore(ctx), ctx.db, ctx);
  const schema = await liveSchema(ctx);
  const table = schema.tables.find((t) => tableMatches(t, ctx.table));
  if (table === undefined) throw errors.usage(`no table '${ctx.table}' in '${ctx.db}'`, 'describe_schema lists the tables');
  const masker = ctx.settings.policy === undefined ? undefined : compileMasker(ctx.settings.policy, { env: ctx.env });
  const id = table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
  if (masker?.deniesTable(maskTableOf(table))) throw errors.mcpDenied(`table ${id}`);
  const denied = masker?.deniedColumns(maskTableOf(table)) ?? [];
  const columns = table.columns.filter((c) => !denied.includes(c.name));
  const q = read.driver.quote;
  const limit = rowLimit(ctx, ctx.limit);
  const sql = `SELECT ${columns.map((c) => q(c.name)).join(', ')} FROM ${table.schema === undefined ? '' : `${q(table.schema)}.`}${q(table.name)} LIMIT ${limit + 1}`;
  return run(ctx, read, schema, sql, limit, columns.map((c) => ({ name: c.name, source: { schema: table.schema, table: table.name, column: c.name } })));
}
