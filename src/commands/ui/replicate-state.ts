import type { JobEvent } from '../../ops/replicate.js';

/**
 * What the live view of `redb replicate` shows, folded from the job's events: per table the rows
 * copied, the changes applied, their rate and its state; for the job its phase, position, lag and
 * retained log. A pure reducer (the time is passed in), so that the view is tested from real events.
 */

export interface LiveTable {
  readonly rows: number;
  readonly total: number;
  readonly changes: number;
  /** Changes per second between the last two progress reports. */
  readonly rate: number;
  readonly state: 'copying' | 'copied' | 'streaming' | 'paused';
  readonly reason?: string | undefined;
}

export interface LiveState {
  readonly phase: 'starting' | 'copying' | 'streaming';
  readonly position: string | undefined;
  readonly transactions: number;
  readonly changes: number;
  readonly rate: number;
  readonly lagMs: { readonly p50: number; readonly p99: number; readonly last: number } | null;
  readonly retainedWalBytes: number | undefined;
  readonly tables: ReadonlyMap<string, LiveTable>;
  /** The latest notes (schema changes followed, pauses, retries), newest last. */
  readonly notes: readonly string[];
  /** When the last progress report (or the stream's start) came, in ms, for the rates. */
  readonly reportedAt: number | undefined;
}

export const initialLive = (): LiveState => ({
  phase: 'starting',
  position: undefined,
  transactions: 0,
  changes: 0,
  rate: 0,
  lagMs: null,
  retainedWalBytes: undefined,
  tables: new Map(),
  notes: [],
  reportedAt: undefined,
});

const NOTES = 5;
const blank: LiveTable = { rows: 0, total: 0, changes: 0, rate: 0, state: 'streaming' };

export function reduceLive(s: LiveState, e: JobEvent, nowMs: number): LiveState {
  const tables = new Map(s.tables);
  const note = (text: string) => [...s.notes, text].slice(-NOTES);
  switch (e.type) {
    case 'copy': {
      const c = e.event;
      if (c.type !== 'table') return { ...s, phase: 'copying' };
      const t = tables.get(c.table) ?? { ...blank, state: 'copying' };
      tables.set(c.table, { ...t, rows: c.rows, total: c.total, state: c.state === 'done' ? 'copied' : 'copying' });
      return { ...s, phase: 'copying', tables };
    }
    case 'copied':
      return { ...s, position: e.position };
    case 'streaming':
      for (const [id, t] of tables) if (t.state !== 'paused') tables.set(id, { ...t, state: 'streaming' });
      // The first report's rates count from here.
      return { ...s, phase: 'streaming', position: e.from, tables, reportedAt: nowMs };
    case 'progress': {
      const seconds = s.reportedAt === undefined ? 0 : (nowMs - s.reportedAt) / 1000;
      for (const [id, changes] of Object.entries(e.tables)) {
        const t = tables.get(id) ?? blank;
        const rate = seconds > 0 ? Math.max(0, Math.round((changes - t.changes) / seconds)) : t.rate;
        tables.set(id, { ...t, changes, rate, state: t.state === 'paused' ? 'paused' : 'streaming' });
      }
      return {
        ...s,
        phase: 'streaming',
        position: e.position,
        transactions: e.transactions,
        changes: e.changes,
        rate: e.rate,
        lagMs: e.lagMs,
        retainedWalBytes: e.retainedWalBytes ?? s.retainedWalBytes,
        tables,
        reportedAt: nowMs,
      };
    }
    case 'paused':
      tables.set(e.table, { ...(tables.get(e.table) ?? blank), state: 'paused', reason: e.reason });
      return { ...s, tables, notes: note(`${e.table} paused: ${e.reason}; to go on: ${e.command}`) };
    case 'resumed':
      tables.set(e.table, { ...(tables.get(e.table) ?? blank), state: 'streaming', reason: undefined });
      return { ...s, tables, notes: note(`${e.table} copied afresh: streaming again`) };
    case 'schema':
      return { ...s, notes: note(`${e.table}: ${e.change}`) };
    case 'warning':
      return { ...s, notes: note(`warning: ${e.message}`) };
    case 'retry':
      return { ...s, notes: note(`retrying in ${Math.round(e.inMs / 1000)} s (attempt ${e.attempt}): ${e.error}`) };
    case 'plan':
      return s;
    default:
      // A line the job's stream has besides its events (the command's own `stopped`) changes nothing shown.
      return s;
  }
}
