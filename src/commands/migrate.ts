import { errors } from '../errors.js';
import { migrate, parseAllow, type MigratePlan } from '../ops/migrate.js';
import { json, paint, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

export function renderPlan(io: Io, p: MigratePlan): string {
  const lines: string[] = [];
  lines.push(
    `${paint.bold(io, `migrate ${p.db}`)} → ${p.to}: ${p.plan.steps.length} step${p.plan.steps.length === 1 ? '' : 's'}${p.plan.transactional ? ', in one transaction' : ''}`,
  );
  p.plan.steps.forEach((step, i) => {
    lines.push(`\n${paint.cyan(io, `-- ${step.summary}`)}`);
    for (const lock of p.locks[i] ?? []) lines.push(paint.dim(io, `-- lock: ${lock}`));
    for (const h of step.hazards) lines.push(`${paint.yellow(io, `-- hazard ${h.name}`)}: ${h.reason}`);
    for (const sql of step.statements) lines.push(`${sql};`);
  });
  if (p.blocked.length > 0) lines.push(`\n${paint.red(io, `blocked by hazards: ${p.blocked.join(', ')}`)} (allow with --allow ${p.blocked.join(',')})`);
  return lines.join('\n');
}

export default async function run(io: Io, db: string, opts: Opts<'migrate'>): Promise<number> {
  const allow = parseAllow(opts.allow);
  const waitMs = parseWait(opts.wait);
  const confirm = io.interactive && !opts.json ? async (plan: MigratePlan) => (await import('./ui/confirm.js')).confirmPlan(renderPlan(io, plan)) : undefined;
  // Ctrl-C or SIGTERM stops it after the statement in progress (verbs.ts says so on stderr).
  const result = await migrate({
    cwd: io.cwd,
    db,
    ...(opts.to === undefined ? {} : { to: opts.to }),
    dryRun: opts.dryRun === true,
    allow,
    yes: opts.yes === true,
    noShadow: opts.shadow === false,
    online: opts.online === true,
    signal: io.signal,
    ...(waitMs === undefined ? {} : { waitMs }),
    ...(confirm === undefined ? {} : { confirm }),
  });
  warnings(io, result.warnings);
  const code = result.blocked.length > 0 ? 3 : 0;
  if (opts.json) {
    json(io, result);
    return code;
  }
  if (result.plan.steps.length === 0) {
    io.out(`${result.db} already matches ${result.to}; nothing to do${result.matched ? ' (recorded in its history)' : ''}`);
    return 0;
  }
  if (!result.applied || !io.interactive) io.out(renderPlan(io, result));
  const rehearsal = {
    verified: 'rehearsed on a shadow database: it produces the target',
    unavailable: 'no shadow database for this engine yet: not rehearsed',
    skipped: 'not rehearsed (--no-shadow)',
  } as const;
  const standIn = result.shadowStandIn;
  const line =
    standIn !== undefined && result.shadow === 'verified'
      ? `rehearsed on an embedded ${standIn.server} (${standIn.reason}): it produces the target`
      : rehearsal[result.shadow];
  io.out(paint.dim(io, `\n${line}`));
  if (result.applied) io.out(paint.green(io, `\napplied ${result.executed.length} statements to ${result.db}`));
  else io.out(paint.dim(io, '\ndry run: nothing was changed'));
  return code;
}

function parseWait(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw errors.usage(
      `--wait takes a number of seconds, not '${value}'`,
      'e.g. --wait 300, or --wait 0 to fail at once when another migrate holds the database',
    );
  return Math.round(seconds * 1000);
}
