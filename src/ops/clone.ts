import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import { errors } from '../errors.js';
import { checkpointFile } from '../replicate/checkpoints.js';
import { safeFs } from '../repo/safe-fs.js';
import { cloneDatabase, type CloneRequest, type CloneResult } from '../replicate/clone.js';
import type { OnEvent } from '../replicate/events.js';
import { logRefusals } from './access.js';
import { accessMasker, sourceAccess, type MaskLoad } from './clone-access.js';
import type { Store } from '../repo/index.js';
import { openEndpoint, optionalStore, type OpContext } from './context.js';
import { type EarlyRead, firstConnection, takeIfFor } from './pull-early.js';

export type { CloneResult } from '../replicate/clone.js';
export type { CloneEvent } from '../replicate/events.js';

export interface CloneOptions {
  /** Bound names or database URLs. */
  readonly source: string;
  readonly target: string;
  readonly schemaOnly?: boolean;
  readonly dataOnly?: boolean;
  readonly tables?: readonly string[];
  /** `table:condition`, the condition in the source's SQL. */
  readonly where?: readonly string[];
  /** A masking policy file (src/policy). */
  readonly mask?: string;
  readonly resume?: boolean;
  readonly jobs?: number;
  readonly allowLossy?: boolean;
  readonly truncate?: boolean;
  readonly yes?: boolean;
  /** Rows per batch (one target transaction and one checkpoint each). */
  readonly batchRows?: number;
  /** Skip the comparison of counts and checksums at the end. */
  readonly noVerify?: boolean;
  /** Asks a person before `--truncate` empties target tables; absent where nobody can be asked. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly onEvent?: OnEvent;
  /** Catalog reads sent before this module loaded (pull-early.ts): used where they went to the databases resolved here. */
  readonly early?: { readonly source?: EarlyRead | undefined; readonly target?: EarlyRead | undefined } | undefined;
}

export const DEFAULT_JOBS = 4;
export const DEFAULT_BATCH_ROWS = 10_000;

/** `table:condition` pairs; the condition may itself hold colons. */
export function parseWhere(items: readonly string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items ?? []) {
    const colon = item.indexOf(':');
    if (colon <= 0 || item.slice(colon + 1).trim() === '')
      throw errors.usage(`--where '${item}' is not table:condition`, "e.g. --where 'orders:created_at > now() - interval 30 day'");
    out.set(item.slice(0, colon).trim(), item.slice(colon + 1).trim());
  }
  return out;
}

/** The masking policy a clone or a verify applies, compiled once the source's tables are known. */
export async function loadMasker(file: string | undefined, ctx: OpContext): Promise<MaskLoad | undefined> {
  if (file === undefined) return undefined;
  const { loadPolicy, compileMasker } = await import('../policy/index.js');
  const policy = await loadPolicy(resolve(ctx.cwd, file));
  return { file, policy, compile: (tables) => compileMasker(policy, { env: ctx.env ?? process.env, tables }) };
}

/**
 * The masking a clone or verify of `source` runs with: the masking policy, narrowed by the project's
 * access policy for the local user (which must let them replicate the source at all). Refusals are
 * noted on the scope, for the log.
 */
export async function sourceMasking(store: Store | undefined, source: string, ctx: OpContext & { mask?: string; tables?: readonly string[] }, command: string) {
  const scope = await sourceAccess(store, source, command);
  const mask = await loadMasker(ctx.mask, ctx);
  const masker: CloneRequest['masker'] = scope === undefined ? mask : accessMasker(scope, source, ctx.tables, mask);
  return { masker, log: async () => (store === undefined || scope === undefined ? undefined : logRefusals(store, scope, command)) };
}

/**
 * Copy schema and rows from one database into another (any engines), masking on the way when a
 * policy is given, then verify. Checkpoints live in the project's .redb/state/ so `resume` can
 * continue a killed run; outside a project there are none, and `resume` is refused.
 */
export async function clone(ctx: OpContext & CloneOptions): Promise<CloneResult> {
  if (ctx.schemaOnly && ctx.dataOnly) throw errors.usage('--schema-only and --data-only exclude each other');
  const jobs = ctx.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) throw errors.usage(`--jobs must be a whole number of at least 1, not ${ctx.jobs}`);
  const batchRows = ctx.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw errors.usage(`--batch-rows must be a whole number of at least 1, not ${ctx.batchRows}`);
  // Ended if not taken, whatever happens before the catalogs are read.
  const early = { source: firstConnection(ctx.early?.source), target: firstConnection(ctx.early?.target) };
  try {
    return await cloneWith(ctx, jobs, batchRows, early);
  } finally {
    await Promise.all([early.source.close(), early.target.close()]);
  }
}

type Early = ReturnType<typeof firstConnection>;

async function cloneWith(ctx: OpContext & CloneOptions, jobs: number, batchRows: number, early: { source: Early; target: Early }): Promise<CloneResult> {
  const where = parseWhere(ctx.where);
  const store = optionalStore(ctx);
  const opened = async (nameOrUrl: string, read: EarlyRead | undefined, connection: Early) => {
    const endpoint = await openEndpoint(store, nameOrUrl, ctx);
    return (await takeIfFor(read, endpoint.db)) === undefined ? endpoint : { ...endpoint, early: connection.take };
  };
  const source = await opened(ctx.source, ctx.early?.source, early.source);
  const target = await opened(ctx.target, ctx.early?.target, early.target);
  const { masker, log } = await sourceMasking(store, source.name, ctx, 'clone');
  if (ctx.truncate && !ctx.yes) {
    if (ctx.confirm === undefined) throw errors.confirmationRequired(`emptying tables of '${target.name}' (--truncate)`);
    if (!(await ctx.confirm(`Empty the copied tables of ${target.name} before loading them?`))) throw errors.aborted(`clone into '${target.name}'`);
  }
  try {
    return await cloneDatabase({
      source,
      target,
      sourceUrl: source.db.url,
      targetUrl: target.db.url,
      schemaOnly: ctx.schemaOnly,
      dataOnly: ctx.dataOnly,
      tables: ctx.tables,
      where,
      masker,
      allowLossy: ctx.allowLossy,
      truncate: ctx.truncate,
      resume: ctx.resume,
      jobs,
      batchRows,
      verify: ctx.noVerify !== true,
      checkpointFile: store === undefined ? undefined : checkpointFile(store.gitdir, source.db.url, target.db.url),
      checkpointWriter: store === undefined ? undefined : () => safeFs(nodeFs, store.root),
      onEvent: ctx.onEvent,
      signal: ctx.signal,
    });
  } finally {
    await log();
  }
}
