import type { MigrationOutcome, MigrationRecord } from './adapter.js';

/**
 * The history table's columns, the same on every engine; only its place and column types differ
 * (see each adapter's history.ts). `executed` came later: tables made before it get it added.
 */
export const HISTORY_COLUMNS = 'commit_id, plan_hash, statements, started_at, finished_at, outcome, error, executed';

export interface HistoryRow {
  readonly commit_id: string | null;
  readonly plan_hash: string;
  /** JSON text, or already parsed where the engine has a JSON type. */
  readonly statements: string | readonly string[];
  readonly started_at: string | Date;
  readonly finished_at: string | Date;
  readonly outcome: MigrationOutcome;
  readonly error: string | null;
  /** Null in rows written before it was kept. */
  readonly executed: number | string | bigint | null;
}

/** Values in HISTORY_COLUMNS order. */
export const historyValues = (r: MigrationRecord): unknown[] => [
  r.commit ?? null,
  r.planHash,
  JSON.stringify(r.statements),
  r.startedAt,
  r.finishedAt,
  r.outcome,
  r.error ?? null,
  r.executed ?? null,
];

const iso = (t: string | Date): string => (t instanceof Date ? t.toISOString() : t);

export const recordFromRow = (row: HistoryRow): MigrationRecord => ({
  commit: row.commit_id ?? undefined,
  planHash: row.plan_hash,
  statements: typeof row.statements === 'string' ? (JSON.parse(row.statements) as string[]) : [...row.statements],
  startedAt: iso(row.started_at),
  finishedAt: iso(row.finished_at),
  outcome: row.outcome,
  error: row.error ?? undefined,
  ...(row.executed === null || row.executed === undefined ? {} : { executed: Number(row.executed) }),
});

/** What changes in a migration's row as it runs and ends. */
export interface HistoryProgress {
  readonly outcome: MigrationOutcome;
  readonly executed: number;
  readonly error?: string | undefined;
}

/**
 * The rows of one database's history as a migration writes them: one row per migration, written
 * when it starts (or, in a transaction, with its changes) and updated as it goes.
 */
export interface HistoryLog {
  /** The new row's id. */
  insert(record: MigrationRecord): Promise<number>;
  update(id: number, progress: HistoryProgress): Promise<void>;
}

/** The commit a database is at by its own history: the newest migration that landed, or that found it there. */
export const historyCommit = (history: readonly MigrationRecord[]): string | undefined =>
  history.find((h) => (h.outcome === 'applied' || h.outcome === 'matched') && h.commit !== undefined)?.commit;

/**
 * The error recorded for a migration whose process ended while it ran (killed, or the machine went
 * down): which statements had run, and the one that was running, which the server may have finished.
 */
export function interruptedNote(statements: readonly string[], executed: number): string {
  const running = statements[executed];
  const ran = `${executed} of ${statements.length} statement${statements.length === 1 ? '' : 's'} had run`;
  return running === undefined
    ? `the process ended before it recorded an outcome; ${ran}`
    : `the process ended before it recorded an outcome; ${ran}, and this one was running (the server may have finished it): ${running.split('\n')[0]}`;
}
