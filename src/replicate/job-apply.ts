import type { ApplyTransaction, ChangeTarget, StoredPosition } from '../adapters/change-apply.js';
import type { DeleteEvent, InsertEvent, Position, UpdateEvent } from '../adapters/changes.js';
import type { Row } from '../adapters/rows.js';
import { keyText, type TableRoute } from './job-tables.js';

/**
 * Changes into the target, in the source's order, inside one open target transaction that spans
 * one or more whole source transactions and ends with the job's position (ChangeTarget.commit).
 * Consecutive changes of one kind to one table are written together (a multi-row upsert, one
 * DELETE ... IN), which is where the speed comes from; a change of another kind or table writes
 * them first, so the order the source committed in is kept. A large source transaction is written
 * run by run into the open transaction: nothing but one run is held in memory.
 */

/** Rows held in a run before it is written. */
const RUN_ROWS = 1_000;

type Run =
  | { readonly kind: 'upsert'; readonly route: TableRoute; readonly rows: Map<string, Row> }
  | { readonly kind: 'delete'; readonly route: TableRoute; readonly keys: Map<string, unknown[]> };

export class Applier {
  private tx: ApplyTransaction | undefined;
  private run: Run | undefined;
  /** Changes written in the open transaction. */
  changes = 0;
  /** Source transactions whose commit is in the open transaction. */
  transactions = 0;
  openedAt = 0;
  /** The last source commit in the open transaction. */
  private last: { position: Position; committedAt: string | undefined } | undefined;
  /** Source commit times of the transactions in the open transaction (for lag). */
  commitTimes: (string | undefined)[] = [];

  constructor(
    private readonly target: ChangeTarget,
    private readonly job: string,
    private readonly source: string,
  ) {}

  get open(): boolean {
    return this.tx !== undefined;
  }

  /** Whether the open transaction holds a source commit to record. */
  get committable(): boolean {
    return this.last !== undefined;
  }

  private async transaction(): Promise<ApplyTransaction> {
    if (this.tx === undefined) {
      this.tx = await this.target.begin();
      this.openedAt = Date.now();
    }
    return this.tx;
  }

  private async flush(): Promise<void> {
    const run = this.run;
    if (run === undefined) return;
    this.run = undefined;
    const tx = await this.transaction();
    if (run.kind === 'upsert') await tx.upsert(run.route.target, run.route.columns, run.route.keyColumns, [...run.rows.values()]);
    else await tx.delete(run.route.target, run.route.keyColumns, [...run.keys.values()]);
  }

  private async toRun(kind: Run['kind'], route: TableRoute): Promise<Run> {
    if (this.run !== undefined && (this.run.kind !== kind || this.run.route !== route)) await this.flush();
    this.run ??= kind === 'upsert' ? { kind, route, rows: new Map() } : { kind, route, keys: new Map() };
    return this.run;
  }

  private async upsert(route: TableRoute, values: Row, key: unknown[]): Promise<void> {
    const run = await this.toRun('upsert', route);
    if (run.kind !== 'upsert') return;
    // A later image of the same row replaces the earlier one: one statement may not touch a row twice.
    const k = keyText(key);
    run.rows.delete(k);
    run.rows.set(k, values);
    if (run.rows.size >= RUN_ROWS) await this.flush();
  }

  private async remove(route: TableRoute, key: unknown[]): Promise<void> {
    const run = await this.toRun('delete', route);
    if (run.kind !== 'delete') return;
    run.keys.set(keyText(key), key);
    if (run.keys.size >= RUN_ROWS) await this.flush();
  }

  async begin(): Promise<void> {
    await this.transaction();
  }

  /** The open transaction, with every change before this point written: for DDL and copies that must follow them. */
  async current(): Promise<ApplyTransaction> {
    await this.flush();
    return this.transaction();
  }

  async insert(route: TableRoute, e: InsertEvent): Promise<void> {
    const { values, key } = route.row(e.row);
    route.changes++;
    this.changes++;
    // Every column of an insert is sent; an undefined one would be a driver's oddity: write NULL.
    await this.upsert(
      route,
      values.map((v) => v ?? null),
      key,
    );
  }

  async update(route: TableRoute, e: UpdateEvent): Promise<void> {
    const { values, key } = route.row(e.row);
    const oldKey = e.before === undefined ? key : route.before(e.before);
    const moved = keyText(oldKey) !== keyText(key);
    route.changes++;
    this.changes++;
    if (e.unchanged.length === 0 && !values.includes(undefined)) {
      if (moved) await this.remove(route, oldKey);
      return this.upsert(route, values, key);
    }
    // Values the source did not send (unchanged TOAST) are left as the target has them.
    await this.flush();
    const tx = await this.transaction();
    const columns = route.columns.filter((_c, i) => values[i] !== undefined);
    await tx.update(
      route.target,
      columns,
      values.filter((v) => v !== undefined),
      route.keyColumns,
      oldKey,
    );
  }

  async delete(route: TableRoute, e: DeleteEvent): Promise<void> {
    route.changes++;
    this.changes++;
    await this.remove(route, route.before(e.before));
  }

  async truncate(routes: readonly TableRoute[]): Promise<void> {
    await this.flush();
    const tx = await this.transaction();
    for (const r of routes) r.changes++;
    this.changes++;
    await tx.truncate(routes.map((r) => r.target));
  }

  /** A source transaction ended: its changes are in the open transaction, which may now commit at `position`. */
  async sourceCommit(position: Position, committedAt: string | undefined): Promise<void> {
    await this.flush();
    await this.transaction();
    this.last = { position, committedAt };
    this.transactions++;
    this.commitTimes.push(committedAt);
  }

  /** Commit the open transaction with the last source commit's position (or `at`, a heartbeat's); the position recorded. */
  async commit(at?: Position): Promise<StoredPosition | undefined> {
    const position = at ?? this.last?.position;
    if (position === undefined) return undefined;
    await this.flush();
    const tx = await this.transaction();
    const stored: StoredPosition = { job: this.job, source: this.source, position, committedAt: this.last?.committedAt, appliedAt: new Date().toISOString() };
    this.tx = undefined;
    await tx.commit(stored);
    this.reset();
    return stored;
  }

  /** Give up the open transaction (a source transaction cut off by a failure). */
  async rollback(): Promise<void> {
    const tx = this.tx;
    this.tx = undefined;
    this.run = undefined;
    this.reset();
    await tx?.rollback();
  }

  private reset(): void {
    this.changes = 0;
    this.transactions = 0;
    this.last = undefined;
    this.commitTimes = [];
  }
}
