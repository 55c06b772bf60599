import type { JsMsg } from '@nats-io/jetstream';
import type { Before, CaptureStatus, ChangeCapture, ChangeEvent, Handoff, Position, StreamOptions } from '../adapters/changes.js';
import type { Row, TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import type { ColumnType, Schema } from '../unified/index.js';
import { columnTypes, COPY_TX, fromJson, parseJson, RelationMessage, RowEnvelope, SchemaMessage, subjects, TxMessage } from './nats-envelope.js';
import type { NatsLink } from './nats-link.js';
import { tableId } from './schema-phases.js';

/**
 * A JetStream stream read through a job's durable consumer, as a change capture: the messages redb
 * published, decoded back into the change events a database's log gives (ChangeEvent), so the
 * apply plane and its loop (job-stream.ts) apply them as they apply a database's. Positions are
 * stream sequences: a commit's is the sequence of its commit message, which the target records.
 *
 * A transaction published again after a publisher's restart (its begin comes a second time) is
 * not applied twice: events of an index already seen are skipped. A message that is not redb's
 * stops the stream with a coded error; the open target transaction is then rolled back.
 */

interface TableShape {
  /** Column order of the values, as the last relation said. */
  order: string[];
  key: string[];
  readonly types: ReadonlyMap<string, ColumnType>;
}

export class NatsCapture implements ChangeCapture {
  private readonly acks = new Map<string, JsMsg>();
  private readonly shapes = new Map<string, TableShape>();

  constructor(
    private readonly link: NatsLink,
    readonly job: string,
    /** The source's schema as the stream last carried it: the one in effect at `floor`, then each newer one read. */
    public latest: Schema,
    /** The sequence of that schema's message: older ones are not taken again. */
    private schemaSeq: number,
    /** Everything up to this sequence is in the target. */
    private readonly floor: number,
    private readonly tables: readonly TableName[],
  ) {
    for (const t of latest.tables) {
      const order = t.columns.filter((c) => c.generated === undefined).map((c) => c.name);
      const pk = new Set(t.primaryKey?.columns ?? []);
      this.shapes.set(tableId(t), { order, key: order.filter((c) => pk.has(c)), types: columnTypes(t) });
    }
  }

  private shapeOf(t: TableName): TableShape | undefined {
    return this.shapes.get(tableId(t)) ?? [...this.shapes.entries()].find(([id]) => id.split('.').pop() === t.name)?.[1];
  }

  private foreign(m: JsMsg, what: string): Error {
    return errors.natsForeignStream(this.link.address.stream, `message ${m.seq} on ${m.subject} ${what}`);
  }

  private row(shape: TableShape | undefined, values: Record<string, unknown>): Row {
    if (shape === undefined) return Object.values(values);
    return shape.order.map((name) => (name in values ? fromJson(shape.types.get(name), values[name]) : undefined));
  }

  private before(shape: TableShape | undefined, image: 'key' | 'full' | undefined, values: Record<string, unknown>): Before {
    if (image === 'full' || shape === undefined) return { image: 'full', row: this.row(shape, values).map((v) => v ?? null) };
    return { image: 'key', key: shape.key.map((k) => fromJson(shape.types.get(k), values[k])) };
  }

  async *stream(_from: Position, options?: StreamOptions): AsyncIterable<ChangeEvent> {
    const { stream } = this.link.address;
    const s = subjects(stream);
    const consumer = await this.link.js.consumers.get(stream, this.job);
    const messages = await consumer.consume({ max_messages: 1_000 });
    const stop = () => void messages.close().catch(() => undefined);
    if (options?.signal?.aborted === true) stop();
    options?.signal?.addEventListener('abort', stop);
    /** The transaction being read: its commit position (as published) and the last index taken. */
    let open: { position: string; seen: number } | undefined;
    const take = (m: JsMsg, index: number): boolean => {
      if (open === undefined) throw this.foreign(m, 'is outside any transaction');
      if (index <= open.seen) return false;
      open.seen = index;
      return true;
    };
    try {
      for await (const m of messages) {
        if (m.seq <= this.floor) {
          m.ack();
          continue;
        }
        const json = parseJson(m.data);
        if (json === undefined) throw this.foreign(m, 'is not JSON');
        if (m.subject === s.tx) {
          const parsed = TxMessage.safeParse(json);
          if (!parsed.success) throw this.foreign(m, 'is not one of redb');
          const t = parsed.data;
          const at = String(m.seq) as Position;
          switch (t.kind) {
            case 'begin':
              // The same transaction again (its publisher was cut off inside it): go on after what was taken.
              if (open !== undefined && open.position === t.position && t.txId?.startsWith(COPY_TX) !== true) continue;
              // A new table's copy read again from the start (its publisher was cut off inside it): it empties the table first.
              if (open !== undefined && t.txId?.startsWith(COPY_TX) === true) {
                open = { position: t.position, seen: -1 };
                continue;
              }
              if (open !== undefined) throw this.foreign(m, `begins a transaction inside another (${open.position})`);
              open = { position: t.position, seen: -1 };
              yield { kind: 'begin', transaction: t.txId ?? undefined };
              break;
            case 'commit':
              if (open === undefined) {
                // A commit published twice: nothing to apply, but a position to record.
                this.acks.set(at, m);
                yield { kind: 'heartbeat', position: at, at: new Date().toISOString() };
                break;
              }
              open = undefined;
              this.acks.set(at, m);
              yield { kind: 'commit', position: at, committedAt: t.committedAt ?? undefined };
              break;
            case 'snapshot':
              if (open !== undefined) throw this.foreign(m, 'starts a snapshot inside a transaction');
              // A new snapshot replaces what the tables hold.
              this.acks.set(at, m);
              yield { kind: 'begin', transaction: undefined };
              yield { kind: 'truncate', tables: this.tables, cascade: false, restartIdentity: false };
              yield { kind: 'commit', position: at, committedAt: undefined };
              break;
            case 'heartbeat':
            case 'snapshot-end':
              if (open !== undefined) break;
              this.acks.set(at, m);
              yield { kind: 'heartbeat', position: at, at: t.kind === 'heartbeat' ? t.at : new Date().toISOString() };
              break;
          }
          continue;
        }
        // The publisher's own state (nats-state.ts): nothing to apply (the next commit's acknowledgement covers it).
        if (m.subject === s.state) continue;
        if (m.subject === s.schema) {
          const parsed = SchemaMessage.safeParse(json);
          if (!parsed.success) throw this.foreign(m, 'is not a redb schema');
          // Sent before the transaction whose relations it explains: the tables' shapes follow from their relations.
          if (m.seq > this.schemaSeq) {
            this.latest = parsed.data.schema;
            this.schemaSeq = m.seq;
          }
          continue;
        }
        if (m.subject === s.relation) {
          const parsed = RelationMessage.safeParse(json);
          if (!parsed.success) throw this.foreign(m, 'is not a redb relation');
          const r = parsed.data;
          if (!take(m, r.index)) continue;
          const table = { schema: r.table.schema, name: r.table.name };
          // Values from here on are in this order, of the types the latest schema gives.
          const now = this.latest.tables.find((t) => t.name === table.name && (table.schema === undefined || t.schema === table.schema));
          const old = this.shapeOf(table);
          const known = now === undefined ? (old?.types ?? new Map<string, ColumnType>()) : columnTypes(now);
          // A column the relation defines (the source's shape at that point of its log) is of that type, whatever the latest schema says.
          const types = new Map(known);
          for (const c of r.columns) if (c.column !== undefined) types.set(c.name, c.column.type);
          this.shapes.set(now === undefined ? tableId(table) : tableId(now), {
            order: r.columns.map((c) => c.name),
            key: r.columns.filter((c) => c.key).map((c) => c.name),
            types,
          });
          // The renames the source's statement stated, as a direct job reads them from the statement itself.
          if (r.renames !== undefined) yield { kind: 'schema', statement: '', database: table.schema, renames: r.renames };
          yield { kind: 'relation', table, columns: r.columns, identity: r.identity };
          continue;
        }
        const parsed = RowEnvelope.safeParse(json);
        if (!parsed.success) throw this.foreign(m, 'is not a redb change event');
        const e = parsed.data;
        if (!take(m, e.source.index)) continue;
        const table: TableName = { schema: e.source.schema ?? undefined, name: e.source.table };
        const shape = this.shapeOf(table);
        switch (e.op) {
          case 'r':
          case 'c':
            if (e.after === null) throw this.foreign(m, 'inserts no row');
            yield { kind: 'insert', table, row: this.row(shape, e.after) };
            break;
          case 'u':
            if (e.after === null) throw this.foreign(m, 'updates to no row');
            yield {
              kind: 'update',
              table,
              before: e.before === null ? undefined : this.before(shape, e.redb.image, e.before),
              row: this.row(shape, e.after),
              unchanged: e.redb.unchanged ?? [],
            };
            break;
          case 'd':
            if (e.before === null) throw this.foreign(m, 'deletes no row');
            yield { kind: 'delete', table, before: this.before(shape, e.redb.image, e.before) };
            break;
          case 't':
            yield { kind: 'truncate', tables: [table], cascade: e.redb.cascade === true, restartIdentity: false };
            break;
        }
      }
    } finally {
      options?.signal?.removeEventListener('abort', stop);
      await messages.close().catch(() => undefined);
    }
  }

  /** The target committed through `position`: the consumer's acknowledgement covers every message before it. */
  async acknowledge(position: Position): Promise<void> {
    const m = this.acks.get(position);
    if (m !== undefined) m.ack();
    const upTo = Number(position);
    for (const key of [...this.acks.keys()]) if (Number(key) <= upTo) this.acks.delete(key);
  }

  prepare(): Promise<Handoff> {
    return Promise.reject(new Error('a JetStream stream has no snapshot hand-off: its publisher sends the snapshot'));
  }

  async status(): Promise<CaptureStatus> {
    const info = await this.link.jsm.consumers.info(this.link.address.stream, this.job);
    return {
      job: this.job,
      exists: true,
      active: undefined,
      head: String(info.delivered.stream_seq + info.num_pending) as Position,
      confirmed: String(info.ack_floor.stream_seq) as Position,
      retainedBytes: undefined,
      lagBytes: undefined,
      pendingChanges: info.num_pending + info.num_ack_pending,
      lost: undefined,
    };
  }

  async drop(): Promise<void> {
    await this.link.jsm.consumers.delete(this.link.address.stream, this.job).catch(() => undefined);
  }

  async close(): Promise<void> {}
}
