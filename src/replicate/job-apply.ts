import type { ApplyTransaction, ChangeTarget, StoredPosition } from '../adapters/change-apply.js';
import type { DeleteEvent, InsertEvent, Position, UpdateEvent } from '../adapters/changes.js';
import type { Row } from '../adapters/rows.js';
import { ApplyPipeline } from './apply-pipeline.js';
import { type KeyId, keyText, sameKey, type TableRoute } from './job-tables.js';

/**
 * Changes into the target, inside target transactions that each span one or more whole source
 * transactions and end with the job's position (ChangeTarget.commit).
 *
 * Where the order of writes cannot matter, changes are held per table and written together: the
 * last change of each key counts (an upsert of its whole row, or its delete), so a table's changes
 * of a whole target transaction go in a few multi-row statements. That holds for a table whose
 * key is its only constraint, on a target that does not check foreign keys as rows arrive; the
 * transaction commits them all at once, so readers never see the order they were written in.
 * Elsewhere the source's order is kept: consecutive changes of one kind to one table are written
 * together, and a change of another kind (or, where foreign keys are checked, another table)
 * writes them first.
 *
 * Writes, commits and acknowledgements run in a pipeline (apply-pipeline.ts): the target executes
 * one batch while the stream's next is decoded. Memory stays bounded by the rows held
 * (PENDING_ROWS) and the batches queued (QUEUED), whatever the size of a source transaction.
 */

/** Rows of one table held before they are written. */
const BATCH_ROWS = 5_000;
/** Changes held across tables before all are written. */
const PENDING_ROWS = 20_000;
/** Writes held in the pipeline, the one the target runs included. */
const QUEUED = 4;

/**
 * A table's changes not yet written: the last image of each key to upsert, or its key to delete
 * (never both); `fresh`, the keys whose first change here was an insert (no row before it).
 */
interface Held {
  readonly route: TableRoute;
  upserts: Map<KeyId, Row>;
  deletes: Map<KeyId, unknown[]>;
  fresh: Set<KeyId>;
}

export class Applier {
  private readonly pipe = new ApplyPipeline(QUEUED);
  /** The target transaction, as the pipeline opened it. */
  private tx: ApplyTransaction | undefined;
  /** Whether a target transaction is begun (in the pipeline) and not yet committed. */
  private opened = false;
  private readonly held = new Map<TableRoute, Held>();
  private heldRows = 0;
  /** Where changes keep the source's order across tables: the one table held. */
  private readonly ordered: boolean;
  /** Changes in the open transaction. */
  changes = 0;
  /** Source transactions whose commit is in the open transaction. */
  transactions = 0;
  openedAt = 0;
  /** The last source commit in the open transaction. */
  private last: { position: Position; committedAt: string | undefined } | undefined;
  /** The stream's state as of the last source commit that changed it in the open transaction. */
  private state: string | undefined;
  /** Source commit times of the transactions in the open transaction (for lag). */
  commitTimes: (string | undefined)[] = [];

  constructor(
    private readonly target: ChangeTarget,
    private readonly job: string,
    private readonly source: string,
  ) {
    this.ordered = target.checksForeignKeys;
  }

  get open(): boolean {
    return this.opened;
  }

  /** Whether the open transaction holds a source commit to record. */
  get committable(): boolean {
    return this.last !== undefined;
  }

  private ensureOpen(): void {
    if (this.opened) return;
    this.opened = true;
    this.openedAt = Date.now();
    this.pipe.push(async () => {
      this.tx = await this.target.begin();
    });
  }

  private transaction(): ApplyTransaction {
    if (this.tx === undefined) throw new Error('no open target transaction');
    return this.tx;
  }

  /** Queue the writes of one table's held changes. */
  private write(h: Held): void {
    if (h.deletes.size > 0) {
      const keys = [...h.deletes.values()];
      h.deletes = new Map();
      this.pipe.push(() => this.transaction().delete(h.route.target, h.route.keyColumns, keys));
    }
    if (h.upserts.size > 0) {
      const { target, columns, keyColumns } = h.route;
      if (this.ordered || !h.route.keyIsOnlyConstraint) {
        // Another constraint (or a foreign key checked as rows arrive) may see the order of rows: one statement, in order.
        const rows = [...h.upserts.values()];
        this.pipe.push(() => this.transaction().upsert(target, columns, keyColumns, rows));
      } else {
        // Rows the source's log inserted and rows it changed go apart: the target may insert the one and update the other.
        const fresh: Row[] = [];
        const existing: Row[] = [];
        for (const [k, row] of h.upserts) (h.fresh.has(k) ? fresh : existing).push(row);
        if (existing.length > 0) this.pipe.push(() => this.transaction().upsert(target, columns, keyColumns, existing, 'existing'));
        if (fresh.length > 0) this.pipe.push(() => this.transaction().upsert(target, columns, keyColumns, fresh, 'new'));
      }
      h.upserts = new Map();
    }
    if (h.upserts.size === 0 && h.deletes.size === 0) h.fresh = new Set();
  }

  private writeAll(): void {
    for (const h of this.held.values()) this.write(h);
    this.held.clear();
    this.heldRows = 0;
  }

  /** The held changes of `route`, after writing what must go before a change of `kind` to it. */
  private holder(route: TableRoute, kind: 'upsert' | 'delete'): Held {
    this.ensureOpen();
    if (this.ordered && (this.held.size > 1 || (this.held.size === 1 && !this.held.has(route)))) this.writeAll();
    let h = this.held.get(route);
    if (h === undefined) {
      h = { route, upserts: new Map(), deletes: new Map(), fresh: new Set() };
      this.held.set(route, h);
    }
    // In the source's order, an upsert after deletes (or the reverse) writes those first.
    if ((this.ordered || !route.keyIsOnlyConstraint) && (kind === 'upsert' ? h.deletes.size : h.upserts.size) > 0) this.write(h);
    return h;
  }

  /** Count a held change, writing what is due; a promise only when the pipeline has no room (most changes need no wait). */
  private counted(h: Held): Promise<void> | undefined {
    this.heldRows++;
    if (h.upserts.size + h.deletes.size >= BATCH_ROWS) this.write(h);
    if (this.heldRows >= PENDING_ROWS) this.writeAll();
    return this.pipe.full ? this.pipe.room() : undefined;
  }

  /** `inserted`: the source's log inserted the row (it had none before this change). */
  private upsert(route: TableRoute, values: Row, key: unknown[], inserted: boolean): Promise<void> | undefined {
    let h = this.holder(route, 'upsert');
    const k = keyText(key);
    // One statement may not touch a row twice. Where order matters (another unique constraint could
    // see a row's old value), what is held is written first; elsewhere the later image replaces the earlier.
    let held = h.upserts.has(k);
    if (held && (this.ordered || !route.keyIsOnlyConstraint)) {
      this.write(h);
      h = this.holder(route, 'upsert');
      held = false;
    }
    // The first change of a key held tells whether the target has its row: what came after does not.
    // A key is held as an upsert or as a delete, never both; a replaced upsert keeps its place (order cannot matter there).
    if (!held) {
      const deleted = h.deletes.size > 0 && h.deletes.delete(k);
      if (inserted && !deleted) h.fresh.add(k);
    }
    h.upserts.set(k, values);
    return this.counted(h);
  }

  private remove(route: TableRoute, key: unknown[]): Promise<void> | undefined {
    const h = this.holder(route, 'delete');
    const k = keyText(key);
    h.upserts.delete(k);
    h.deletes.set(k, key);
    return this.counted(h);
  }

  async begin(): Promise<void> {
    this.ensureOpen();
    await this.pipe.room();
  }

  /** The open transaction, with every change before this point written: for DDL and copies that must follow them. */
  async current(): Promise<ApplyTransaction> {
    this.ensureOpen();
    this.writeAll();
    await this.pipe.drain();
    return this.transaction();
  }

  /** A promise only when the caller must wait (for room in the pipeline), as update() and delete(). */
  insert(route: TableRoute, e: InsertEvent): Promise<void> | undefined {
    const { values, key } = route.row(e.row);
    route.changes++;
    this.changes++;
    // Every column of an insert is sent; an undefined one would be a driver's oddity: write NULL.
    return this.upsert(route, values.includes(undefined) ? values.map((v) => v ?? null) : values, key, true);
  }

  update(route: TableRoute, e: UpdateEvent): Promise<void> | undefined {
    const { values, key } = route.row(e.row);
    const oldKey = e.before === undefined ? key : route.before(e.before);
    const moved = !sameKey(keyText(oldKey), keyText(key));
    route.changes++;
    this.changes++;
    if (e.unchanged.length === 0 && !values.includes(undefined)) {
      if (!moved) return this.upsert(route, values, key, false);
      // A key moved to had no row before (the source's key is unique): as an insert.
      const wait = this.remove(route, oldKey);
      return wait === undefined ? this.upsert(route, values, key, true) : wait.then(() => this.upsert(route, values, key, true));
    }
    return this.updateSent(route, values, oldKey);
  }

  /** An update that left values out (unchanged TOAST): those the source sent, by key. */
  private async updateSent(route: TableRoute, values: Row, oldKey: unknown[]): Promise<void> {
    // Values the source did not send (unchanged TOAST) are left as the target has them: what the table holds goes first.
    this.ensureOpen();
    if (this.ordered) this.writeAll();
    else {
      const h = this.held.get(route);
      if (h !== undefined) this.write(h);
    }
    const columns = route.columns.filter((_c, i) => values[i] !== undefined);
    const set = values.filter((v) => v !== undefined);
    this.pipe.push(() => this.transaction().update(route.target, columns, set, route.keyColumns, oldKey));
    await this.pipe.room();
  }

  delete(route: TableRoute, e: DeleteEvent): Promise<void> | undefined {
    route.changes++;
    this.changes++;
    return this.remove(route, route.before(e.before));
  }

  async truncate(routes: readonly TableRoute[]): Promise<void> {
    this.ensureOpen();
    this.writeAll();
    for (const r of routes) r.changes++;
    this.changes++;
    const tables = routes.map((r) => r.target);
    this.pipe.push(() => this.transaction().truncate(tables));
    await this.pipe.room();
  }

  /** A source transaction ended: its changes are in the open transaction, which may now commit at `position`. */
  async sourceCommit(position: Position, committedAt: string | undefined, state?: string): Promise<void> {
    this.ensureOpen();
    this.last = { position, committedAt };
    if (state !== undefined) this.state = state;
    this.transactions++;
    this.commitTimes.push(committedAt);
    await this.pipe.room();
  }

  /**
   * Commit the open transaction with the last source commit's position (or `at`, a heartbeat's, and
   * the stream's `state` there where it changed).
   * The commit is queued behind the writes; `after` runs once the target committed (to acknowledge
   * the source), with what was committed. False when there was nothing to commit.
   */
  async commit(at: Position | undefined, atState: string | undefined, after: (committed: Committed) => Promise<void>): Promise<boolean> {
    const position = at ?? this.last?.position;
    if (position === undefined) return false;
    this.ensureOpen();
    this.writeAll();
    const done = { transactions: this.transactions, changes: this.changes, commitTimes: this.commitTimes };
    const committedAt = this.last?.committedAt;
    const state = atState ?? this.state;
    this.opened = false;
    this.reset();
    this.pipe.push(async () => {
      const stored: StoredPosition = {
        job: this.job,
        source: this.source,
        position,
        committedAt,
        appliedAt: new Date().toISOString(),
        ...(state === undefined ? {} : { state }),
      };
      await this.transaction().commit(stored);
      this.tx = undefined;
      await after({ ...done, stored });
    });
    await this.pipe.room();
    return true;
  }

  /** Wait for every queued write and commit, throwing the first failure. */
  async drain(): Promise<void> {
    await this.pipe.drain();
  }

  /** Give up the open transaction (a source transaction cut off by a failure); what was queued before it ends first. */
  async rollback(): Promise<void> {
    this.held.clear();
    this.heldRows = 0;
    this.opened = false;
    this.reset();
    await this.pipe.settle();
    const tx = this.tx;
    this.tx = undefined;
    await tx?.rollback();
  }

  private reset(): void {
    this.changes = 0;
    this.transactions = 0;
    this.last = undefined;
    this.state = undefined;
    this.commitTimes = [];
  }
}

/** What one target commit held. */
export interface Committed {
  readonly stored: StoredPosition;
  readonly transactions: number;
  readonly changes: number;
  readonly commitTimes: readonly (string | undefined)[];
}
