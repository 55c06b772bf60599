import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { ColumnType, Table } from '../unified/index.js';
import type { DbTarget } from './adapter.js';
import type { Checksum, ChecksumColumn } from './canonical-sql.js';

/**
 * The data plane of an adapter: read rows as async batches from one consistent snapshot, write
 * rows in bulk through the engine's fast path. Values travel in the driver's own representation;
 * src/replicate/values.ts is the one place that gives them a portable meaning.
 */

/** A table as the data plane names it. */
export interface TableName {
  readonly schema?: string | undefined;
  readonly name: string;
}

/** One row: values in the order of the columns asked for. */
export type Row = unknown[];

export interface ReadOptions {
  readonly columns: readonly string[];
  /** Primary key columns: rows come in this order, and `after` / `until` bound them. */
  readonly key?: readonly string[] | undefined;
  /** Only rows whose key is greater than this (a resumed copy). */
  readonly after?: readonly unknown[] | undefined;
  /** Only rows whose key is at most this. */
  readonly until?: readonly unknown[] | undefined;
  /** A condition in the source engine's SQL (`--where`). */
  readonly where?: string | undefined;
  readonly batchRows: number;
  /** A batch also ends once its values take about this many bytes (rowBytes); BATCH_BYTES when absent. */
  readonly batchBytes?: number | undefined;
  /** The rows within the bounds may come in any order (they are written and committed as one). */
  readonly anyOrder?: boolean | undefined;
  /** Only rows stored in these pages (a physical-order chunk, see RowReader.pageChunks); key bounds are not used with it. */
  readonly pages?: PageRange | undefined;
}

/** Pages `from` up to, not including, `to` of a table's storage; without `to`, to the end of the table. */
export interface PageRange {
  readonly from: number;
  readonly to?: number | undefined;
}

/** How a table's storage is cut into chunks read in physical order, within one snapshot. */
export interface PageChunking {
  /** The table's pages now (those past it, when the snapshot was taken, are in the last chunk, which has no end). */
  readonly pages: number;
  /** Pages per chunk, for about the rows asked for. */
  readonly pagesPerChunk: number;
  /** The snapshot's mark: what changed in the table after it can be told (changedSince). */
  readonly mark: string;
}

/** A chunk of pages whose rows the target committed, recorded in the same transaction as the rows. */
export interface ChunkRecord {
  /** The clone these rows belong to (its checkpoint's id). */
  readonly job: string;
  /** The source table, as the clone names it. */
  readonly table: string;
  readonly pages: PageRange;
  readonly rows: number;
  /** The mark of the snapshot the chunk was read in (PageChunking.mark). */
  readonly mark: string;
}

export interface RowReader {
  /**
   * Rows in batches of at most `batchRows` rows and about `batchBytes` bytes (a single larger row is
   * a batch of its own); the next batch is read only when the previous one is taken.
   */
  readBatches(table: TableName, options: ReadOptions): AsyncIterable<Row[]>;
  count(table: TableName, where?: string): Promise<number>;
  /** Run `where` over none of the table's rows: a condition the engine cannot parse or resolve fails here, at no cost. */
  probe(table: TableName, where: string): Promise<void>;
  /** The identifier quoting of the engine's SQL, for the conditions redb writes itself. */
  quote(name: string): string;
  /** SQL giving the size in bytes of a column's value (`column` quoted), for a count of the rows too large for a target. */
  valueBytes?(column: string, type: ColumnType): string;
  /**
   * SQL true for a value of an array column of `dims` dimensions (`column` quoted) whose sub-arrays
   * are not all of one length, or are NULL or empty: a value that a target whose arrays are
   * rectangular cannot hold. Absent where the engine's arrays are rectangular themselves.
   */
  unevenArray?(column: string, dims: number): string;
  /** About how many rows the table has, from the engine's statistics (for progress); absent where it keeps none. */
  estimate?(table: TableName): Promise<number | undefined>;
  /**
   * Count and an order-independent checksum of the rows, computed by the server: comparable only
   * with the same engine reading columns of the same types, hashing the same way. `value` hashes each
   * value by its type (undefined where a type has no such hash), `text` the row's text. Absent where
   * the engine offers no hash to compute it with.
   */
  checksum?(table: TableName, columns: readonly string[], where: string | undefined, by: 'value' | 'text'): Promise<Checksum | undefined>;
  /**
   * Count and the cross-engine checksum of canonical-sql.ts, computed by the server: comparable
   * with any engine's. Undefined when a column cannot be written canonically in this engine's SQL.
   */
  portableChecksum?(table: TableName, columns: readonly ChecksumColumn[], where?: string): Promise<Checksum | undefined>;
  /**
   * The key of the `batchRows`-th row in key order within the bounds (the last one if fewer),
   * as readBatches gives it; undefined when no row is left. Marks the end of a raw chunk.
   */
  chunkEnd?(table: TableName, options: ReadOptions): Promise<unknown[] | undefined>;
  /**
   * The bulk formats readRaw can give this table's columns in, preferred first: names only the same
   * engine's writer understands (a format may carry what must match on both sides, like an encoding).
   */
  rawFormats?(table: TableName, columns: readonly string[]): Promise<readonly string[]>;
  /** The rows within the bounds in one of rawFormats, unparsed: for writeRaw of the same engine. */
  readRaw?(table: TableName, options: ReadOptions, format: string): Promise<Readable>;
  /**
   * How to read the table in physical order, in page ranges (no index walked, as a plain scan);
   * undefined where the engine or the table cannot (then key ranges serve).
   */
  pageChunks?(table: TableName, rows: number): Promise<PageChunking | undefined>;
  /**
   * Whether rows may have been written or moved in the table since the snapshot of `mark`: then
   * pages read in that snapshot and pages read now may hold one row twice, or miss it. Deletions are
   * not counted: a deleted row is either copied already, as a key-range resume keeps it, or gone.
   */
  changedSince?(table: TableName, mark: string): Promise<boolean>;
  /**
   * A condition (for ReadOptions.where) on the row versions written since the snapshot of `mark`
   * (conservatively: a few it saw may count), or, with `changed` false, on those written before it.
   */
  markCondition?(mark: string, changed: boolean): string;
}

/** Readers that all see one snapshot of the database, for as many parallel table copies. */
export interface RowSource {
  /** One per parallel job; fewer when the engine cannot share its snapshot between connections. */
  readonly readers: readonly RowReader[];
  close(): Promise<void>;
}

export interface RowWriter {
  /** Write one batch and commit it before resolving. */
  write(table: TableName, columns: readonly string[], rows: readonly Row[]): Promise<void>;
  /** Delete the rows with these keys (a resumed copy redoes its last uncommitted batch). */
  deleteKeys(table: TableName, key: readonly string[], keys: readonly (readonly unknown[])[]): Promise<void>;
  /** The bulk formats writeRaw takes for this table's columns, preferred first (see RowReader.rawFormats). */
  rawFormats?(table: TableName, columns: readonly string[]): Promise<readonly string[]>;
  /**
   * Load readRaw's stream of the same engine (columns of the same types) in `format` and commit it;
   * resolves to the rows written. With `record` (where chunksDone exists), the chunk is recorded in
   * the same transaction as its rows: a crash leaves both or neither.
   */
  writeRaw?(table: TableName, columns: readonly string[], rows: Readable, format: string, record?: Omit<ChunkRecord, 'rows'>): Promise<number>;
}

export interface RowTarget {
  /** Adding a foreign key to a loaded table rebuilds it, so keys are declared with the table. */
  readonly foreignKeysAtCreate: boolean;
  /**
   * Primary keys and unique constraints are faster built once after the load than maintained row
   * by row (where the table is not organised by its key, as InnoDB's and SQLite's are).
   */
  readonly keysAfterLoad: boolean;
  /** Writes are checked against foreign keys that exist (they cannot be switched off): referenced tables load first. */
  readonly checksForeignKeys: boolean;
  /** One per parallel job. */
  readonly writers: readonly RowWriter[];
  /**
   * The largest value, in bytes as stored, that one row can carry into a column of this type, and
   * the server setting that bounds it; absent where nothing bounds it below the type's own size.
   */
  largestValue?(type: ColumnType): { readonly bytes: number; readonly setting: string; readonly limit: number } | undefined;
  /** Its arrays of two or more dimensions must be rectangular: sub-arrays of one length, none NULL or empty (PostgreSQL's). */
  readonly rectangularArrays?: boolean;
  count(table: TableName): Promise<number>;
  truncate(tables: readonly TableName[]): Promise<void>;
  /** After a table's rows are in: move identity and serial counters past the copied values. */
  finishTable(table: Table): Promise<void>;
  /**
   * The chunks of `table` recorded by writeRaw for `job`; the place to record them is made first.
   * Absent, or resolving to undefined (a login without the right to make it), where chunks cannot be recorded.
   */
  chunksDone?(job: string, table: string): Promise<ChunkRecord[] | undefined>;
  /** Forget the job's recorded chunks, of one table or all (the copy restarts it, or finished). */
  forgetChunks?(job: string, table?: string): Promise<void>;
  /**
   * Delete the rows of `table` whose key is not among the keys `fill` writes into the (empty)
   * table of `key`'s columns it is given; resolves to the rows deleted. A copy resumed in a later
   * snapshot drops the rows an earlier one copied that have changed or gone since.
   */
  keepOnly?(table: TableName, key: readonly string[], fill: (keys: TableName) => Promise<number>): Promise<number>;
  close(): Promise<void>;
}

export interface RowsAdapter {
  openSource(target: DbTarget, options: { readonly jobs: number }): Promise<RowSource>;
  /** Opens the database, creating it first where it is a file. */
  openTarget(target: DbTarget, options: { readonly jobs: number }): Promise<RowTarget>;
  /**
   * What tells this database apart from every other, however its URL spells it: two URLs with the
   * same identity name one database. Undefined where each open is a new database (in memory).
   */
  identity(target: DbTarget): Promise<string | undefined>;
}

/** A database file's identity: its real path (through symbolic links), whether or not it exists yet. */
export function fileIdentity(file: string): string {
  if (existsSync(file)) return realpathSync(file);
  const dir = dirname(resolve(file));
  return join(existsSync(dir) ? realpathSync(dir) : dir, basename(file));
}

/**
 * How many bytes a batch's values may take by default: enough for thousands of usual rows, few
 * enough that a batch of wide rows (a million rows with `--batch-rows`, or values of many
 * megabytes) does not hold more than this, whatever its row count.
 */
export const BATCH_BYTES = 16 << 20;

/**
 * About how much memory a row's values take, for bounding batches: the bytes of text and binary
 * values, and a few dozen for each value's slot and each row's array.
 */
export function rowBytes(row: Row): number {
  let bytes = 64;
  for (const v of row) bytes += typeof v === 'string' ? 16 + v.length : v instanceof Uint8Array ? 48 + v.byteLength : 16;
  return bytes;
}

/** Batches of at most `size` rows and about `bytes` bytes from an async stream of rows. */
export async function* batched(items: AsyncIterable<Row>, size: number, bytes = BATCH_BYTES): AsyncGenerator<Row[]> {
  let batch: Row[] = [];
  let held = 0;
  for await (const item of items) {
    batch.push(item);
    held += rowBytes(item);
    if (batch.length >= size || held >= bytes) {
      yield batch;
      batch = [];
      held = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/** A double as text that reads back as the same double: the shortest round-trip digits, and `-0` for negative zero. */
export const floatText = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

/**
 * A number written as plain digits, exactly: `1e-7` → `0.0000001`, `-1.5E+3` → `-1500`. Text that
 * is no number in exponent form is returned as it is.
 */
export function plainDecimal(text: string): string {
  if (!text.includes('e') && !text.includes('E')) return text;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (m === null) return text;
  const int = m[2] ?? '';
  const digits = `${int}${m[3] ?? ''}`;
  const point = int.length + Number(m[4]);
  const whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const fraction = point < 0 ? `${'0'.repeat(-point)}${digits}` : digits.slice(point);
  const body = `${whole.replace(/^0+(?=\d)/, '')}${fraction === '' ? '' : `.${fraction}`}`;
  return `${m[1] === '-' ? '-' : ''}${body}`;
}

/** `WHERE` clauses bounding a keyset read; `param` renders the i-th bound value. */
export function keyBounds(options: ReadOptions, quote: (name: string) => string, param: (value: unknown) => string): string[] {
  const key = options.key ?? [];
  const tuple = (names: readonly string[]) => (names.length === 1 ? (names[0] as string) : `(${names.join(', ')})`);
  const keyList = tuple(key.map(quote));
  const clauses: string[] = [];
  if (options.after !== undefined) clauses.push(`${keyList} > ${tuple(options.after.map(param))}`);
  if (options.until !== undefined) clauses.push(`${keyList} <= ${tuple(options.until.map(param))}`);
  if (options.where !== undefined) clauses.push(`(${options.where})`);
  return clauses;
}

/** `SELECT` of a table's columns in key order, bounded as the options say. */
export function selectSql(qualified: string, options: ReadOptions, quote: (name: string) => string, param: (value: unknown) => string, tail = ''): string {
  const where = keyBounds(options, quote, param);
  const order = (options.key ?? []).length > 0 && options.anyOrder !== true ? ` ORDER BY ${(options.key ?? []).map(quote).join(', ')}` : '';
  return `SELECT ${options.columns.map(quote).join(', ')} FROM ${qualified}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}${order}${tail}`;
}
