import { factsOf } from '../adapters/registry.js';
import { stepLocks } from '../adapters/locks.js';
import { errors } from '../errors.js';
import { headCommit, readConfig, readPendingRenames, renamesBetween, updateDbState } from '../repo/index.js';
import { createHash } from 'node:crypto';
import {
  HAZARDS,
  isEmptySchema,
  limitProblemsOfChange,
  planHazards,
  planStatements,
  refuseLimitProblems,
  type Hazard,
  type HazardName,
  type Plan,
} from '../unified/index.js';
import { changesBetween, nativeWarnings } from './changes.js';
import { databaseCommit, findStore, loadRef, resolveDb, withDb, type OpContext } from './context.js';
import { rehearsal, type ShadowOutcome } from './shadow.js';
import type { ShadowStandIn } from '../adapters/adapter.js';
import { historyCommit } from '../adapters/history-rows.js';

export interface MigratePlan {
  readonly db: string;
  readonly to: string;
  readonly plan: Plan;
  readonly hazards: readonly Hazard[];
  /** Hazard names present in the plan and not allowed. */
  readonly blocked: readonly HazardName[];
  readonly warnings: readonly string[];
  /** Per step, the locks its statements take (estimated from their text). */
  readonly locks: readonly (readonly string[])[];
}

export interface MigrateResult extends MigratePlan {
  readonly applied: boolean;
  readonly executed: readonly string[];
  /** Whether the plan was rehearsed on a shadow database first. */
  readonly shadow: ShadowOutcome | 'skipped';
  /** Set when an embedded engine stood in for the shadow database (e.g. CREATE DATABASE was not permitted). */
  readonly shadowStandIn?: ShadowStandIn;
  /**
   * Nothing had to run, but the database's history did not say it was at the target commit (a
   * migrate whose record was lost, or a database brought there by hand): this run recorded it.
   */
  readonly matched: boolean;
}

export interface MigrateOptions {
  readonly db: string;
  /** Target ref; HEAD by default. */
  readonly to?: string;
  readonly dryRun?: boolean;
  /** Hazard names allowed to run, or 'all'. */
  readonly allow?: readonly string[] | 'all';
  /** Skip confirmation (CI, agents). */
  readonly yes?: boolean;
  /** Prefer lock-light statements where the engine has them (PostgreSQL). */
  readonly online?: boolean;
  /** Skip the rehearsal on a shadow database. */
  readonly noShadow?: boolean;
  /** How long to wait for another migrate of the same database to finish (60 s by default). */
  readonly waitMs?: number;
  /** Asks a person to confirm the plan; absent where nobody can be asked. The core never prompts. */
  readonly confirm?: (plan: MigratePlan) => Promise<boolean>;
}

export function parseAllow(value: string | undefined): readonly HazardName[] | 'all' {
  if (value === undefined || value === '') return [];
  if (value === 'all') return 'all';
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(HAZARDS as readonly string[]).includes(name)) throw errors.usage(`unknown hazard '${name}'`, `hazards: ${HAZARDS.join(', ')}, or all`);
  }
  return names as HazardName[];
}

/** The default of MigrateOptions.waitMs. */
export const MIGRATE_WAIT_MS = 60_000;

/**
 * Bring a database to the schema of a ref: diff live → ref, plan, check hazards, confirm, apply.
 * A real run holds the database's migrate lock from before it looks at the schema until it is done,
 * and every run that changes or finds the database at a commit leaves a row in its history.
 */
export async function migrate(ctx: OpContext & MigrateOptions): Promise<MigrateResult> {
  const store = findStore(ctx);
  // Applying is what the access policy judges; a dry run (and MCP's plan_migration) changes nothing.
  if (!ctx.dryRun)
    await (await import('./access.js')).demandLocal(
      store,
      'migrate',
      { kind: 'database', database: (await resolveDb(store, ctx.db, ctx.cwd)).name },
      'migrate',
    );
  const target = await loadRef(store, ctx.to ?? 'HEAD', ctx);
  if ((await readConfig(store)).databases[ctx.db]?.requireSigned === true)
    await (await import('./signatures.js')).requireVerified(store, ctx, ctx.db, target.commit, target.label);
  return withDb(store, ctx.db, ctx, async ({ db, target: dbTarget, adapter, connection }) => {
    if (!isEmptySchema(target.schema) && target.schema.engine !== adapter.engine) throw errors.crossEngine(target.schema.engine, adapter.engine);
    const interrupted = () => errors.migrateInterrupted(db.name, 0, 0, true);
    const stopped = () => ctx.signal?.aborted === true;
    if (!ctx.dryRun) await connection.lockMigrations?.({ waitMs: ctx.waitMs ?? MIGRATE_WAIT_MS, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    // Shadows a killed rehearsal left on the server go now, whether or not this run rehearses (a dry
    // run changes nothing but its own shadows: it sweeps only where it rehearses).
    if (!ctx.dryRun) await connection.dropStaleShadows?.();
    const live = await connection.introspect({ signal: ctx.signal });
    const history = (await connection.readHistory?.()) ?? [];
    // Renames recorded on the way from the database's commit to the target keep their rows.
    const at = await databaseCommit(store, db.name, connection, history);
    const renames = await renamesBetween(store, at, target.commit ?? (await headCommit(store)));
    const pending = ctx.to === 'working' ? await readPendingRenames(store) : [];
    const changes = changesBetween(live, target.schema, [...renames, ...pending]);
    // What the engine would refuse or silently change (a name cut to 63 bytes) stops here, before any statement.
    refuseLimitProblems(limitProblemsOfChange(target.schema, changes.operations, factsOf(adapter.engine)), `'${db.name}'`, 'nothing was changed');
    const plan = adapter.dialect.compile({ operations: changes.operations, from: changes.from, to: target.schema, online: ctx.online === true });
    const hazards = planHazards(plan);
    const allow = ctx.allow ?? [];
    const blocked = [...new Set(hazards.map((h) => h.name))].filter((h) => allow !== 'all' && !allow.includes(h));
    const locks = plan.steps.map((s) => stepLocks(adapter.engine, s.statements));
    const planned: MigratePlan = { db: db.name, to: target.label, plan, hazards, blocked, warnings: nativeWarnings(target.schema), locks };
    if (plan.steps.length === 0) {
      // The database is at the target whatever its history says: record it, so that status stops showing drift.
      const record = !ctx.dryRun && target.commit !== undefined && historyCommit(history) !== target.commit && connection.recordMigration !== undefined;
      if (record && target.commit !== undefined) {
        const now = new Date().toISOString();
        await connection.recordMigration?.({
          commit: target.commit,
          planHash: planHash([]),
          statements: [],
          startedAt: now,
          finishedAt: now,
          outcome: 'matched',
          executed: 0,
        });
        await updateDbState(store, db.name, { at: target.commit });
      }
      return { ...planned, applied: false, executed: [], shadow: 'skipped', matched: record };
    }
    if (!ctx.dryRun && blocked.length > 0) throw errors.hazardsBlocked(blocked);
    if (stopped()) throw interrupted();
    // Rehearse before anything touches the target (a dry run rehearses too: it says more).
    const rehearsed = ctx.noShadow ? undefined : await rehearsal(adapter, dbTarget, live, plan, target.schema, ctx.signal);
    const shadowReport = {
      shadow: rehearsed?.outcome ?? 'skipped',
      ...(rehearsed?.standIn === undefined ? {} : { shadowStandIn: rehearsed.standIn }),
    } as const;
    const notes = [...planned.warnings, ...(rehearsed?.notes ?? [])];
    if (ctx.dryRun) return { ...planned, warnings: notes, applied: false, executed: [], matched: false, ...shadowReport };
    if (!ctx.yes) {
      if (ctx.confirm === undefined) throw errors.confirmationRequired(`migrate of '${db.name}'`);
      if (!(await ctx.confirm(planned))) throw errors.aborted(`migrate of '${db.name}'`);
    }
    if (stopped()) throw interrupted();
    const statements = planStatements(plan);
    const entry = { commit: target.commit, planHash: planHash(statements), statements, startedAt: new Date().toISOString() };
    const { executed, historyProblem } = await connection.apply(plan, { history: entry, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    if (target.commit !== undefined) await updateDbState(store, db.name, { at: target.commit });
    return {
      ...planned,
      warnings: historyProblem === undefined ? notes : [...notes, historyProblem],
      applied: true,
      executed,
      matched: false,
      ...shadowReport,
    };
  });
}

const planHash = (statements: readonly string[]): string => createHash('sha1').update(statements.join(';\n')).digest('hex');
