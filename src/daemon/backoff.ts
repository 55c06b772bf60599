/**
 * When a failed job starts again: pure arithmetic over its history, so the rule is tested without
 * a process. Each failure in a row doubles the wait, up to a ceiling; a run that lasted long enough
 * counts as healthy and starts the count over.
 */

export interface BackoffPolicy {
  /** Wait after the first failure. */
  readonly baseMs: number;
  /** The longest wait. */
  readonly maxMs: number;
  /** A run at least this long resets the count of failures in a row. */
  readonly stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000, stableMs: 60_000 };

/** The wait before attempt n+1 after n failures in a row (n >= 1). */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(failures));
  // 2^30 already passes any ceiling; stop there rather than overflow.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
}

/** Failures in a row after a run of `ranMs` that ended in failure. */
export function failuresAfter(previous: number, ranMs: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return ranMs >= policy.stableMs ? 1 : previous + 1;
}
