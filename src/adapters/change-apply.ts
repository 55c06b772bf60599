import type { Engine } from '../unified/index.js';
import type { DbTarget } from './adapter.js';
import { assertSupported } from './registry.js';
import type { Row, TableName } from './rows.js';

/**
 * The apply plane of an adapter: a replication target's side of a change stream. Changes land by
 * key (upsert, update, delete), in one target transaction per batch that also records the job's
 * source position in the target itself (`redb.replication`, or `redb_replication` where the engine
 * has no schemas), beside redb's migration history. A crash at any instant leaves the rows and the
 * position committed together or not at all, so a restart neither loses nor doubles a change.
 *
 * Values arrive as the target's rows plane writes them (src/replicate/values.ts shapes them).
 */

/** A job's place in its source's log, as the target keeps it. */
export interface StoredPosition {
  readonly job: string;
  /** What the job reads from (the source's URL as given, passwords as `${VAR}`): a job of the same name from elsewhere is another job. */
  readonly source: string;
  /** The source's position text (ChangePlane.position reads it back). */
  readonly position: string;
  /** When the source committed the last transaction applied (ISO 8601), where its log says. */
  readonly committedAt?: string | undefined;
  /** When the target committed it (ISO 8601). */
  readonly appliedAt: string;
  /**
   * What the source's stream needs besides the position to read on from there (MariaDB/MySQL: each
   * table's shape at that position), opaque here. Absent on a commit: the one stored stays.
   */
  readonly state?: string | undefined;
}

/** What the source's log says of an upsert's keys before it: none had a row, or each had one. */
export type RowsExpected = 'new' | 'existing';

/** Writes inside one open target transaction. */
export interface ApplyTransaction {
  /**
   * Insert the rows, or overwrite the rows already there with the same key. Keys within one call are
   * distinct. `expect` is what the source's log says of the keys before this call: `new` none had a
   * row, `existing` each had one; a target may take a faster path on it, with the same result when
   * it is wrong (a replay after a crash, rows copied after the stream's position).
   */
  upsert(table: TableName, columns: readonly string[], key: readonly string[], rows: readonly Row[], expect?: RowsExpected): Promise<void>;
  /** Set these columns (which may include the key's) of the one row whose key is `keyValues`; nothing when there is none. */
  update(table: TableName, columns: readonly string[], values: readonly unknown[], key: readonly string[], keyValues: readonly unknown[]): Promise<void>;
  /** Delete the rows with these keys (those missing are no error). */
  delete(table: TableName, key: readonly string[], keys: readonly (readonly unknown[])[]): Promise<void>;
  /** Remove every row (as a transactional DELETE where TRUNCATE would commit). */
  truncate(tables: readonly TableName[]): Promise<void>;
  /**
   * Run DDL (a source's schema change, as the target's dialect planned it). Where the engine's DDL
   * is transactional it runs inside this transaction under a savepoint, so a refused statement
   * leaves the transaction as it was. Where it is not (MariaDB/MySQL commits at every DDL
   * statement; DuckDB is given a clean slate), what the transaction holds is committed first,
   * without a position, and a new transaction begins after: after a crash those rows are written
   * again by key, which changes nothing. Throws the target's refusal.
   */
  schema(statements: readonly string[]): Promise<void>;
  /** Record the position and commit everything since `begin`. */
  commit(position: StoredPosition): Promise<void>;
  rollback(): Promise<void>;
}

export interface ChangeTarget {
  /**
   * Whether the target checks foreign keys as each row is written. When it does not (PostgreSQL as
   * replica, MariaDB/MySQL and SQLite with the checks off), changes to different tables may be
   * written in any order within a transaction, which lets each table's changes go in few statements.
   */
  readonly checksForeignKeys: boolean;
  /** The job's position, or undefined when the target has none (never copied, or dropped). */
  readPosition(job: string): Promise<StoredPosition | undefined>;
  /** Every job's position on this target. */
  listPositions(): Promise<readonly StoredPosition[]>;
  begin(): Promise<ApplyTransaction>;
  /** Forget the job (its rows stay). */
  dropPosition(job: string): Promise<void>;
  close(): Promise<void>;
}

export type ChangeTargetOpener = (target: DbTarget) => Promise<ChangeTarget>;

/** Every engine's apply plane, loaded on first use; the compiler flags a missing engine. */
const appliers: Record<Engine, (() => Promise<ChangeTargetOpener>) | undefined> = {
  postgres: async () => (await import('./postgres/change-apply.js')).openPostgresChangeTarget,
  mysql: async () => (await import('./mysql/change-apply.js')).openMysqlChangeTarget,
  sqlite: async () => (await import('./sqlite/change-apply.js')).openSqliteChangeTarget,
  duckdb: async () => (await import('./duckdb/change-apply.js')).openDuckdbChangeTarget,
  mongodb: undefined,
};

export async function openChangeTarget(engine: Engine, target: DbTarget): Promise<ChangeTarget> {
  assertSupported(engine);
  const load = appliers[engine];
  if (load === undefined) throw new Error(`no apply plane for ${engine}`);
  return (await load())(target);
}

/** Rows of at most `size` values each, for statements with a bound on their parameters. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
