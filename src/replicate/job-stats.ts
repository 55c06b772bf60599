import type { Position } from '../adapters/changes.js';
import type { StreamProgress } from './job-stream.js';

/** Counts, rate and lag of a running job, from its commits: what progress lines and status show. */

/** Lag samples kept (the newest), for the percentiles. */
const SAMPLES = 2_048;
/** The rate is over this window. */
const RATE_MS = 5_000;

export class Stats {
  position: Position | undefined;
  private readonly lags: number[] = [];
  private readonly recent: { at: number; changes: number }[] = [];
  private lastLag = 0;

  constructor(
    public transactions: number,
    public changes: number,
  ) {}

  add(p: StreamProgress): void {
    this.position = p.position;
    this.transactions += p.transactions;
    this.changes += p.changes;
    this.recent.push({ at: Date.now(), changes: p.changes });
    for (const lag of p.lags) this.lags.push(lag);
    if (p.lags.length > 0) this.lastLag = p.lags[p.lags.length - 1] as number;
    if (this.lags.length > SAMPLES) this.lags.splice(0, this.lags.length - SAMPLES);
  }

  /** Changes per second over the last few seconds. */
  rate(): number {
    const now = Date.now();
    while (this.recent.length > 0 && now - (this.recent[0] as { at: number }).at > RATE_MS) this.recent.shift();
    return Math.round(this.recent.reduce((n, r) => n + r.changes, 0) / (RATE_MS / 1000));
  }

  lag(): { p50: number; p99: number; last: number } | null {
    if (this.lags.length === 0) return null;
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
    return { p50: at(0.5), p99: at(0.99), last: this.lastLag };
  }
}
