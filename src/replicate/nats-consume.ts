import type { StoredMsg } from '@nats-io/jetstream';
import { openChangeTarget, type ChangeTarget } from '../adapters/change-apply.js';
import type { Position } from '../adapters/changes.js';
import { loadExpressionTranslator } from '../adapters/expressions/index.js';
import { errors } from '../errors.js';
import type { Schema, Table } from '../unified/index.js';
import { SchemaFollower } from './job-schema.js';
import { apply, introspect, type Endpoint } from './endpoint.js';
import type { JobEvent, JobResult } from './job.js';
import { applyStream } from './job-stream.js';
import { Routes } from './job-tables.js';
import { NatsCapture } from './nats-capture.js';
import { parseJson, SchemaMessage, subjects } from './nats-envelope.js';
import type { JobRecords } from './job-record.js';
import { NatsJobRecord } from './nats-job.js';
import { checkRedbStream, lastOn, nextOn, openNats, streamInfo, type NatsLink } from './nats-link.js';
import type { NatsAddress } from './nats-url.js';
import { plainGenerated, schemaPhases, selectTables, tableId, translateTables } from './schema-phases.js';

/**
 * A JetStream stream applied to a database of any engine, through a durable consumer named after
 * the job. The target's tables are made from the schema the publisher sent; the changes go through
 * the same apply loop as a database source's, each target transaction recording the stream
 * sequence of its last source commit in the target's position table. That record, not the
 * consumer, is where a restart goes on from: the consumer is made again to start just after it
 * when it does not already stand there.
 */

export interface ConsumeRequest {
  /** Where the job's record is kept (the project's `.redb/state/replicate/`). */
  readonly records: JobRecords;
  readonly job: string;
  readonly nats: NatsAddress;
  readonly target: Endpoint;
  readonly targetUrl: string;
  readonly tables?: readonly string[] | undefined;
  readonly allowLossy?: boolean | undefined;
  /** Columns dropped on the source are dropped on the target (else the table pauses). */
  readonly allowDrops?: boolean | undefined;
  readonly onEvent?: ((e: JobEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A consumer may hold this long before JetStream sends a message again (a large target transaction). */
const ACK_WAIT_NS = 10 * 60 * 1e9;

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function withTarget<T>(target: Endpoint, use: (t: ChangeTarget) => Promise<T>): Promise<T> {
  const t = await openChangeTarget(target.engine, target.target);
  try {
    return await use(t);
  } finally {
    await t.close();
  }
}

/**
 * The schema in effect at `from` (the last the publisher sent at or before it; the first, for a
 * target that has nothing yet): the target's tables have followed the stream up to there. An empty
 * stream is waited for, one holding only others' messages is refused.
 */
async function schemaAt(link: NatsLink, from: number, signal: AbortSignal | undefined): Promise<{ schema: Schema; seq: number } | undefined> {
  const { stream } = link.address;
  const subject = subjects(stream).schema;
  for (;;) {
    const last: StoredMsg | undefined = await lastOn(link, subject);
    if (last !== undefined) {
      // Message by message on the schema subject (few, and read once at start), each one request: no consumer to make.
      let at: StoredMsg = last;
      if (last.seq > from) {
        let next = await nextOn(link, subject, 1);
        if (next === undefined) throw errors.natsForeignStream(stream, `its schema message ${last.seq} cannot be read`);
        at = next;
        while (at.seq < last.seq) {
          next = await nextOn(link, subject, at.seq + 1);
          if (next === undefined || next.seq > from) break;
          at = next;
        }
      }
      const parsed = SchemaMessage.safeParse(parseJson(at.data));
      if (!parsed.success) throw errors.natsForeignStream(stream, `message ${at.seq} on ${at.subject} is not a redb schema`);
      return { schema: parsed.data.schema, seq: at.seq };
    }
    const info = await streamInfo(link);
    if (info !== undefined && info.state.messages > 0) throw errors.natsForeignStream(stream, `none of its ${info.state.messages} messages is a redb schema`);
    if (signal?.aborted === true) return undefined;
    await sleep(500, signal);
  }
}

/** The job's tables in the target, made from the source's schema where missing (no foreign keys: rows arrive table by table). */
async function prepareTables(req: ConsumeRequest, schema: Schema): Promise<{ tables: Table[]; target: Schema }> {
  const { target, signal } = req;
  const bare = withoutForeignKeys(schema);
  const tables = selectTables(bare.tables, req.tables, req.nats.name);
  const expressions = schema.engine === target.engine ? undefined : await loadExpressionTranslator(schema.engine, target.engine);
  const translated = translateTables(bare, tables, target.engine, req.allowLossy === true, target.name, expressions);
  const madePlain = plainGenerated(tables, translated.schema);
  if (madePlain.length > 0) throw errors.replicateGeneratedPlain(target.name, madePlain);
  const live = await introspect(target, signal);
  const phases = schemaPhases(translated.schema, live, target.adapter.dialect, { foreignKeysAtCreate: true, keysAfterLoad: false });
  const made = (await apply(target, phases.create, signal)) + (await apply(target, phases.finish, signal));
  return { tables, target: made > 0 ? await introspect(target, signal) : live };
}

/** Rows arrive table by table: a target made from the stream has no foreign keys to trip over. */
const withoutForeignKeys = (schema: Schema): Schema => ({ ...schema, tables: schema.tables.map((t) => ({ ...t, foreignKeys: [] })) });

/** The durable consumer, standing just after `from`: kept when it does, made again when it does not. */
async function placeConsumer(link: NatsLink, job: string, from: number): Promise<void> {
  const { stream } = link.address;
  const { AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream');
  const info = await link.jsm.consumers.info(stream, job).catch(() => undefined);
  if (info !== undefined && info.ack_floor.stream_seq === from && info.num_ack_pending === 0 && info.delivered.stream_seq === from) return;
  if (info !== undefined) await link.jsm.consumers.delete(stream, job);
  await link.jsm.consumers.add(stream, {
    durable_name: job,
    ack_policy: AckPolicy.All,
    ...(from === 0 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 }),
    filter_subject: subjects(stream).all,
    ack_wait: ACK_WAIT_NS,
    max_ack_pending: 100_000,
  });
}

export async function consumeFromNats(req: ConsumeRequest): Promise<JobResult> {
  const { job, target, signal } = req;
  const onEvent = req.onEvent ?? (() => undefined);
  const link = await openNats(req.nats, job);
  let record: NatsJobRecord | undefined;
  let position = '0';
  try {
    const info = await streamInfo(link);
    if (info === undefined) throw errors.natsStreamMissing(req.nats.name, req.nats.stream);
    await checkRedbStream(link, info);
    const stored = await withTarget(target, (t) => t.readPosition(job));
    if (stored !== undefined && stored.source !== req.nats.url) throw errors.replicateJobExists(job, stored.source, target.name);
    record = await NatsJobRecord.open(req.records, job, req.nats.url, req.targetUrl, req.tables, onEvent, { allowLossy: req.allowLossy });
    const jobRecord = record;
    position = stored?.position ?? '0';
    record.start(position);
    const from = Number(position);
    const initial = await schemaAt(link, from, signal);
    if (initial !== undefined) {
      const prepared = await prepareTables(req, initial.schema);
      const now = await streamInfo(link);
      // Messages the target still needs that the stream has let go of (its limits, a purge): a copy must start over.
      if (now !== undefined && now.state.messages > 0 && now.state.first_seq > from + 1)
        throw errors.changesPositionGone(req.nats.name, String(from), `the stream's first message is now ${now.state.first_seq}`);
      await placeConsumer(link, job, from);
      onEvent({ type: 'streaming', from: String(from), resumed: stored !== undefined });
      const capture = new NatsCapture(
        link,
        job,
        initial.schema,
        initial.seq,
        from,
        prepared.tables.map((t) => ({ schema: t.schema, name: t.name })),
      );
      const command = (allow: readonly string[] = []) => {
        const allowed = [...new Set([...(req.allowLossy === true ? ['lossy'] : []), ...(req.allowDrops === true ? ['drops-data'] : []), ...allow])];
        return [
          'redb replicate',
          req.nats.name,
          target.name,
          `--name ${job}`,
          ...(req.tables === undefined || req.tables.length === 0 ? [] : [`--tables ${req.tables.join(',')}`]),
          ...(allowed.length === 0 ? [] : [`--allow ${allowed.join(',')}`]),
        ].join(' ');
      };
      // The source is the stream: its schema is the one it last carried, in order with the rows.
      const follower = new SchemaFollower(
        {
          source: { engine: initial.schema.engine, schema: () => withoutForeignKeys(capture.latest) },
          target,
          renamesTo: async () => [],
          allowDrops: req.allowDrops === true,
          allowLossy: req.allowLossy === true,
          masker: undefined,
          policyFile: undefined,
          command,
          signal,
          onSchema: (e) => onEvent({ type: 'schema', table: e.table, change: e.change, statements: e.statements.length }),
          onPause: (route, reason, next) => jobRecord.pause(route.id, reason, next),
        },
        prepared.target,
      );
      const routes = new Routes(
        prepared.tables.flatMap((t) => {
          const r = follower.pairKnown(t);
          if (r === undefined) return [];
          // Paused before: its changes since were not applied, so it stays paused until copied afresh.
          const was = jobRecord.tablesState[r.id];
          if (was?.state === 'paused') r.paused = was.reason ?? 'paused';
          return [r];
        }),
      );
      const inScope = (t: Table) => req.tables === undefined || req.tables.length === 0 || req.tables.some((n) => n === tableId(t) || n === t.name);
      position = await withTarget(target, (t) =>
        applyStream({
          capture,
          target: t,
          routes,
          job,
          source: req.nats.url,
          from: String(from) as Position,
          signal,
          onCommit: (p) => jobRecord.stats.add(p),
          follow: (route, columns, tx, stated) => follower.follow(route, columns, tx, { stated }),
          // A table new on the source: the publisher sent its shape, then its rows in the same transaction.
          create: async (name, _columns, tx) => {
            const latest = withoutForeignKeys(capture.latest);
            const table = latest.tables.find((x) => x.name === name.name && (name.schema === undefined || x.schema === name.schema));
            if (table === undefined || !inScope(table) || table.primaryKey === undefined) return undefined;
            const made = await follower.create(table, latest, tx);
            if (made.route.paused === undefined) onEvent({ type: 'schema', table: made.route.id, change: 'new table', statements: made.statements.length });
            return made.route;
          },
        }),
      );
    }
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
    await link.close().catch(() => undefined);
  }
}
