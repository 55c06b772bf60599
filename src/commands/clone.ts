import { errors, isRedbError } from '../errors.js';
import type { CloneEvent, CloneOptions, CloneResult } from '../ops/clone.js';
import { startEarlyRead } from '../ops/pull-early.js';
import type { TableCheck } from '../ops/verify.js';
import { paint, table, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

const ALLOWED = ['lossy'] as const;

function parseAllowLossy(value: string | undefined): boolean {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names)
    if (!(ALLOWED as readonly string[]).includes(name)) throw errors.usage(`clone cannot allow '${name}'`, `--allow takes: ${ALLOWED.join(', ')}`);
  return names.includes('lossy');
}

const whole = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw errors.usage(`${flag} takes a whole number, not '${value}'`);
  return Number(value);
};

export function renderChecks(io: Io, checks: readonly TableCheck[]): string {
  const rows = checks.map((c) => [
    c.table,
    String(c.sourceRows),
    String(c.targetRows),
    c.countsOnly
      ? paint.dim(io, 'counts only (masked)')
      : `${c.match ? 'checksums equal' : `checksums ${c.sourceChecksum?.slice(0, 8)} ≠ ${c.targetChecksum?.slice(0, 8)}`}${c.masked === true ? paint.dim(io, ' (masked)') : ''}`,
    c.match ? paint.green(io, 'ok') : paint.red(io, 'MISMATCH'),
  ]);
  return table([['table', 'source rows', 'target rows', 'compared', ''], ...rows], '  ');
}

/** Rendered after a verify mismatch too: the figures say where the copy differs. */
export async function withChecks<T>(io: Io, asJson: boolean, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!asJson && isRedbError(e, 'REDB_VERIFY_MISMATCH')) io.out(renderChecks(io, e.data.checks));
    throw e;
  }
}

function renderResult(io: Io, r: CloneResult): void {
  const rows = r.tables.reduce((n, t) => n + t.rows, 0);
  io.out(
    `${r.resumed ? 'resumed and finished' : 'cloned'} ${paint.bold(io, r.source)} → ${paint.bold(io, r.target)}: ${r.tables.length} table${r.tables.length === 1 ? '' : 's'}, ${rows} rows`,
  );
  io.out(paint.dim(io, `schema: ${r.statements.create} statements before the load, ${r.statements.finish} after (indexes, foreign keys, views)`));
  if (r.denied.length > 0) io.out(paint.yellow(io, `not copied (denied by the policy): ${r.denied.join(', ')}`));
  if (r.verify !== undefined) {
    io.out(renderChecks(io, r.verify));
    const masked = r.verify.filter((c) => c.masked === true).length;
    io.out(
      paint.green(
        io,
        `verified: every table matches${masked > 0 ? ` (${masked} masked table${masked === 1 ? '' : 's'} compared with the source's values masked by the policy)` : ''}`,
      ),
    );
  }
}

/** A line per finished table, on stderr, where no progress display runs. */
const plainProgress =
  (io: Io) =>
  (e: CloneEvent): void => {
    if (e.type === 'table' && e.state === 'done') io.err(paint.dim(io, `copied ${e.table}: ${e.rows} rows`));
  };

export default async function run(io: Io, source: string, target: string, opts: Opts<'clone'>): Promise<number> {
  // The catalog reads go to the servers first; the clone's modules load while they answer (as a pull's do).
  const early = { source: startEarlyRead({ cwd: io.cwd, env: io.env, db: source }), target: startEarlyRead({ cwd: io.cwd, env: io.env, db: target }) };
  try {
    await Promise.race([Promise.all([early.source?.sent, early.target?.sent]), new Promise((r) => setTimeout(r, 1000).unref())]);
    return await cloneWith(io, source, target, opts, early);
  } finally {
    // The clone ends what it took; what it did not (a refusal before it began), ends here.
    await Promise.all([early.source?.close(), early.target?.close()]);
  }
}

async function cloneWith(io: Io, source: string, target: string, opts: Opts<'clone'>, early: CloneOptions['early']): Promise<number> {
  const { clone } = await import('../ops/clone.js');
  const asJson = opts.json === true;
  const progress = asJson ? undefined : io.interactive ? await (await import('./ui/clone-progress.js')).startProgress() : undefined;
  const onEvent = asJson ? (e: CloneEvent) => io.out(JSON.stringify(e)) : (progress?.onEvent ?? plainProgress(io));
  const confirm = io.interactive && !asJson ? async (question: string) => (await import('./ui/confirm.js')).confirmPlan(question) : undefined;
  try {
    const result = await withChecks(io, asJson, () =>
      clone({
        cwd: io.cwd,
        env: io.env,
        source,
        target,
        schemaOnly: opts.schemaOnly === true,
        dataOnly: opts.dataOnly === true,
        ...(opts.tables === undefined
          ? {}
          : {
              tables: opts.tables
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }),
        ...(opts.where === undefined ? {} : { where: opts.where }),
        ...(opts.mask === undefined ? {} : { mask: opts.mask }),
        resume: opts.resume === true,
        ...(whole(opts.jobs, '--jobs') === undefined ? {} : { jobs: whole(opts.jobs, '--jobs') as number }),
        ...(whole(opts.batchRows, '--batch-rows') === undefined ? {} : { batchRows: whole(opts.batchRows, '--batch-rows') as number }),
        allowLossy: parseAllowLossy(opts.allow),
        truncate: opts.truncate === true,
        yes: opts.yes === true,
        noVerify: opts.verify === false,
        ...(confirm === undefined ? {} : { confirm }),
        onEvent,
        early,
        // Ctrl-C or SIGTERM stops the clone at the next batch: REDB_CLONE_INTERRUPTED says how to resume.
        signal: io.signal,
      }),
    );
    progress?.stop();
    warnings(io, [...result.losses.map((l) => `lossy: ${l.object}: ${l.from} → ${l.to} (${l.reason})`), ...result.warnings]);
    if (asJson) io.out(JSON.stringify({ type: 'result', ...result }));
    else renderResult(io, result);
    return 0;
  } finally {
    progress?.stop();
  }
}
