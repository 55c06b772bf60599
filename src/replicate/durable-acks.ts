import type { LaterDurable } from '../adapters/change-apply.js';
import type { Position } from '../adapters/changes.js';

/**
 * The source is told a position is done only once the target's commit of it is durable. A commit
 * that returns durable is acknowledged at once (and covers the lazy ones before it: its flush
 * flushed them). A lazy one (LaterDurable) waits until the target's log is durable past it, as
 * PostgreSQL's own subscriber reports only the positions whose commit its server flushed: a target
 * that crashes loses only commits the source still holds, so a restart from the target's position
 * neither loses nor doubles a change.
 */
export class DurableAcks {
  /** Lazy commits not acknowledged yet, oldest first (their positions and log ends ascend). */
  private readonly waiting: { readonly at: bigint; readonly position: Position }[] = [];

  constructor(private readonly acknowledge: (position: Position) => Promise<void>) {}

  /** Whether a commit waits for the target's log to be durable. */
  get pending(): boolean {
    return this.waiting.length > 0;
  }

  /** The target committed `position`; `later` when it makes the commit durable later. */
  async committed(position: Position, later: LaterDurable | undefined): Promise<void> {
    if (later === undefined) {
      this.waiting.length = 0;
      await this.acknowledge(position);
      return;
    }
    this.waiting.push({ at: later.at, position });
    await this.flushed(later.flushed);
  }

  /** The target's log is durable through `through`: acknowledge the last commit it covers. */
  async flushed(through: bigint): Promise<void> {
    let last: Position | undefined;
    while (this.waiting.length > 0 && (this.waiting[0]?.at ?? through + 1n) <= through) last = this.waiting.shift()?.position;
    if (last !== undefined) await this.acknowledge(last);
  }
}
