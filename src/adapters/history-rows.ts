import type { MigrationRecord } from './adapter.js';

/**
 * The history table's columns, the same on every engine; only its place and column types differ
 * (see each adapter's history.ts).
 */
export const HISTORY_COLUMNS = 'commit_id, plan_hash, statements, started_at, finished_at, outcome, error';

export interface HistoryRow {
  readonly commit_id: string | null;
  readonly plan_hash: string;
  /** JSON text, or already parsed where the engine has a JSON type. */
  readonly statements: string | readonly string[];
  readonly started_at: string | Date;
  readonly finished_at: string | Date;
  readonly outcome: 'applied' | 'failed';
  readonly error: string | null;
}

/** Values in HISTORY_COLUMNS order. */
export const historyValues = (r: MigrationRecord): unknown[] => [r.commit ?? null, r.planHash, JSON.stringify(r.statements), r.startedAt, r.finishedAt, r.outcome, r.error ?? null];

const iso = (t: string | Date): string => (t instanceof Date ? t.toISOString() : t);

export const recordFromRow = (row: HistoryRow): MigrationRecord => ({
  commit: row.commit_id ?? undefined,
  planHash: row.plan_hash,
  statements: typeof row.statements === 'string' ? (JSON.parse(row.statements) as string[]) : [...row.statements],
  startedAt: iso(row.started_at),
  finishedAt: iso(row.finished_at),
  outcome: row.outcome,
  error: row.error ?? undefined,
});
