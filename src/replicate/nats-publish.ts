import type { PubAck } from '@nats-io/jetstream';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { loadChanges, type Before, type ChangeCapture, type ChangeEvent, type ColumnRename, type Handoff, type Position } from '../adapters/changes.js';
import type { TableName } from '../adapters/rows.js';
import type { Row } from '../adapters/rows.js';
import { loadRows } from '../adapters/registry.js';
import { maskTableOf } from '../policy/index.js';
import type { CloneRequest } from './clone.js';
import { PublishedTables, type Shape } from './nats-tables.js';
import { redactUrl } from '../adapters/url.js';
import { errors, isRedbError } from '../errors.js';
import type { Schema, Table } from '../unified/index.js';
import { introspect, type Endpoint } from './endpoint.js';
import type { JobEvent, JobResult } from './job.js';
import {
  COPY_TX,
  encodeRow,
  ENVELOPE_VERSION,
  messageId,
  parseJson,
  relationMessage,
  SchemaMessage,
  subjects,
  tableSubject,
  TxMessage,
  type RowEnvelope,
} from './nats-envelope.js';
import type { JobRecords } from './job-record.js';
import { NatsJobRecord } from './nats-job.js';
import { ensureStream, lastOn, openNats, type NatsLink } from './nats-link.js';
import { PublishedStates } from './nats-state.js';
import type { NatsAddress } from './nats-url.js';
import { tableId } from './schema-phases.js';

/**
 * A source's change stream published to a JetStream stream: the source's schema, a snapshot of
 * its rows (`op: "r"`), then every committed transaction (`c`/`u`/`d`/`t`), each framed by a begin
 * and a commit on `<stream>._meta.tx` that carry the source's position. A transaction is published
 * whole once the source committed it, with message ids made of that position and the event's
 * index, and the source is acknowledged only after JetStream acknowledged every message: a
 * publisher killed at any instant starts again after the stream's last commit, and what it
 * publishes twice JetStream drops by id.
 */

export interface PublishRequest {
  /** Where the job's record is kept (the project's `.redb/state/replicate/`). */
  readonly records: JobRecords;
  readonly job: string;
  readonly source: Endpoint;
  readonly sourceUrl: string;
  readonly nats: NatsAddress;
  readonly tables?: readonly string[] | undefined;
  /** The policy masks every value before it is published (denied tables are not published at all). */
  readonly masker?: CloneRequest['masker'];
  readonly heartbeatMs?: number | undefined;
  readonly onEvent?: ((e: JobEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Publishes in flight before they are waited for. */
const WINDOW = 2_000;
const SNAPSHOT_BATCH = 1_000;

/** Publishes in order on one connection, waiting for JetStream's acknowledgements in windows. */
class Outbox {
  private pending: Promise<PubAck>[] = [];
  constructor(private readonly link: NatsLink) {}

  async send(subject: string, body: unknown, id?: string): Promise<void> {
    this.pending.push(this.link.js.publish(subject, JSON.stringify(body), id === undefined ? undefined : { msgID: id }));
    if (this.pending.length >= WINDOW) await this.flush();
  }

  /** Every message sent is stored in the stream. */
  async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    await Promise.all(waiting);
  }
}

/** The database's own name, for the envelope's `source.db`. */
function dbNameOf(url: string): string {
  if (/^(sqlite|duckdb):/i.test(url)) return basename(url.replace(/^[a-z]+:(\/\/)?/i, ''));
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || url;
  } catch {
    return url;
  }
}

/** What the stream says about where the publisher stopped. */
type Resume = { readonly snapshot: true } | { readonly snapshot: false; readonly from: string; readonly recopy?: string | undefined };

function resumeFrom(last: TxMessage | undefined): Resume {
  if (last === undefined) return { snapshot: true };
  switch (last.kind) {
    case 'snapshot':
      return { snapshot: true };
    case 'begin':
      // Cut off inside a transaction: it comes again, with the same ids; a new table's copy is read again.
      if (last.snapshot) return { snapshot: true };
      return last.txId?.startsWith(COPY_TX) === true
        ? { snapshot: false, from: last.after, recopy: last.txId.slice(COPY_TX.length) }
        : { snapshot: false, from: last.after };
    case 'commit':
      return last.snapshot ? { snapshot: true } : { snapshot: false, from: last.position };
    case 'heartbeat':
    case 'snapshot-end':
      return { snapshot: false, from: last.position };
  }
}

/** Set-ups a publisher tries before it gives up on a source whose tables keep changing under its snapshot. */
const SETUP_ATTEMPTS = 3;

export async function publishToNats(req: PublishRequest): Promise<JobResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishOnce(req);
    } catch (e) {
      if (!isRedbError(e, 'REDB_REPLICATE_HANDOFF_MOVED') || attempt >= SETUP_ATTEMPTS || req.signal?.aborted === true) throw e;
      req.onEvent?.({ type: 'retry', attempt, inMs: 0, error: e.message });
    }
  }
}

/**
 * Tables whose columns at the hand-off (the snapshot's, where the source can say) are not those
 * the catalog gave before it: a column added, dropped or renamed while the slot was being made.
 * Their rows would go out in the catalog's shape, without what the snapshot holds of the change.
 * A generated column the stream leaves out (PostgreSQL's) is not a difference.
 */
function movedSince(handoff: Handoff, tables: readonly Table[]): string[] {
  return tables
    .filter((t) => {
      const at = handoff.columnsAt?.({ schema: t.schema, name: t.name });
      if (at === undefined) return false;
      const catalog = new Set(t.columns.map((c) => c.name));
      const snapshot = new Set(at.map((c) => c.name));
      return at.some((c) => !catalog.has(c.name)) || t.columns.some((c) => c.generated === undefined && !snapshot.has(c.name));
    })
    .map(tableId);
}

async function publishOnce(req: PublishRequest): Promise<JobResult> {
  const { source, signal, job } = req;
  const onEvent = req.onEvent ?? (() => undefined);
  const stream = req.nats.stream;
  const s = subjects(stream);
  const plane = await loadChanges(source.engine);
  await plane.check(source.target, { signal });
  const link = await openNats(req.nats, job);
  let record: NatsJobRecord | undefined;
  let capture: ChangeCapture | undefined;
  let position = '';
  try {
    await ensureStream(link);
    const lastSchema = await lastOn(link, s.schema);
    const knownSchema = lastSchema === undefined ? undefined : SchemaMessage.safeParse(parseJson(lastSchema.data));
    if (knownSchema?.success === true && knownSchema.data.source !== req.sourceUrl) throw errors.natsStreamTaken(stream, redactUrl(knownSchema.data.source));
    const lastTxMsg = await lastOn(link, s.tx);
    const lastTx = lastTxMsg === undefined ? undefined : TxMessage.safeParse(parseJson(lastTxMsg.data));
    if (lastTx !== undefined && !lastTx.success) throw errors.natsForeignStream(stream, `message ${lastTxMsg?.seq ?? '?'} on ${s.tx} is not one of redb's`);
    const resume = resumeFrom(lastTx?.data);

    const live = await introspect(source, signal);
    const masker = req.masker?.compile(live.tables.map(maskTableOf));
    record = await NatsJobRecord.open(req.records, job, req.sourceUrl, req.nats.url, req.tables, onEvent, {
      mask: masker === undefined || req.masker === undefined ? null : { file: req.masker.file, ...masker.fingerprint },
    });
    const command = [
      'redb replicate',
      source.name,
      req.nats.name,
      `--name ${job}`,
      ...(req.tables === undefined || req.tables.length === 0 ? [] : [`--tables ${req.tables.join(',')}`]),
      ...(req.masker === undefined ? [] : [`--mask ${req.masker.file}`]),
    ].join(' ');
    const options = { source, tables: req.tables, masker, policyFile: req.masker?.file, record, command, signal };
    let selected = new PublishedTables(options, live, [], []).inJob(live.tables);
    // Resumed: tables the stream has not described yet are new ones, published with their rows by the first look for them.
    if (!resume.snapshot && knownSchema?.success === true) {
      const had = new Set(knownSchema.data.schema.tables.map(tableId));
      selected = selected.filter((t) => had.has(tableId(t)));
    }
    const known = !resume.snapshot && knownSchema?.success === true ? knownSchema.data.schema.tables : selected;
    const tables = new PublishedTables(options, live, selected, known);
    await tables.recordPauses(known);
    const schema = tables.schema;
    const shapeOf = (t: TableName): Shape | undefined => tables.shapeOf(t);

    capture = await plane.open(source.target, job, { signal });
    const outbox = new Outbox(link);
    // A new or changed schema goes first: a consumer makes its tables from it. Before a snapshot, once its hand-off is known
    // to have the catalog's columns: a schema sent and then found stale would be the one a new consumer makes its tables from.
    const sendSchema = async () => {
      if (resume.snapshot || knownSchema?.success !== true || JSON.stringify(knownSchema.data.schema.tables) !== JSON.stringify(schema.tables)) {
        const message: SchemaMessage = { redb: ENVELOPE_VERSION, kind: 'schema', source: req.sourceUrl, schema };
        await outbox.send(s.schema, message);
      }
    };
    if (!resume.snapshot) await sendSchema();
    const db = dbNameOf(source.target.url);
    const envelope = (
      op: RowEnvelope['op'],
      t: TableName,
      before: Record<string, unknown> | null,
      after: Record<string, unknown> | null,
      at: string,
      index: number,
      tx: { id: string | undefined; committedAt: string | undefined } | undefined,
      redb: Omit<RowEnvelope['redb'], 'v'> = {},
    ): RowEnvelope => ({
      before,
      after,
      op,
      ts_ms: Date.now(),
      source: {
        version: `redb-${ENVELOPE_VERSION}`,
        connector: 'redb',
        name: stream,
        ts_ms: tx?.committedAt === undefined ? Date.now() : Date.parse(tx.committedAt),
        snapshot: tx === undefined ? 'true' : 'false',
        db,
        schema: t.schema ?? null,
        table: t.name,
        position: at,
        txId: tx?.id ?? null,
        index,
      },
      transaction: tx === undefined ? null : { id: at, total_order: index + 1, data_collection_order: index + 1 },
      redb: { v: ENVELOPE_VERSION, ...redb },
    });

    let from: Position;
    /** The source stream's state at the hand-off (the tables' shapes there), where the source has one. */
    let handoffState: string | undefined;
    if (resume.snapshot) {
      const names = selected.map((t) => ({ schema: t.schema, name: t.name }));
      const handoff = await capture.prepare(names, { signal });
      let rows = 0;
      try {
        const moved = movedSince(
          handoff,
          selected.filter((t) => shapeOf(t)?.paused === undefined),
        );
        if (moved.length > 0) throw errors.replicateHandoffMoved(job, source.name, moved);
        await sendSchema();
        const start = handoff.start as string;
        await outbox.send(s.tx, {
          redb: ENVELOPE_VERSION,
          kind: 'snapshot',
          position: start,
          tables: names.map((n) => (n.schema === undefined ? { name: n.name } : n)),
        } satisfies TxMessage);
        const snapshot = await handoff.openSnapshot({ jobs: 1 });
        try {
          const reader = snapshot.readers[0];
          if (reader === undefined) throw new Error('a snapshot with no reader');
          let batch = 0;
          for (const t of selected) {
            const shape = shapeOf(t) as Shape;
            if (shape.paused !== undefined) continue;
            const mask = tables.mask(shape, shape.columns);
            const name = { schema: t.schema, name: t.name };
            let n = 0;
            for await (const chunk of reader.readBatches(name, { columns: shape.columns, key: t.primaryKey?.columns, batchRows: SNAPSHOT_BATCH })) {
              signal?.throwIfAborted();
              const at = `${start}#${batch++}`;
              await outbox.send(
                s.tx,
                { redb: ENVELOPE_VERSION, kind: 'begin', position: at, after: start, txId: null, snapshot: true, events: chunk.length } satisfies TxMessage,
                `${at}:b`,
              );
              for (const row of chunk) {
                await outbox.send(
                  tableSubject(stream, name),
                  envelope('r', name, null, encodeRow(source.engine, shape.types, shape.columns, row, mask), at, n, undefined),
                  messageId(at, n),
                );
                n++;
              }
              await outbox.send(
                s.tx,
                { redb: ENVELOPE_VERSION, kind: 'commit', position: at, committedAt: null, snapshot: true, events: chunk.length } satisfies TxMessage,
                `${at}:c`,
              );
              await outbox.flush();
              onEvent({ type: 'copy', event: { type: 'table', table: tableId(t), state: 'rows', rows: n, total: n, rowsPerSecond: 0 } });
            }
            rows += n;
            onEvent({ type: 'copy', event: { type: 'table', table: tableId(t), state: 'done', rows: n, total: n, rowsPerSecond: 0 } });
          }
        } finally {
          await snapshot.close();
        }
        await outbox.send(s.tx, { redb: ENVELOPE_VERSION, kind: 'snapshot-end', position: start, rows } satisfies TxMessage, `snapshot-end:${start}`);
        await outbox.flush();
      } catch (e) {
        if (signal?.aborted === true) throw errors.replicateCopyInterrupted(job, signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT').because(e);
        throw e;
      } finally {
        await handoff.close();
      }
      from = handoff.start;
      handoffState = handoff.state;
      await capture.acknowledge(from);
      onEvent({ type: 'copied', tables: selected.length, rows, position: from });
    } else {
      from = plane.position(resume.from);
    }
    const states = await PublishedStates.open(link, stream);
    // Resumed: the source stream's state where it stopped (the tables' shapes there), not the catalog's now; after a
    // snapshot, the state at its hand-off, kept for a publisher that resumes before the stream changed it.
    if (handoffState !== undefined) await states.publish(from, handoffState);
    const found = resume.snapshot ? { state: handoffState } : await states.at(from, (a, b) => plane.compare(a, b));
    if (found.lost === true)
      onEvent({
        type: 'warning',
        message: `the source's schema history at ${from} is no longer in ${stream} (removed by its limits): rows logged before a later schema change are named by the source's catalog as it is now`,
      });
    const state = found.state;
    await outbox.flush();
    position = from;
    onEvent({ type: 'streaming', from, resumed: !resume.snapshot });
    record.start(from);
    const changes: ChangesJob = {
      capture,
      link,
      outbox,
      stream,
      from,
      tables,
      source,
      sourceUrl: req.sourceUrl,
      envelope,
      engine: source.engine,
      heartbeatMs: req.heartbeatMs,
      signal,
      record,
      onEvent,
      states,
      state,
    };
    if (!resume.snapshot) {
      // A new table's copy cut off: read again whole. Tables made while the publisher was away: published now.
      const again = resume.recopy === undefined ? undefined : tables.all.find((x) => tableId(x.table) === resume.recopy);
      if (again !== undefined && again.paused === undefined) await copyTable(changes, again, from);
      await scanTables(changes, from);
    }
    position = await publishChanges(changes);
    await record.stop(position);
    return {
      job,
      copied: undefined,
      position,
      transactions: record.stats.transactions,
      changes: record.stats.changes,
      stoppedBy: typeof signal?.reason === 'string' ? signal.reason : undefined,
    };
  } catch (e) {
    await record?.stop(position, e);
    throw e;
  } finally {
    await capture?.close();
    await link.close().catch(() => undefined);
  }
}

type Envelope = (
  op: RowEnvelope['op'],
  t: TableName,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  at: string,
  index: number,
  tx: { id: string | undefined; committedAt: string | undefined } | undefined,
  redb?: Omit<RowEnvelope['redb'], 'v'>,
) => RowEnvelope;

interface ChangesJob {
  readonly capture: ChangeCapture;
  readonly link: NatsLink;
  readonly outbox: Outbox;
  readonly stream: string;
  readonly from: Position;
  readonly tables: PublishedTables;
  readonly source: Endpoint;
  readonly sourceUrl: string;
  readonly envelope: Envelope;
  readonly engine: Endpoint['engine'];
  readonly heartbeatMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly record: NatsJobRecord;
  readonly onEvent: (e: JobEvent) => void;
  /** The source stream's states, kept in the stream; and the one in effect at `from`. */
  readonly states: PublishedStates;
  readonly state: string | undefined;
}

const schemaMessage = (job: ChangesJob, schema: Schema): SchemaMessage => ({
  redb: ENVELOPE_VERSION,
  kind: 'schema',
  source: job.sourceUrl,
  schema,
});

/**
 * A table new in the stream, published whole as one transaction at the position already published
 * (`after`): its shape, an emptying, then its rows. Changes captured since it joined replay over
 * them by key. Cut off, it is read again whole (its begin says which table), under new ids.
 */
async function copyTable(job: ChangesJob, shape: Shape, after: Position): Promise<void> {
  const { outbox, stream } = job;
  const s = subjects(stream);
  const nonce = randomBytes(6).toString('hex');
  const id = (x: string | number) => `copy-${nonce}:${x}`;
  const name = { schema: shape.table.schema, name: shape.table.name };
  const at = after as string;
  const begin: TxMessage = {
    redb: ENVELOPE_VERSION,
    kind: 'begin',
    position: at,
    after: at,
    txId: `${COPY_TX}${tableId(shape.table)}`,
    snapshot: false,
    events: 0,
  };
  await outbox.send(s.tx, begin, id('b'));
  const columns = shape.columns.map((c) => ({ name: c, type: shape.table.columns.find((x) => x.name === c)?.type.native ?? '', key: shape.key.includes(c) }));
  await outbox.send(s.relation, relationMessage(at, 0, name, columns, 'key'), id(0));
  await outbox.send(tableSubject(stream, name), job.envelope('t', name, null, null, at, 1, undefined, { cascade: false }), id(1));
  const mask = job.tables.mask(shape, shape.columns);
  const rows = await (await loadRows(job.engine)).openSource(job.source.target, { jobs: 1 });
  let i = 2;
  try {
    const reader = rows.readers[0];
    if (reader !== undefined)
      for await (const batch of reader.readBatches(name, { columns: shape.columns, key: shape.key, batchRows: SNAPSHOT_BATCH })) {
        job.signal?.throwIfAborted();
        for (const row of batch) {
          await outbox.send(
            tableSubject(stream, name),
            job.envelope('r', name, null, encodeRow(job.engine, shape.types, shape.columns, row, mask), at, i, undefined),
            id(i),
          );
          i++;
        }
      }
  } finally {
    await rows.close();
  }
  await outbox.send(s.tx, { redb: ENVELOPE_VERSION, kind: 'commit', position: at, committedAt: null, snapshot: false, events: i } satisfies TxMessage, id('c'));
  await outbox.flush();
  job.onEvent({ type: 'schema', table: tableId(shape.table), change: `new table, ${i - 2} rows published`, statements: 0 });
}

/** Tables new on the source: captured from now on, described in the stream, and published whole. */
async function scanTables(job: ChangesJob, after: Position): Promise<void> {
  const fresh = await job.tables.fresh();
  if (fresh.length === 0) return;
  await job.capture.include?.(fresh.map((t) => ({ schema: t.schema, name: t.name })));
  await job.outbox.send(subjects(job.stream).schema, schemaMessage(job, job.tables.schema));
  for (const t of fresh) {
    const shape = job.tables.shapeOf(t);
    if (shape !== undefined && shape.paused === undefined) await copyTable(job, shape, after);
  }
}

/** An event of a transaction, made into a message once the commit's position (its id) is known. */
type Pending = (at: string, index: number, tx: { id: string | undefined; committedAt: string | undefined }) => { subject: string; body: unknown };

/** Every committed transaction after `from`, until the signal aborts; the last position published and acknowledged. */
async function publishChanges(job: ChangesJob): Promise<Position> {
  const { capture, outbox, stream, envelope, engine } = job;
  const s = subjects(stream);
  let after: Position = job.from;
  let tx: { id: string | undefined; events: Pending[]; changes: number } | undefined;
  const shapeOf = (t: TableName) => job.tables.shapeOf(t);
  /** Not published: a table outside the job, or one paused. */
  const skip = (shape: Shape | undefined): shape is undefined => shape === undefined || shape.paused !== undefined;
  const encode = (shape: Shape, row: Row) => encodeRow(engine, shape.types, shape.columns, row, job.tables.mask(shape, shape.columns));
  const beforeOf = (shape: Shape, b: Before): { image: 'key' | 'full'; values: Record<string, unknown> } => {
    if (b.image === 'full') return { image: 'full', values: encode(shape, b.row) };
    return { image: 'key', values: encodeRow(engine, shape.types, shape.key, b.key as Row, job.tables.mask(shape, shape.key)) };
  };
  let scanned = Date.now();
  const scanMs = Math.min(10_000, Math.max(2_000, 4 * (job.heartbeatMs ?? 10_000)));
  const scan = async () => {
    if (Date.now() - scanned < scanMs) return;
    scanned = Date.now();
    await scanTables(job, after);
  };
  // Renames the source's log stated in the transaction being read, for its relations (a consumer cannot see the statement).
  let stated: readonly ColumnRename[] = [];
  for await (const e of capture.stream(job.from, { signal: job.signal, heartbeatMs: job.heartbeatMs, state: job.state }) as AsyncIterable<ChangeEvent>) {
    switch (e.kind) {
      case 'begin':
        tx = { id: e.transaction, events: [], changes: 0 };
        break;
      case 'relation': {
        const shape = shapeOf(e.table);
        if (shape === undefined) break;
        // Values from here on are in this shape; the stream's schema follows it, published before this transaction.
        await job.tables.follow(shape, e.columns);
        if (shape.paused !== undefined) break;
        const renames = stated;
        tx?.events.push((at, i) => ({ subject: s.relation, body: relationMessage(at, i, e.table, e.columns, e.identity, renames) }));
        break;
      }
      case 'insert': {
        const shape = shapeOf(e.table);
        if (skip(shape)) break;
        const after_ = encode(shape, e.row);
        tx?.events.push((at, i, t) => ({ subject: tableSubject(stream, e.table), body: envelope('c', e.table, null, after_, at, i, t) }));
        if (tx !== undefined) tx.changes++;
        break;
      }
      case 'update': {
        const shape = shapeOf(e.table);
        if (skip(shape)) break;
        const after_ = encode(shape, e.row);
        const before = e.before === undefined ? undefined : beforeOf(shape, e.before);
        const unchanged = e.unchanged.length > 0 ? { unchanged: [...e.unchanged] } : {};
        tx?.events.push((at, i, t) => ({
          subject: tableSubject(stream, e.table),
          body: envelope('u', e.table, before?.values ?? null, after_, at, i, t, { ...(before === undefined ? {} : { image: before.image }), ...unchanged }),
        }));
        if (tx !== undefined) tx.changes++;
        break;
      }
      case 'delete': {
        const shape = shapeOf(e.table);
        if (skip(shape)) break;
        const before = beforeOf(shape, e.before);
        tx?.events.push((at, i, t) => ({
          subject: tableSubject(stream, e.table),
          body: envelope('d', e.table, before.values, null, at, i, t, { image: before.image }),
        }));
        if (tx !== undefined) tx.changes++;
        break;
      }
      case 'truncate':
        for (const table of e.tables.filter((x) => !skip(shapeOf(x))))
          tx?.events.push((at, i, t) => ({ subject: tableSubject(stream, table), body: envelope('t', table, null, null, at, i, t, { cascade: e.cascade }) }));
        if (tx !== undefined) tx.changes++;
        break;
      case 'commit': {
        stated = [];
        const at = e.position as string;
        const t = { id: tx?.id, committedAt: e.committedAt };
        const events = tx?.events ?? [];
        const changed = job.tables.takeSchema();
        if (changed !== undefined) await outbox.send(s.schema, schemaMessage(job, changed), `${at}:s`);
        // Stored before the transaction: a publisher resuming at its position or later reads its rows by it.
        if (e.state !== undefined) await job.states.publish(e.position, e.state);
        await outbox.send(
          s.tx,
          { redb: ENVELOPE_VERSION, kind: 'begin', position: at, after, txId: t.id ?? null, snapshot: false, events: events.length } satisfies TxMessage,
          `${at}:b`,
        );
        for (const [i, make] of events.entries()) {
          const { subject, body } = make(at, i, t);
          await outbox.send(subject, body, messageId(at, i));
        }
        await outbox.send(
          s.tx,
          {
            redb: ENVELOPE_VERSION,
            kind: 'commit',
            position: at,
            committedAt: e.committedAt ?? null,
            snapshot: false,
            events: events.length,
          } satisfies TxMessage,
          `${at}:c`,
        );
        await outbox.flush();
        // Stored in the stream: only now may the source free its log.
        await capture.acknowledge(e.position);
        after = e.position;
        const lag = e.committedAt === undefined ? [] : [Math.max(0, Date.now() - Date.parse(e.committedAt))];
        job.record.stats.add({ position: e.position, transactions: 1, changes: tx?.changes ?? 0, lags: lag });
        tx = undefined;
        await scan();
        break;
      }
      case 'heartbeat':
        if (tx !== undefined) break;
        if (e.state !== undefined) await job.states.publish(e.position, e.state);
        await outbox.send(
          s.tx,
          { redb: ENVELOPE_VERSION, kind: 'heartbeat', position: e.position, at: e.at } satisfies TxMessage,
          `hb:${e.position as string}`,
        );
        await outbox.flush();
        await capture.acknowledge(e.position);
        after = e.position;
        job.record.stats.position = e.position;
        await scan();
        break;
      case 'schema':
        stated = [...stated, ...(e.renames ?? [])];
        break;
      case 'message':
        break;
    }
  }
  return after;
}
