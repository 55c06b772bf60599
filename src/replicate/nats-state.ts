import type { Position } from '../adapters/changes.js';
import { errors } from '../errors.js';
import { ENVELOPE_VERSION, parseJson, StateMessage, subjects } from './nats-envelope.js';
import { lastOn, messageAt, type NatsLink } from './nats-link.js';

/**
 * The source stream's state (a MariaDB/MySQL schema history) kept in the JetStream stream beside
 * the position it belongs to, as a database-to-database job keeps it in its target beside the
 * position: the publisher's place is the stream's last transaction, so its state must be there too.
 * A publisher stopped behind `ALTER`s names the rows it reads again by the shapes they had, not by
 * the catalog's, which may have moved on.
 *
 * Each state is published (and stored) before the transaction it comes with, and names the one
 * before it: resuming at a position, the publisher walks back from the last one to the newest at or
 * before that position. A state published ahead of a transaction a crash cut off is skipped, and
 * published again, under the same message id, when that transaction is.
 */
export class PublishedStates {
  private constructor(
    private readonly link: NatsLink,
    private readonly subject: string,
    /** The sequence of the last state in the stream. */
    private last: number | null,
  ) {}

  static async open(link: NatsLink, stream: string): Promise<PublishedStates> {
    const subject = subjects(stream).state;
    const last = await lastOn(link, subject);
    return new PublishedStates(link, subject, last?.seq ?? null);
  }

  /**
   * The state in effect at `position`: the newest published at or before it; none when there is
   * none (`lost` when the stream's limits removed the one that was: the source's catalog then names
   * the rows, as before any state, and the caller says so).
   */
  async at(position: Position, compare: (a: Position, b: Position) => number): Promise<{ state?: string; lost?: true }> {
    let seq = this.last;
    while (seq !== null) {
      const m = await messageAt(this.link, seq);
      if (m === undefined) return { lost: true };
      const parsed = StateMessage.safeParse(parseJson(m.data));
      if (!parsed.success) throw errors.natsForeignStream(this.link.address.stream, `message ${seq} on ${this.subject} is not a redb state`);
      if (compare(parsed.data.position as Position, position) <= 0) return { state: parsed.data.state };
      seq = parsed.data.previous;
    }
    return {};
  }

  /** Store `state` as in effect from `position` on; returns once the stream has it. */
  async publish(position: Position, state: string): Promise<void> {
    const body: StateMessage = { redb: ENVELOPE_VERSION, kind: 'state', position, previous: this.last, state };
    // The same state again (a transaction published again after a cut): JetStream drops it and answers with the first one's sequence.
    const ack = await this.link.js.publish(this.subject, JSON.stringify(body), { msgID: `${position}:st` });
    this.last = ack.seq;
  }
}
