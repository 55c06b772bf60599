import { factsOf, loadAdapter } from '../adapters/registry.js';
import { isRedbError, RedbError } from '../errors.js';
import { DEFAULT_BRANCH, headCommit, headRef, mergeBase, quickClean, refExists, resolveCommit, type Store } from '../repo/index.js';
import {
  DEFAULT_ENGINE,
  describeLimitProblem,
  describeOperation,
  limitProblemsOfChange,
  hazardsOf,
  objectPath,
  schemaProblems,
  operationPath,
  type ChangeLine,
  type Engine,
  type HazardName,
  type Operation,
  type Plan,
  type Schema,
} from '../unified/index.js';
import { changesBetween } from './changes.js';
import { findStore, loadPair, renamesFor, resolveSide, type OpContext } from './context.js';

export const LINT_RULES = {
  'drops-data': 'The change destroys stored data (a dropped table or column).',
  'data-dependent': 'The change can fail or misbehave depending on the rows present (NOT NULL, narrowing, new unique or check).',
  'rewrites-table': 'The change rewrites the whole table, taking time and locks proportional to its size.',
  'blocking-lock': 'The change takes a lock that blocks reads or writes while it runs.',
  'breaks-compatibility': 'The change removes or renames something an older application version may still use.',
  lossy: 'The change loses information across engines.',
  'name-too-long': 'An identifier is longer than the engine allows and would be truncated or refused.',
  'engine-limit': 'The engine refuses the object: too many columns, a row or key too large, or names it cannot tell apart.',
  'native-object': 'The object is kept as native DDL: redb cannot check it.',
  'unsupported-change': 'The engine cannot carry the change out as planned.',
  'invalid-schema':
    'The schema cannot exist on its engine: two columns of one name, a key on a missing column, a foreign key to a missing table or to columns that are not a key there, a type whose kind contradicts its native spelling.',
} as const;
export type LintRule = keyof typeof LINT_RULES;

export interface Finding {
  readonly rule: LintRule;
  readonly level: 'error' | 'warning' | 'note';
  /** Blocking findings fail CI (exit 3); hazards block unless allowed. */
  readonly blocking: boolean;
  readonly message: string;
  /** The object's file in the working tree, `schema/...`. */
  readonly file: string;
}

export interface LintResult {
  readonly from: string;
  readonly to: string;
  readonly engine: Engine;
  readonly changes: readonly ChangeLine[];
  readonly findings: readonly Finding[];
  readonly blocking: boolean;
}

const fileOf = (op: Operation): string => `schema/${operationPath(op)}`;

/** The refs to check when none are given: uncommitted edits, else this branch since it left the default branch. */
async function defaultRange(store: Store): Promise<[string, string]> {
  const head = await headCommit(store);
  if (head === undefined || (await quickClean(store)) === undefined) return ['HEAD', 'working'];
  const branch = (await headRef(store)).replace(/^refs\/heads\//, '');
  if (branch !== DEFAULT_BRANCH && (await refExists(store, `refs/heads/${DEFAULT_BRANCH}`))) {
    const base = await mergeBase(store, head, await resolveCommit(store, DEFAULT_BRANCH));
    if (base !== undefined && base !== head) return [base, 'HEAD'];
  }
  return ['HEAD', 'working'];
}

async function compile(engine: Engine, operations: readonly Operation[], from: Schema, to: Schema): Promise<Plan | RedbError> {
  try {
    return (await loadAdapter(engine)).dialect.compile({ operations, from, to });
  } catch (e) {
    if (e instanceof RedbError) return e;
    throw e;
  }
}

/** Check a change for CI: hazards, naming, and what redb cannot check. */
export async function lint(ctx: OpContext & { from?: string; to?: string; allow?: readonly HazardName[] | 'all' }): Promise<LintResult> {
  const store = findStore(ctx);
  const [fromRef, toRef] = ctx.from === undefined ? await defaultRange(store) : [ctx.from, ctx.to ?? 'working'];
  const [a, b] = await Promise.all([resolveSide(store, fromRef, ctx), resolveSide(store, toRef, ctx)]);
  let pair: { from: Schema; to: Schema };
  try {
    pair = await loadPair(store, a, b, true);
  } catch (e) {
    // A working tree or folder that cannot be read as a schema is a finding, with its file.
    if (!isRedbError(e, 'REDB_INVALID_SCHEMA_FILE')) throw e;
    const file = e.data.file;
    const finding: Finding = {
      rule: 'invalid-schema',
      level: 'error',
      blocking: true,
      message: e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message,
      file,
    };
    const engine = (await a.load().catch(() => undefined))?.engine ?? DEFAULT_ENGINE;
    return { from: a.label, to: b.label, engine, changes: [], findings: [finding], blocking: true };
  }
  const { from, to } = pair;
  const changes = changesBetween(from, to, await renamesFor(store, a, b));
  const { operations, lines } = changes;
  const allowed = (h: string) => ctx.allow === 'all' || (ctx.allow ?? []).includes(h as HazardName);
  const findings: Finding[] = [];
  const hazard = (rule: LintRule, message: string, file: string) =>
    findings.push({ rule, level: allowed(rule) ? 'warning' : 'error', blocking: !allowed(rule), message, file });

  const plan = operations.length === 0 ? undefined : await compile(to.engine, operations, changes.from, to);
  if (plan instanceof RedbError) {
    if (!isRedbError(plan, 'REDB_ENGINE_UNSUPPORTED'))
      findings.push({ rule: 'unsupported-change', level: 'error', blocking: true, message: plan.message, file: 'schema/' });
    for (const op of operations) for (const h of hazardsOf(op)) hazard(h.name, h.reason, fileOf(op));
  } else if (plan !== undefined) {
    for (const step of plan.steps) {
      const first = step.operations[0];
      for (const h of step.hazards) hazard(h.name, h.reason, first === undefined ? 'schema/' : fileOf(first));
    }
  }
  // A commit is not checked when read (history stays readable): a merge made elsewhere may hold what cannot exist.
  for (const p of schemaProblems(to, factsOf(to.engine))) {
    findings.push({
      rule: 'invalid-schema',
      level: p.level,
      blocking: p.level === 'error',
      message: `${p.field}: ${p.detail}`,
      file: `schema/${objectPath(p.kind, p.object)}`,
    });
  }
  // The same checks commit and migrate refuse on (src/unified/limits.ts).
  for (const p of limitProblemsOfChange(to, operations, factsOf(to.engine))) {
    findings.push({
      rule: p.kind === 'identifier' ? 'name-too-long' : 'engine-limit',
      level: 'error',
      blocking: true,
      message: describeLimitProblem(p),
      file: `schema/${p.file}`,
    });
  }
  for (const op of operations) {
    const line = describeOperation(op);
    if ((op.op === 'create_object' || op.op === 'alter_object') && line.kind === 'native') {
      findings.push({
        rule: 'native-object',
        level: 'note',
        blocking: false,
        message: `${line.id} is kept as native DDL; redb applies it as written and cannot check it`,
        file: fileOf(op),
      });
    }
  }
  return { from: a.label, to: b.label, engine: to.engine, changes: lines, findings, blocking: findings.some((f) => f.blocking) };
}

/** 0 clean, 2 changes with nothing blocking, 3 blocking findings. */
export const lintExitCode = (r: LintResult): number => (r.blocking ? 3 : r.changes.length > 0 ? 2 : 0);
