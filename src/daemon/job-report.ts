import type { JobReport } from '../ops/daemon-protocol.js';

/**
 * What a job's output lines mean to the daemon: pure functions, tested without a process. A job
 * writes JSON lines on stdout (`redb replicate --json`); the fields the daemon understands (see
 * docs/daemon.md) are merged into the job's report, which status and the metrics show. Anything
 * else is logged and otherwise left alone.
 */

export type JobLine =
  | { readonly kind: 'report'; readonly report: JobReport }
  /** The job says something went wrong (and it may retry by itself). */
  | { readonly kind: 'problem'; readonly text: string; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly kind: 'other'; readonly text: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function lagOf(v: unknown): JobReport['lagMs'] {
  if (v === null) return null;
  if (typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const p50 = num(o.p50);
  const p99 = num(o.p99);
  const last = num(o.last);
  return p50 === undefined || p99 === undefined || last === undefined ? undefined : { p50, p99, last };
}

/** Read one stdout line of a job against what it reported before. */
export function readJobLine(line: string, previous: JobReport | null, now: Date): JobLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { kind: 'other', text: line };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { kind: 'other', text: line };
  const o = raw as Record<string, unknown>;
  // `{ error: { code, message } }` (a failure in --json), or a retry event `{ type: 'retry', error }`.
  const error = o.error;
  if (error !== undefined) {
    const e = error as { code?: unknown; message?: unknown } | null;
    const text =
      typeof error === 'string'
        ? error
        : typeof e?.message === 'string'
          ? `${typeof e.code === 'string' ? `error[${e.code}]: ` : ''}${e.message}`
          : JSON.stringify(error);
    return { kind: 'problem', text, fields: o };
  }
  const report: { -readonly [K in keyof JobReport]: JobReport[K] } = { ...(previous ?? {}), at: now.toISOString() };
  let known = false;
  const set = <K extends keyof JobReport>(key: K, value: JobReport[K] | undefined) => {
    if (value === undefined) return;
    report[key] = value;
    known = true;
  };
  set('type', str(o.type));
  set('phase', str(o.phase));
  set('position', str(o.position) ?? str(o.from));
  set('transactions', num(o.transactions));
  set('changes', num(o.changes));
  set('rate', num(o.rate));
  set('lagMs', lagOf(o.lagMs));
  set('retainedWalBytes', num(o.retainedWalBytes));
  return known ? { kind: 'report', report } : { kind: 'other', text: line };
}

/** The line of a job's stderr that says why it failed: redb's `error[CODE]: ...` line if there is one. */
export function failureLine(stderrTail: readonly string[]): string | undefined {
  for (let i = stderrTail.length - 1; i >= 0; i--) if (/^error\[[A-Z0-9_]+\]/.test(stderrTail[i] ?? '')) return stderrTail[i];
  const last = stderrTail.filter((l) => l.trim() !== '').at(-1);
  return last;
}

/** Why a job ended, in one line: its exit and what it last said about it. */
export function exitReason(code: number | null, signal: string | null, said: string | undefined, requested: boolean): string {
  const how = signal !== null ? `killed by ${signal}` : `exited with code ${code ?? '?'}`;
  if (requested) return `${how} (stopped by the daemon)`;
  return said === undefined ? how : `${how}: ${said}`;
}
