import { migrate, parseAllow, type MigratePlan } from '../ops/migrate.js';
import { json, paint, warnings, type Io } from './output.js';

export function renderPlan(io: Io, p: MigratePlan): string {
  const lines: string[] = [];
  lines.push(`${paint.bold(io, `migrate ${p.db}`)} → ${p.to}: ${p.plan.steps.length} step${p.plan.steps.length === 1 ? '' : 's'}${p.plan.transactional ? ', in one transaction' : ''}`);
  p.plan.steps.forEach((step, i) => {
    lines.push(`\n${paint.cyan(io, `-- ${step.summary}`)}`);
    for (const lock of p.locks[i] ?? []) lines.push(paint.dim(io, `-- lock: ${lock}`));
    for (const h of step.hazards) lines.push(`${paint.yellow(io, `-- hazard ${h.name}`)}: ${h.reason}`);
    for (const sql of step.statements) lines.push(`${sql};`);
  });
  if (p.blocked.length > 0) lines.push(`\n${paint.red(io, `blocked by hazards: ${p.blocked.join(', ')}`)} (allow with --allow ${p.blocked.join(',')})`);
  return lines.join('\n');
}

export default async function run(io: Io, db: string, opts: { to?: string; dryRun?: boolean; allow?: string; yes?: boolean; json?: boolean; shadow?: boolean; online?: boolean }): Promise<number> {
  const allow = parseAllow(opts.allow);
  const confirm = io.interactive && !opts.json ? async (plan: MigratePlan) => (await import('./ui/confirm.js')).confirmPlan(renderPlan(io, plan)) : undefined;
  const result = await migrate({
    cwd: io.cwd,
    db,
    ...(opts.to === undefined ? {} : { to: opts.to }),
    dryRun: opts.dryRun === true,
    allow,
    yes: opts.yes === true,
    noShadow: opts.shadow === false,
    online: opts.online === true,
    ...(confirm === undefined ? {} : { confirm }),
  });
  warnings(io, result.warnings);
  const code = result.blocked.length > 0 ? 3 : 0;
  if (opts.json) {
    json(io, result);
    return code;
  }
  if (result.plan.steps.length === 0) {
    io.out(`${result.db} already matches ${result.to}; nothing to do`);
    return 0;
  }
  if (!result.applied || !io.interactive) io.out(renderPlan(io, result));
  const rehearsal = { verified: 'rehearsed on a shadow database: it produces the target', unavailable: 'no shadow database for this engine yet: not rehearsed', skipped: 'not rehearsed (--no-shadow)' } as const;
  const standIn = result.shadowStandIn;
  const line = standIn !== undefined && result.shadow === 'verified' ? `rehearsed on an embedded ${standIn.server} (${standIn.reason}): it produces the target` : rehearsal[result.shadow];
  io.out(paint.dim(io, `\n${line}`));
  if (result.applied) io.out(paint.green(io, `\napplied ${result.executed.length} statements to ${result.db}`));
  else io.out(paint.dim(io, '\ndry run: nothing was changed'));
  return code;
}
