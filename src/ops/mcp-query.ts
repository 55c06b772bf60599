import type { ReadPolicy, ResultColumn } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import { describePrincipal } from '../policy/access-request.js';
import { columnVerdicts, compileMasker, maskTableOf, type ColumnVerdicts } from '../policy/index.js';
import { columnView, demand, narrowVerdicts, relationId, ruleFor, type AccessScope } from './access.js';
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

type QueryContext = OpContext & { readonly db: string; readonly settings: McpSettings; readonly access?: AccessScope | undefined };

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
  options: { trusted: boolean; policy: ReadPolicy; check?: (columns: readonly ResultColumn[]) => void; mask?: ((row: unknown[]) => void) | undefined },
): Promise<McpQueryResult> {
  const session = await read.driver.open(read.target, { timeoutMs: ctx.settings.limits.timeoutMs, policy: options.policy, trusted: options.trusted });
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
  const store = findStore(ctx);
  const read = await readTarget(store, ctx.db, ctx);
  const mask = columnVerdicts(ctx.settings.policy);
  // What this caller may not touch: the masking policy's withholdings, narrowed by the access policy.
  const policy = narrowVerdicts(mask, ctx.access, ctx.db);
  // An engine with a read login enforces the masking policy by its grants, shared by every caller: a
  // statement there runs only when those grants already withhold all the access policy withholds.
  // One without (a file opened read-only) checks each statement against the verdicts it is given.
  const perLogin = read.driver.createReadRole !== undefined;
  if (perLogin && ctx.access !== undefined) await refuseWiderLogin(ctx, ctx.access, mask, await liveSchema(await boundTarget(store, ctx.db, ctx), ctx));
  // Defence in depth: the engine has refused such a statement already.
  const check = (columns: readonly ResultColumn[]) => {
    for (const { source } of columns) {
      if (source === undefined) continue;
      const verdict = policy.column({ schema: source.schema, name: source.table }, source.column);
      if (verdict !== undefined) throw errors.mcpColumnWithheld(`column ${source.table}.${source.column} is ${verdict}`);
    }
  };
  return run(ctx, read, ctx.sql, rowLimit(ctx, ctx.maxRows), { trusted: false, policy: perLogin ? mask : policy, check });
}

/** Refuse a free-form query when the shared read login can read something the access policy withholds from this caller. */
async function refuseWiderLogin(ctx: QueryContext, scope: AccessScope, mask: ColumnVerdicts, schema: { tables: readonly Table[] }): Promise<void> {
  const wider: string[] = [];
  for (const t of schema.tables) {
    if (mask.tableDenied(t)) continue;
    if (!scope.policy.table(scope.principal, ctx.db, relationId(t), scope.via).allowed) wider.push(relationId(t));
    else
      for (const c of t.columns)
        if (mask.column(t, c.name) === undefined && scope.policy.column(scope.principal, ctx.db, relationId(t), c.name, scope.via).view !== 'clear')
          wider.push(`${relationId(t)}.${c.name}`);
  }
  if (wider.length === 0) return;
  const shown = `${wider.slice(0, 5).join(', ')}${wider.length > 5 ? `, … (${wider.length} in all)` : ''}`;
  throw errors.accessDenied(describePrincipal(scope.principal), 'query', `database ${ctx.db}`, [
    `its read login can read ${shown}, which the access policy withholds from this caller; deny or mask them in the masking policy and run redb mcp grant ${ctx.db}, or use sample_rows and describe_schema, which apply the access policy`,
  ]);
}

const tableMatches = (t: Table, name: string): boolean => t.name === name || `${t.schema ?? ''}.${t.name}` === name;

/** The table by its exact name, else by a name that differs only in case when just one does (PostgreSQL folds `Employee` to `employee`). */
function findTable(tables: readonly Table[], name: string): Table | undefined {
  const exact = tables.find((t) => tableMatches(t, name));
  if (exact !== undefined) return exact;
  const folded = tables.filter((t) => tableMatches({ ...t, name: t.name.toLowerCase(), schema: t.schema?.toLowerCase() }, name.toLowerCase()));
  return folded.length === 1 ? folded[0] : undefined;
}

/** Generated columns that may be computed from a hidden column (its name appears in the expression): no mask fits them, so they are left out. */
function derivedFromHidden(table: Table, hidden: (column: string) => boolean): string[] {
  const names = table.columns.filter((c) => hidden(c.name)).map((c) => c.name.toLowerCase());
  return table.columns
    .filter((c) => c.generated !== undefined && names.some((h) => (c.generated?.expression ?? '').toLowerCase().includes(h)))
    .map((c) => c.name);
}

/**
 * How a column is shown by sample_rows. The masking policy's denials hold for everyone; under an
 * access policy the caller's view decides clear or masked (the masking rule is then the "how", and a
 * column to be masked needs one); without one, a masking rule masks.
 */
function sampleView(ctx: QueryContext, mask: ColumnVerdicts, table: Table, column: string): 'clear' | 'masked' | 'denied' {
  const verdict = mask.column(table, column);
  if (verdict === 'denied') return 'denied';
  if (ctx.access === undefined) return verdict ?? 'clear';
  const view = columnView(ctx.access, ctx.db, table, column);
  if (view === 'masked' && verdict === undefined) {
    throw errors.accessMaskMissing(
      describePrincipal(ctx.access.principal),
      `${ctx.db}/${relationId(table)}.${column}`,
      ctx.settings.policy?.source,
      ruleFor(table, column),
    );
  }
  return view;
}

/**
 * The first rows of a table, masked by the policy in redb: read through the bound account (the read
 * login may not read masked columns) with SQL redb writes; denied columns are left out, a denied
 * table is refused. Under an access policy the caller must be allowed to read and sample the table,
 * and sees each column as the policy says: clear, masked, or not at all.
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
  if (ctx.access !== undefined) {
    demand(ctx.access, 'read-table', { kind: 'table', database: ctx.db, table: relationId(table) });
    demand(ctx.access, 'sample', { kind: 'table', database: ctx.db, table: relationId(table) });
  }
  const mask = columnVerdicts(ctx.settings.policy);
  const views = new Map(table.columns.map((c) => [c.name, sampleView(ctx, mask, table, c.name)] as const));
  const denied = new Set([
    ...table.columns.filter((c) => views.get(c.name) === 'denied').map((c) => c.name),
    ...derivedFromHidden(table, (c) => views.get(c) !== 'clear'),
  ]);
  const columns = table.columns.filter((c) => !denied.has(c.name)).map((c) => c.name);
  if (columns.length === 0)
    throw ctx.access === undefined
      ? errors.mcpDenied(`every column of ${id}`)
      : errors.accessDenied(describePrincipal(ctx.access.principal), 'read', `any column of ${ctx.db}/${id}`, ctx.access.refused);
  const q = read.driver.quote;
  const limit = rowLimit(ctx, ctx.limit);
  const sql = `SELECT ${columns.map(q).join(', ')} FROM ${table.schema === undefined ? '' : `${q(table.schema)}.`}${q(table.name)} LIMIT ${limit + 1}`;
  return run(ctx, read, sql, limit, {
    trusted: true,
    policy: mask,
    mask: rowMask(
      masker?.rowMasker(maskTableOf(table), columns),
      columns.map((c) => views.get(c) === 'clear' && mask.column(table, c) === 'masked'),
    ),
  });
}

/** The masking policy's row masker, with the columns the caller may see clear put back as they were read. */
function rowMask(masker: ((row: unknown[]) => void) | undefined, clear: readonly boolean[]): ((row: unknown[]) => void) | undefined {
  if (masker === undefined || !clear.includes(true)) return masker;
  return (row) => {
    const kept = row.slice();
    masker(row);
    clear.forEach((c, i) => {
      if (c) row[i] = kept[i];
    });
  };
}
