import type { Hazard } from './hazards.js';
import type { Engine, Schema } from './model.js';
import type { Operation } from './operations.js';

/** One step of a migration plan: the operations it carries out and the SQL that does it. */
export interface PlanStep {
  readonly summary: string;
  readonly operations: readonly Operation[];
  readonly statements: readonly string[];
  readonly hazards: readonly Hazard[];
  /**
   * A step that cannot run inside the plan's transaction (PostgreSQL's CREATE INDEX CONCURRENTLY):
   * `before` runs on its own ahead of the transactional steps, `after` once they have committed.
   */
  readonly outsideTransaction?: 'before' | 'after' | undefined;
  /** Statements that undo what a failed outside step left behind (the INVALID index of a failed concurrent build). */
  readonly onFailure?: readonly string[] | undefined;
}

/** A compiled, ordered migration for one engine. */
export interface Plan {
  readonly engine: Engine;
  readonly steps: readonly PlanStep[];
  /** Whether the whole plan runs in one transaction (all or nothing). */
  readonly transactional: boolean;
}

/** What a dialect needs to compile: the operations and the two models they lead between. */
export interface PlanInput {
  readonly operations: readonly Operation[];
  readonly from: Schema;
  readonly to: Schema;
  /** Prefer statements that keep the table usable while they run (PostgreSQL: CONCURRENTLY, NOT VALID, lock_timeout). */
  readonly online?: boolean;
}

export const planStatements = (plan: Plan): string[] => plan.steps.flatMap((s) => s.statements);
export const planHazards = (plan: Plan): Hazard[] => plan.steps.flatMap((s) => s.hazards);
