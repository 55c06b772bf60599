import { tableLabel, unhandledChange, type ChangeCapture, type ChangeEvent, type Position, type StreamOptions } from '../../src/adapters/changes.js';
import type { Row, RowSource, TableName } from '../../src/adapters/rows.js';

/**
 * A table-by-table copy of a source kept in memory by applying change events, the way an applier
 * would. Strict mode refuses an insert of a key already there (a change seen twice: an overlap)
 * and an update or delete of a key not there (a change missed: a gap); lenient mode upserts, for
 * sources that send rows as they are when read (SQLite).
 */

export const keyText = (values: readonly unknown[]): string =>
  JSON.stringify(values, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v !== null && typeof v === 'object' && 'type' in v && (v as { type: unknown }).type === 'Buffer'
        ? `x${Buffer.from((v as unknown as { data: number[] }).data).toString('hex')}`
        : v,
  );

interface MirrorTable {
  columns: string[];
  key: number[];
  rows: Map<string, Row>;
}

export class Mirror {
  readonly tables = new Map<string, MirrorTable>();
  readonly events: ChangeEvent[] = [];
  readonly problems: string[] = [];
  commits = 0;

  constructor(
    private readonly strict: boolean,
    private readonly keepEvents = true,
  ) {}

  private table(t: TableName): MirrorTable {
    const found = this.tables.get(t.name);
    if (found === undefined) throw new Error(`a row of ${tableLabel(t)} came before its relation event`);
    return found;
  }

  /** Rows of a table read from a snapshot, before any change. */
  load(name: string, columns: readonly string[], key: readonly string[], rows: readonly Row[]): void {
    const table: MirrorTable = { columns: [...columns], key: key.map((k) => columns.indexOf(k)), rows: new Map() };
    for (const row of rows) table.rows.set(keyText(table.key.map((i) => row[i])), row);
    this.tables.set(name, table);
  }

  apply(e: ChangeEvent): void {
    if (this.keepEvents) this.events.push(e);
    switch (e.kind) {
      case 'relation': {
        const columns = e.columns.map((c) => c.name);
        const existing = this.tables.get(e.table.name);
        const key = e.columns.flatMap((c, i) => (c.key ? [i] : []));
        if (existing === undefined) {
          this.tables.set(e.table.name, { columns, key, rows: new Map() });
          return;
        }
        // A new shape: rows keep their values by column name; a new column is NULL (as ADD COLUMN makes it).
        const rows = new Map<string, Row>();
        for (const row of existing.rows.values()) {
          const moved = columns.map((c) => {
            const at = existing.columns.indexOf(c);
            return at === -1 ? null : row[at];
          });
          rows.set(keyText(key.map((i) => moved[i])), moved);
        }
        this.tables.set(e.table.name, { columns, key, rows });
        return;
      }
      case 'insert': {
        const t = this.table(e.table);
        const k = keyText(t.key.map((i) => e.row[i]));
        if (this.strict && t.rows.has(k)) this.problems.push(`insert of ${k} into ${e.table.name}, which has it already`);
        t.rows.set(k, e.row);
        return;
      }
      case 'update': {
        const t = this.table(e.table);
        const newKey = keyText(t.key.map((i) => e.row[i]));
        const oldKey =
          e.before === undefined ? newKey : e.before.image === 'key' ? keyText(e.before.key) : keyText(t.key.map((i) => (e.before as { row: Row }).row[i]));
        const old = t.rows.get(oldKey);
        if (old === undefined && this.strict) this.problems.push(`update of ${oldKey} in ${e.table.name}, which does not have it`);
        const row = e.row.map((v, i) => (e.unchanged.includes(t.columns[i] as string) ? old?.[i] : v));
        if (e.unchanged.some((c) => e.row[t.columns.indexOf(c)] !== undefined)) this.problems.push(`an unchanged column of ${e.table.name} carries a value`);
        t.rows.delete(oldKey);
        t.rows.set(newKey, row);
        return;
      }
      case 'delete': {
        const t = this.table(e.table);
        const k = e.before.image === 'key' ? keyText(e.before.key) : keyText(t.key.map((i) => (e.before as { row: Row }).row[i]));
        if (!t.rows.delete(k) && this.strict) this.problems.push(`delete of ${k} from ${e.table.name}, which does not have it`);
        return;
      }
      case 'truncate':
        for (const t of e.tables) this.tables.get(t.name)?.rows.clear();
        return;
      case 'commit':
        this.commits++;
        return;
      case 'begin':
      case 'schema':
      case 'heartbeat':
      case 'message':
        return;
      default:
        unhandledChange(e);
    }
  }

  rows(name: string): Row[] {
    const t = this.tables.get(name);
    return t === undefined ? [] : [...t.rows.values()];
  }
}

/** Every row of a table from a snapshot's first reader, in key order. */
export async function readAll(source: RowSource, table: TableName, columns: readonly string[], key: readonly string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const reader = source.readers[0];
  if (reader === undefined) throw new Error('no reader');
  for await (const batch of reader.readBatches(table, { columns, key, batchRows: 1000 })) rows.push(...batch);
  return rows;
}

/**
 * Stream from `from` into the mirror, acknowledging every commit and heartbeat, until `done`
 * says so after a commit (or the time runs out, which fails).
 */
export async function follow(
  capture: ChangeCapture,
  from: Position,
  mirror: Mirror,
  done: (m: Mirror) => boolean,
  options: StreamOptions & { timeoutMs?: number; onEvent?: (e: ChangeEvent) => void | Promise<void> } = {},
): Promise<Position | undefined> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeoutMs ?? 120_000);
  let last: Position | undefined;
  try {
    for await (const e of capture.stream(from, { ...options, signal: stop.signal })) {
      mirror.apply(e);
      await options.onEvent?.(e);
      if (e.kind === 'commit' || e.kind === 'heartbeat') {
        await capture.acknowledge(e.position);
        last = e.position;
        if (e.kind === 'commit' && done(mirror)) return last;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`the stream ended before the expected changes arrived (${mirror.commits} commits seen)`);
}

/** Sorted by key text, to compare two sets of rows. */
export const byKey = (rows: readonly Row[], key: readonly number[]): Row[] =>
  [...rows].sort((a, b) => (keyText(key.map((i) => a[i])) < keyText(key.map((i) => b[i])) ? -1 : 1));

/** A stream read in the background into a mirror, for tests that change the source step by step. */
export class Tail {
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;
  failure: unknown;

  constructor(
    capture: ChangeCapture,
    from: Position,
    readonly mirror: Mirror,
    options: StreamOptions = {},
  ) {
    this.done = (async () => {
      try {
        for await (const e of capture.stream(from, { ...options, signal: this.stop.signal })) {
          mirror.apply(e);
          if (e.kind === 'commit' || e.kind === 'heartbeat') await capture.acknowledge(e.position);
        }
      } catch (e) {
        this.failure = e;
      }
    })();
  }

  /** Wait until `ready` holds (or the stream failed, which throws). */
  async until(ready: (m: Mirror) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.mirror)) {
      if (this.failure !== undefined) throw this.failure;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the stream (${this.mirror.commits} commits seen)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The stream's failure, once it has ended with one. */
  async failed(timeoutMs = 30_000): Promise<unknown> {
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    return this.failure;
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.done;
  }
}
