import type { ResultColumn } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import { columnVerdicts, compileMasker, maskTableOf, type ColumnVerdicts } from '../policy/index.js';
import type { Table } from '../unified/index.js';
import { findStore, type OpContext } from './context.js';
import { boundTarget, liveSchema, readTarget, type ReadTarget } from './mcp-read.js';
import type { McpLimits, McpSettings } from './mcp-settings.js';

export interface McpQueryResult {
  readonly db: string;
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  /** True when rows were left out at the row or byte limit. */
  readonly truncated: boolean;
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

/** Run SQL in a read-only session and cut the result at the limits; `mask` is applied to every row first. */
async function run(
  ctx: QueryContext,
  read: ReadTarget,
  sql: string,
  maxRows: number,
  options: { trusted: boolean; check?: (columns: readonly ResultColumn[]) => void; mask?: ((row: unknown[]) => void) | undefined },
): Promise<McpQueryResult> {
  const policy = columnVerdicts(ctx.settings.policy);
  const session = await read.driver.open(read.target, { timeoutMs: ctx.settings.limits.timeoutMs, policy, trusted: options.trusted });
  try {
    const result = await session.query(sql, { maxRows });
    options.check?.(result.columns);
    const { rows, truncated } = await collect(result.rows, options.mask ?? (() => undefined), ctx.settings.limits, maxRows);
    return { db: ctx.db, columns: result.columns.map((c) => c.name), rows, truncated };
  } finally {
    await session.close();
  }
}

const rowLimit = (ctx: QueryContext, asked: number | undefined): number => Math.min(asked ?? ctx.settings.limits.rows, ctx.settings.limits.rows);

/**
 * Run one read-only statement on a bound database through its read-only login, cut at the limits.
 * The engine (PostgreSQL and MariaDB by column grants, SQLite by bytecode, DuckDB by plan) refuses a
 * statement that touches a column the policy masks or denies anywhere in it, so what comes back
 * needs no masking; a result column that still traces to one is refused all the same.
 */
export async function mcpQuery(ctx: QueryContext & { sql: string; maxRows?: number }): Promise<McpQueryResult> {
  const read = await readTarget(findStore(ctx), ctx.db, ctx);
  // Defence in depth: the engine has refused such a statement already.
  const policy = columnVerdicts(ctx.settings.policy);
  const check = (columns: readonly ResultColumn[]) => {
    for (const { source } of columns) {
      if (source === undefined) continue;
      const verdict = policy.column({ schema: source.schema, name: source.table }, source.column);
      if (verdict !== undefined) throw errors.mcpColumnWithheld(`column ${source.table}.${source.column} is ${verdict}`);
    }
  };
  return run(ctx, read, ctx.sql, rowLimit(ctx, ctx.maxRows), { trusted: false, check });
}

const tableMatches = (t: Table, name: string): boolean => t.name === name || `${t.schema ?? ''}.${t.name}` === name;

/** The table by its exact name, else by a name that differs only in case when just one does (PostgreSQL folds `Employee` to `employee`). */
function findTable(tables: readonly Table[], name: string): Table | undefined {
  const exact = tables.find((t) => tableMatches(t, name));
  if (exact !== undefined) return exact;
  const folded = tables.filter((t) => tableMatches({ ...t, name: t.name.toLowerCase(), schema: t.schema?.toLowerCase() }, name.toLowerCase()));
  return folded.length === 1 ? folded[0] : undefined;
}

/** Generated columns that may be computed from a masked or denied column (its name appears in the expression): no mask fits them, so they are left out. */
function derivedFromHidden(table: Table, policy: ColumnVerdicts): string[] {
  const hidden = table.columns.filter((c) => policy.column(table, c.name) !== undefined).map((c) => c.name.toLowerCase());
  return table.columns.filter((c) => c.generated !== undefined && hidden.some((h) => (c.generated?.expression ?? '').toLowerCase().includes(h))).map((c) => c.name);
}

/**
 * The first rows of a table, masked by the policy in redb: read through the bound account (the read
 * login may not read masked columns) with SQL redb writes; denied columns are left out, a denied
 * table is refused.
 */
export async function mcpSampleRows(ctx: QueryContext & { table: string; limit?: number }): Promise<McpQueryResult> {
  const store = findStore(ctx);
  const read = await boundTarget(store, ctx.db, ctx);
  const schema = await liveSchema(read, ctx);
  const table = findTable(schema.tables, ctx.table);
  if (table === undefined) throw errors.usage(`no table '${ctx.table}' in '${ctx.db}'`, 'describe_schema lists the tables');
  const masker = ctx.settings.policy === undefined ? undefined : compileMasker(ctx.settings.policy, { env: ctx.env });
  const id = table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
  if (masker?.deniesTable(maskTableOf(table))) throw errors.mcpDenied(`table ${id}`);
  const denied = [...(masker?.deniedColumns(maskTableOf(table)) ?? []), ...derivedFromHidden(table, columnVerdicts(ctx.settings.policy))];
  const columns = table.columns.filter((c) => !denied.includes(c.name)).map((c) => c.name);
  if (columns.length === 0) throw errors.mcpDenied(`every column of ${id}`);
  const q = read.driver.quote;
  const limit = rowLimit(ctx, ctx.limit);
  const sql = `SELECT ${columns.map(q).join(', ')} FROM ${table.schema === undefined ? '' : `${q(table.schema)}.`}${q(table.name)} LIMIT ${limit + 1}`;
  return run(ctx, read, sql, limit, { trusted: true, mask: masker?.rowMasker(maskTableOf(table), columns) });
}
