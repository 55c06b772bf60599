import { z } from 'zod';
import type { ChangeColumn, ColumnRename } from '../adapters/changes.js';
import type { Row, TableName } from '../adapters/rows.js';
import { Column, Schema, type ColumnType, type Engine, type Table } from '../unified/index.js';
import { decoder } from './values.js';

/**
 * What redb writes into a JetStream stream, and reads back: row changes in Debezium's event
 * envelope (`before`/`after`/`source`/`op`/`ts_ms`, with schemas off), one subject per table, so a
 * consumer built for Debezium reads them as they are; and, beside them on `<stream>._meta.*`,
 * what a redb consumer needs to apply them exactly once: transaction boundaries with the source's
 * position, table shapes, and the source's schema. Everything read back is validated here.
 *
 * Values travel in portable form (values.ts) as JSON: integers as numbers (as strings beyond 2^53),
 * decimals as strings of digits, binary as base64 (Debezium's `bytes` mode), floats that JSON has
 * no number for as text; dates and times as the text values.ts gives them.
 */

export const ENVELOPE_VERSION = 1;
/** The stream's description marks it as redb's. */
export const STREAM_DESCRIPTION = 'redb change stream (Debezium envelope)';

export const subjects = (stream: string) => ({
  all: `${stream}.>`,
  tx: `${stream}._meta.tx`,
  schema: `${stream}._meta.schema`,
  relation: `${stream}._meta.relation`,
  state: `${stream}._meta.state`,
});

/** A subject token from a name: NATS tokens may not hold dots, wildcards or spaces. */
const token = (name: string): string => name.replace(/[.*>\s]/g, '_') || '_';

/** `<stream>.<schema>.<table>`; a table with no schema (SQLite) sits under `main`, as SQLite calls it. */
export const tableSubject = (stream: string, t: TableName): string => `${stream}.${token(t.schema ?? 'main')}.${token(t.name)}`;

/** JetStream's id for a message: the same event published again after a restart gets the same id, and is dropped. */
export const messageId = (position: string, index: number): string => `${position}:${index}`;

/** A begin whose `txId` starts so is a new table's copy (the publisher found the table while streaming), not a source transaction. */
export const COPY_TX = 'copy ';

// ---- values ----

/**
 * Values of one table's columns, made portable and JSON-safe, by column name; `mask` (the policy's,
 * columns in the same order) runs on the portable values, before anything is encoded.
 */
export function encodeRow(
  engine: Engine,
  types: ReadonlyMap<string, ColumnType>,
  columns: readonly string[],
  row: Row,
  mask?: ((row: unknown[]) => void) | undefined,
): Record<string, unknown> {
  const values = columns.map((name, i) => {
    const raw = row[i];
    if (raw === undefined || raw === null) return raw;
    const type = types.get(name);
    return type === undefined ? raw : decoder(engine, type)(raw);
  });
  if (mask !== undefined) {
    // Not sent by the source (an unchanged TOAST value): stays unsent, masked or not.
    const unsent = values.map((v) => v === undefined);
    for (let i = 0; i < values.length; i++) if (unsent[i]) values[i] = null;
    mask(values);
    for (let i = 0; i < values.length; i++) if (unsent[i]) values[i] = undefined;
  }
  const out: Record<string, unknown> = {};
  columns.forEach((name, i) => {
    // Not sent by the source (an unchanged TOAST value): left out, and named in `redb.unchanged`.
    if (values[i] === undefined) return;
    out[name] = jsonValue(values[i]);
  });
  return out;
}

function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** A JSON value back as values.ts's portable form (decoders take the rest as it is). */
export function fromJson(type: ColumnType | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type?.kind === 'binary' && typeof v === 'string') return Buffer.from(v, 'base64');
  if (type?.kind === 'integer' && typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

// ---- messages ----

const Json = z.unknown();
const Position = z.string().min(1);

/** Debezium's `source` block, with redb's own fields (`position`, `txId`, `index`). */
const Source = z.object({
  version: z.string(),
  connector: z.literal('redb'),
  name: z.string(),
  ts_ms: z.number(),
  snapshot: z.enum(['true', 'false', 'last']),
  db: z.string(),
  schema: z.string().nullable(),
  table: z.string(),
  position: Position,
  txId: z.string().nullable(),
  index: z.number().int().nonnegative(),
});

export const RowEnvelope = z.object({
  before: z.record(z.string(), Json).nullable(),
  after: z.record(z.string(), Json).nullable(),
  source: Source,
  op: z.enum(['r', 'c', 'u', 'd', 't']),
  ts_ms: z.number(),
  transaction: z.object({ id: z.string(), total_order: z.number(), data_collection_order: z.number() }).nullable(),
  /** What a plain Debezium event cannot say: which before-image, which values were not sent. */
  redb: z.object({
    v: z.literal(ENVELOPE_VERSION),
    image: z.enum(['key', 'full']).optional(),
    unchanged: z.array(z.string()).optional(),
    cascade: z.boolean().optional(),
  }),
});
export type RowEnvelope = z.infer<typeof RowEnvelope>;

const Table_ = z.object({ schema: z.string().optional(), name: z.string() });

/** `_meta.tx`: where transactions begin and end, and where a snapshot starts and ends. */
export const TxMessage = z.discriminatedUnion('kind', [
  z.object({
    redb: z.literal(ENVELOPE_VERSION),
    kind: z.literal('begin'),
    position: Position,
    after: Position,
    txId: z.string().nullable(),
    snapshot: z.boolean(),
    events: z.number().int(),
  }),
  z.object({
    redb: z.literal(ENVELOPE_VERSION),
    kind: z.literal('commit'),
    position: Position,
    committedAt: z.string().nullable(),
    snapshot: z.boolean(),
    events: z.number().int(),
  }),
  z.object({ redb: z.literal(ENVELOPE_VERSION), kind: z.literal('heartbeat'), position: Position, at: z.string() }),
  /** A snapshot begins: a consumer empties the tables, then takes the `r` rows that follow. */
  z.object({ redb: z.literal(ENVELOPE_VERSION), kind: z.literal('snapshot'), position: Position, tables: z.array(Table_) }),
  /** The snapshot is whole: changes from `position` on follow. */
  z.object({ redb: z.literal(ENVELOPE_VERSION), kind: z.literal('snapshot-end'), position: Position, rows: z.number().int() }),
]);
export type TxMessage = z.infer<typeof TxMessage>;

/** `_meta.schema`: the source's schema (the job's tables), before a snapshot and whenever it changes. */
export const SchemaMessage = z.object({
  redb: z.literal(ENVELOPE_VERSION),
  kind: z.literal('schema'),
  /** The source, as given (passwords as `${VAR}`): one stream carries one source. */
  source: z.string(),
  schema: Schema,
});
export type SchemaMessage = z.infer<typeof SchemaMessage>;

/** `_meta.relation`: a table's shape from here on, as the source's log reports it (ChangeEvent 'relation'). */
export const RelationMessage = z.object({
  redb: z.literal(ENVELOPE_VERSION),
  kind: z.literal('relation'),
  position: Position,
  index: z.number().int().nonnegative(),
  table: Table_,
  /** `column`: the column's definition at this point of the log, where the source's stream knows it (a MariaDB/MySQL schema history). */
  columns: z.array(z.object({ name: z.string(), type: z.string(), key: z.boolean(), column: Column.optional() })),
  identity: z.enum(['key', 'full']),
  /** Columns renamed by the statement this shape follows, as the source's log states it (a MariaDB/MySQL `ALTER`): a consumer then follows a rename, not a drop and an add. */
  renames: z.array(z.object({ table: z.string(), from: z.string(), to: z.string() })).optional(),
});
export type RelationMessage = z.infer<typeof RelationMessage>;

/**
 * `_meta.state`: the source stream's own state from `position` on (a MariaDB/MySQL schema history:
 * each table's shape at that point of the binary log), published before the transaction it comes
 * with; `previous` is the sequence of the state before it, so a publisher resuming at an earlier
 * position finds the state in effect there. Nothing a consumer applies.
 */
export const StateMessage = z.object({
  redb: z.literal(ENVELOPE_VERSION),
  kind: z.literal('state'),
  position: Position,
  previous: z.number().int().positive().nullable(),
  state: z.string(),
});
export type StateMessage = z.infer<typeof StateMessage>;

export type MetaMessage = TxMessage | SchemaMessage | RelationMessage | StateMessage;

/** Column types of a table by name, for encoding and decoding its values. */
export const columnTypes = (t: Table): Map<string, ColumnType> => new Map(t.columns.map((c) => [c.name, c.type]));

export const relationMessage = (
  position: string,
  index: number,
  table: TableName,
  columns: readonly ChangeColumn[],
  identity: 'key' | 'full',
  renames: readonly ColumnRename[] = [],
): RelationMessage => ({
  redb: ENVELOPE_VERSION,
  kind: 'relation',
  position,
  index,
  table: table.schema === undefined ? { name: table.name } : { schema: table.schema, name: table.name },
  columns: columns.map((c) => ({ name: c.name, type: c.type, key: c.key, ...(c.column === undefined ? {} : { column: c.column }) })),
  identity,
  ...(renames.length === 0 ? {} : { renames: renames.map((r) => ({ table: r.table, from: r.from, to: r.to })) }),
});

/** Parse a message's JSON, or undefined when it is none (a foreign message). */
export function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
