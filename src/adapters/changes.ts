import { errors } from '../errors.js';
import type { Column, Engine } from '../unified/index.js';
import type { DbTarget } from './adapter.js';
import type { Capabilities } from './manifest.js';
import { manifestOf } from './registry.js';
import type { Row, RowSource, TableName } from './rows.js';

/**
 * The change plane of an adapter: every committed change of a source, read from the engine's own
 * log (PostgreSQL logical replication, the MariaDB/MySQL row binlog, SQLite capture triggers), in
 * commit order, with a snapshot hand-off so that an initial copy plus the changes after it are the
 * source exactly: nothing missed, nothing twice.
 *
 * Values travel as the rows plane (rows.ts) reads them from the same engine, so a change and a
 * copied row of one table look alike. Each engine's plane loads lazily (`loadChanges`).
 */

/**
 * A point in a source's change log: opaque, totally ordered per source (`ChangePlane.compare`), and
 * a string as it is, for storing in the target. Stored text comes back through `ChangePlane.position`.
 */
export type Position = string & { readonly __changePosition: true };

/** A column as the source describes it at that point of the stream. */
export interface ChangeColumn {
  readonly name: string;
  /** The type in the source's own spelling (`character varying(20)`, `int(11) unsigned`, `TEXT`). */
  readonly type: string;
  /** Part of what identifies a row in before-images (the primary key, or the replica identity). */
  readonly key: boolean;
  /**
   * The column's definition at this point of the stream, where the stream knows it (a MariaDB/MySQL
   * stream's schema history): the catalog may no longer have the column, or have it retyped.
   */
  readonly column?: Column | undefined;
}

/**
 * A table's shape from here on in the stream: sent before the first row of a table and again
 * whenever the source reports another shape, so a column added, dropped, renamed or retyped arrives
 * in order with the data. Row events hold one value per column, in this order.
 */
export interface RelationEvent {
  readonly kind: 'relation';
  readonly table: TableName;
  readonly columns: readonly ChangeColumn[];
  /** What before-images carry: the key columns only, or every column (no key to go by). */
  readonly identity: 'key' | 'full';
}

/** A row as it was: its key columns' values (in column order), or every column. */
export type Before = { readonly image: 'key'; readonly key: readonly unknown[] } | { readonly image: 'full'; readonly row: Row };

export interface BeginEvent {
  readonly kind: 'begin';
  /** The source's id of the transaction, where it has one. */
  readonly transaction: string | undefined;
}

/** The end of a transaction: applying everything since its `begin` brings the target to `position`. */
export interface CommitEvent {
  readonly kind: 'commit';
  readonly position: Position;
  /** When the source committed it (ISO 8601, UTC), where the log says. */
  readonly committedAt: string | undefined;
  /**
   * What the stream needs besides `position` to read on from there (MariaDB/MySQL: each table's
   * shape), when it changed: stored with the position, handed back as `StreamOptions.state`.
   */
  readonly state?: string | undefined;
}

export interface InsertEvent {
  readonly kind: 'insert';
  readonly table: TableName;
  readonly row: Row;
}

export interface UpdateEvent {
  readonly kind: 'update';
  readonly table: TableName;
  /** The row before, when the log has it: absent means the key did not change (it is in `row`). */
  readonly before: Before | undefined;
  readonly row: Row;
  /**
   * Columns the source did not send because they did not change (PostgreSQL's unchanged TOAST
   * values): their slot in `row` is `undefined`, never a value, and an applier leaves them alone.
   */
  readonly unchanged: readonly string[];
}

export interface DeleteEvent {
  readonly kind: 'delete';
  readonly table: TableName;
  readonly before: Before;
}

export interface TruncateEvent {
  readonly kind: 'truncate';
  readonly tables: readonly TableName[];
  readonly cascade: boolean;
  readonly restartIdentity: boolean;
}

/** A statement that changed the schema, as the source logged it (MariaDB/MySQL query events). */
export interface SchemaEvent {
  readonly kind: 'schema';
  readonly statement: string;
  /** The database the statement ran in. */
  readonly database: string | undefined;
  /** The column renames the statement states, for the relation events that follow it before its commit. */
  readonly renames?: readonly ColumnRename[] | undefined;
}

/** A column renamed, as a source's log states it. */
export interface ColumnRename {
  readonly table: string;
  /** The table's schema, where the source has schemas and says it. */
  readonly schema?: string | undefined;
  readonly from: string;
  readonly to: string;
}

/** The source's log moved on with nothing for this job: acknowledging `position` lets it free the log. */
export interface HeartbeatEvent {
  readonly kind: 'heartbeat';
  readonly position: Position;
  /** When it was observed (ISO 8601, UTC). */
  readonly at: string;
  /** The stream's state at this point, when it changed since the last commit's (as CommitEvent.state). */
  readonly state?: string | undefined;
}

/** Anything else the log carries (PostgreSQL logical messages, for one). */
export interface MessageEvent {
  readonly kind: 'message';
  readonly topic: string;
  readonly content: Buffer;
  /** Part of the transaction around it, rather than sent when it was written. */
  readonly transactional: boolean;
}

export type ChangeEvent =
  | BeginEvent
  | CommitEvent
  | RelationEvent
  | InsertEvent
  | UpdateEvent
  | DeleteEvent
  | TruncateEvent
  | SchemaEvent
  | HeartbeatEvent
  | MessageEvent;

export type ChangeKind = ChangeEvent['kind'];

/** Exhaustiveness guard for a `switch` over `ChangeEvent['kind']`: a new kind fails to compile there. */
export function unhandledChange(event: never): never {
  throw new Error(`unhandled change event ${JSON.stringify((event as { kind?: unknown }).kind)}`);
}

/**
 * A capture's runs as single events, for consumers that take them so. A stop asked for while a run
 * is handed out ends it at the next commit, as the runs themselves end.
 */
export async function* oneByOne(runs: AsyncIterable<readonly ChangeEvent[]>, signal: AbortSignal | undefined): AsyncGenerator<ChangeEvent> {
  for await (const run of runs)
    for (const e of run) {
      yield e;
      if (e.kind === 'commit' && signal?.aborted === true) return;
    }
}

/** What a source needs before changes can be captured is in place; `notes` are advice, not failures. */
export interface CheckReport {
  readonly notes: readonly string[];
}

/** Something redb made on a source for a job, found by its name. */
export interface OwnedObject {
  readonly job: string;
  readonly kind: 'slot' | 'publication' | 'trigger' | 'change-table';
  readonly name: string;
  readonly table?: TableName | undefined;
  /** A slot being read right now. */
  readonly active?: boolean | undefined;
}

/**
 * The consistent hand-off: readers that see the source exactly as of `start`; the stream from
 * `start` then has every change after what they see, and none before.
 */
export interface Handoff {
  readonly start: Position;
  /** The stream's state at `start` (see CommitEvent.state), to store with it. */
  readonly state?: string | undefined;
  /**
   * A table's columns at `start`, as the stream describes them there (the snapshot's, not the
   * catalog's now), where the source can say: a job maps its tables by them, so a change made
   * just after the hand-off is seen as one when the stream reaches it. Undefined: not known here.
   */
  columnsAt?(table: TableName): readonly ChangeColumn[] | undefined;
  /**
   * The tables (`schema.name`) whose storage the source rewrote since the snapshot (PostgreSQL's
   * ALTER ... TYPE, VACUUM FULL, CLUSTER, TRUNCATE): the snapshot sees none of their rows. Asked
   * while the copy's readers are still open, whose locks hold off a rewrite of what they read, a
   * table named here was rewritten before the copy read it. Absent where no rewrite hides rows.
   */
  rewritten?(): Promise<string[]>;
  /** Readers over the snapshot (rows.ts), for the initial copy. Call before `close`. */
  openSnapshot(options: { readonly jobs: number }): Promise<RowSource>;
  /** Let go of the snapshot; readers already opened keep it. */
  close(): Promise<void>;
}

/**
 * A snapshot of the source taken later than a hand-off, read beside a stream that still starts at
 * the hand-off's position (a copy resumed after a crash). `snapshot` says which transactions it
 * sees (ChangePlane.seenBy); every transaction it sees committed before `until` in the log.
 */
export interface LaterSnapshot {
  readonly snapshot: string;
  readonly until: Position;
  openSnapshot(options: { readonly jobs: number }): Promise<RowSource>;
  close(): Promise<void>;
}

export interface StreamOptions {
  readonly signal?: AbortSignal | undefined;
  /** How often an idle stream reports the source's position (a heartbeat); 10 s by default. */
  readonly heartbeatMs?: number | undefined;
  /** How often a source that cannot push (SQLite) is looked at for changes; 200 ms by default. */
  readonly pollMs?: number | undefined;
  /** The state stored with `from` (CommitEvent.state), where there is one. */
  readonly state?: string | undefined;
}

export interface CaptureStatus {
  readonly job: string;
  /** What the job made on the source (slot, change table) is there. */
  readonly exists: boolean;
  /** Being read right now (a PostgreSQL slot in use); undefined where the source cannot tell. */
  readonly active: boolean | undefined;
  /** The newest position of the source's log. */
  readonly head: Position | undefined;
  /** The last position the source was told is done with; undefined where it keeps none. */
  readonly confirmed: Position | undefined;
  /** Log the source keeps for this job, in bytes (WAL, binlog files, change rows' pages). */
  readonly retainedBytes: number | undefined;
  /** Log written after `confirmed`, in bytes, where the source can say. */
  readonly lagBytes: number | undefined;
  /** Changes captured and not yet acknowledged, where they are counted (SQLite). */
  readonly pendingChanges: number | undefined;
  /** Why the source can no longer deliver the job's changes (a slot invalidated), if it cannot. */
  readonly lost: string | undefined;
  /** What the job does less well than it could on this source, and how to mend it (advice, not failures). */
  readonly notes?: readonly string[] | undefined;
}

/** One job's capture on one source. Close it when done; it holds connections. */
export interface ChangeCapture {
  readonly job: string;
  /**
   * Make (or bring up to date) what capture needs on the source for these tables, and open a
   * hand-off at a new start position. Running it again is safe; each call starts over.
   */
  prepare(tables: readonly TableName[], options?: { readonly signal?: AbortSignal }): Promise<Handoff>;
  /**
   * Every change after `from`, as the consumer pulls them: transactions surface whole and only
   * once committed. Ends when the signal aborts (at an event boundary) or the consumer stops.
   */
  stream(from: Position, options?: StreamOptions): AsyncIterable<ChangeEvent>;
  /**
   * The same events in runs (those the source had ready together), where the source reads its log
   * so: a consumer that takes a run at a time saves a promise an event. A run may end inside a
   * transaction; a stop asked for while a run is handled ends it at the run's next commit.
   */
  runs?(from: Position, options?: StreamOptions): AsyncIterable<readonly ChangeEvent[]>;
  /**
   * Capture these tables too from now on (created on the source after the job began): their
   * changes flow from here, and the caller copies what they already hold after this returns.
   * Absent where the log carries every table already (the binary log).
   */
  include?(tables: readonly TableName[]): Promise<void>;
  /**
   * A snapshot of the source as it is now, leaving the job's position where it is (the slot keeps
   * its place): absent where the source cannot tell which transactions a snapshot saw.
   */
  later?(): Promise<LaterSnapshot>;
  /** The target committed everything up to `position`: the source may free its log before it. */
  acknowledge(position: Position): Promise<void>;
  status(): Promise<CaptureStatus>;
  /** Remove everything the job made on the source. */
  drop(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangePlane {
  /** Negative, zero or positive as `a` is before, at or after `b` in the source's log. */
  compare(a: Position, b: Position): number;
  /** Whether the transaction `transaction` (a BeginEvent's) is one that LaterSnapshot `snapshot` saw committed. */
  seenBy?(snapshot: string, transaction: string): boolean;
  /** A position read back from storage; refuses text that is not one of this engine's. */
  position(text: string): Position;
  /** Are the source's settings and the login's privileges enough to capture changes? Throws the first that is not. */
  check(target: DbTarget, options?: { readonly signal?: AbortSignal }): Promise<CheckReport>;
  /** What redb made on the source, for every job (to find those no job owns any more). */
  listOwned(target: DbTarget, options?: { readonly signal?: AbortSignal }): Promise<readonly OwnedObject[]>;
  open(target: DbTarget, job: string, options?: { readonly signal?: AbortSignal }): Promise<ChangeCapture>;
}

/** Where an engine's changes come from: its log, triggers redb installs, or nowhere. */
export type CaptureKind = Capabilities['changeCapture'];

export const captureKind = (engine: Engine): CaptureKind => manifestOf(engine).capabilities.changeCapture;

export { loadChanges } from './registry.js';

/** Job names become parts of object names on the source (`redb_<job>`): short, lower case, no quoting needed. */
const JOB_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export function validateJobName(job: string): string {
  if (!JOB_NAME.test(job)) throw errors.invalidName('replication job', job, 'a lower-case letter, then up to 39 lower-case letters, digits or underscores');
  return job;
}

/** The name of what redb makes on a source for a job (slot, publication, change table prefix). */
export const ownedName = (job: string): string => `redb_${job}`;

/** The job an owned name belongs to, or undefined when the name is not one of redb's. */
export function jobOfOwned(name: string): string | undefined {
  const job = name.startsWith('redb_') ? name.slice(5) : undefined;
  return job !== undefined && JOB_NAME.test(job) ? job : undefined;
}

/** `schema.table`, or `table`, for messages. */
export const tableLabel = (t: TableName): string => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);
