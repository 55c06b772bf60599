import { loadRows } from '../adapters/registry.js';
import type { RowReader, RowSource } from '../adapters/rows.js';
import { errors } from '../errors.js';
import { probeWhere, resolveWhere, rowMask } from '../replicate/clone.js';
import { introspect } from '../replicate/endpoint.js';
import { pairTable } from '../replicate/pairing.js';
import { selectTables, tableId } from '../replicate/schema-phases.js';
import { verifyPairs, type TableCheck } from '../replicate/verify.js';
import { maskTableOf } from '../policy/index.js';
import { DEFAULT_BATCH_ROWS, DEFAULT_JOBS, parseWhere, sourceMasking } from './clone.js';
import { openEndpoint, optionalStore } from './context.js';
import type { OpContext } from './context.js';

export type { TableCheck } from '../replicate/verify.js';

export interface VerifyOptions {
  readonly source: string;
  readonly target: string;
  readonly tables?: readonly string[];
  /** `table:condition` applied to the source side (what a clone with --where copied). */
  readonly where?: readonly string[];
  /** The masking policy the copy was made with: the source's values are masked the same way before they are compared. */
  readonly mask?: string;
  readonly jobs?: number;
}

export interface VerifyResult {
  readonly source: string;
  readonly target: string;
  readonly tables: readonly TableCheck[];
  /** Tables the policy denies: a masked copy has none of them, so they are not compared. */
  readonly denied: readonly string[];
}

/**
 * Compare two databases table by table: row counts and an order-independent checksum of the rows
 * after type normalisation (src/replicate/normalize.ts), so the same values held by different
 * engines compare equal. Any difference throws REDB_VERIFY_MISMATCH carrying every table's figures.
 */
export async function verify(ctx: OpContext & VerifyOptions): Promise<VerifyResult> {
  const where = parseWhere(ctx.where);
  const jobs = ctx.jobs ?? DEFAULT_JOBS;
  const store = optionalStore(ctx);
  const source = await openEndpoint(store, ctx.source, ctx);
  const target = await openEndpoint(store, ctx.target, ctx);
  const { masker: masking, log } = await sourceMasking(store, source.name, ctx, 'verify');
  try {
    return await compare(ctx, source, target, masking, where, jobs);
  } finally {
    await log();
  }
}

async function compare(
  ctx: OpContext & VerifyOptions,
  source: Awaited<ReturnType<typeof openEndpoint>>,
  target: Awaited<ReturnType<typeof openEndpoint>>,
  masking: Awaited<ReturnType<typeof sourceMasking>>['masker'],
  where: ReturnType<typeof parseWhere>,
  jobs: number,
): Promise<VerifyResult> {
  const [from, to] = await Promise.all([introspect(source), introspect(target)]);
  const masker = masking?.compile(from.tables.map(maskTableOf));
  const selected = selectTables(from.tables, ctx.tables, source.name);
  const tables = selected.filter((t) => masker?.deniesTable(maskTableOf(t)) !== true);
  const denied = selected.filter((t) => !tables.includes(t)).map(tableId);
  const pairs = tables.map((t) => pairTable(t, to, target.name, false));
  const whereById = resolveWhere(where, tables, source.name);
  const opened: RowSource[] = [];
  try {
    const a = await (await loadRows(source.engine)).openSource(source.target, { jobs });
    opened.push(a);
    await probeWhere(a.readers[0] as RowReader, whereById, tables, source.name);
    const b = await (await loadRows(target.engine)).openSource(target.target, { jobs });
    opened.push(b);
    const checks = await verifyPairs(
      pairs,
      { engine: source.engine, readers: a.readers },
      { engine: target.engine, readers: b.readers },
      { where: whereById, mask: (p) => rowMask(masker, p), batchRows: DEFAULT_BATCH_ROWS },
    );
    const mismatched = checks.filter((c) => !c.match).map((c) => c.table);
    if (mismatched.length > 0) throw errors.verifyMismatch(source.name, target.name, mismatched, checks);
    return { source: source.name, target: target.name, tables: checks, denied };
  } finally {
    for (const s of opened) await s.close();
  }
}
