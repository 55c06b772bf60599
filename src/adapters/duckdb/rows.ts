import { shapeFor } from './bc-dates.js';
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { errors, firstLineOf } from '../../errors.js';
import type { Table } from '../../unified/index.js';
import type { DbTarget } from '../adapter.js';
import { canonicalRow, fractionDigits, trimFraction, type CanonicalSql } from '../canonical-sql.js';
import {
  BATCH_BYTES,
  batched,
  fileIdentity,
  rowBytes,
  selectSql,
  type Row,
  type RowReader,
  type RowsAdapter,
  type RowSource,
  type RowTarget,
  type RowWriter,
  type TableName,
  type ReadOptions,
} from '../rows.js';
import { duckdbFile, MEMORY, openDuckdb, type DuckdbHandle } from './connect.js';
import { BASE_MEMORY_MB, isOutOfMemory, MemoryLimit, reading, renew } from './memory.js';
import { parseCreateTable } from './parse-ddl.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * DuckDB rows: reads stream a query's chunks (DuckDB values become JS primitives, their text, or
 * bytes); writes go through the appender, one appender (and one commit) per batch, DuckDB casting
 * text to each column's type. A foreign key of DuckDB cannot be switched off or added after the
 * load, so tables load in dependency order, and rows that reference others in the same table must
 * come after them (they do in key order, the usual case). The file is open in this process only, so readers on separate
 * connections of one instance, each in its own transaction, all see the same data.
 */

/**
 * A DuckDB value as the other engines' drivers hand them over: primitives, text, or bytes. An
 * instant is written in UTC (the driver would write it in this process's zone, with its offset).
 */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return listText(value.items);
  if ('bytes' in value && value.bytes instanceof Uint8Array) return Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength);
  if (value instanceof DuckDBTimestampTZValue) return String(new DuckDBTimestampValue(value.micros));
  return String(value);
}

/**
 * A list as text DuckDB's own cast reads back exactly (`["it's", NULL, [1, 2]]`, backslash escapes):
 * its printed form (`['it''s']`) loses the quote when cast back. replicate/array-text.ts reads it.
 */
function listText(items: readonly unknown[]): string {
  const element = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return listText(v.items);
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof DuckDBDecimalValue) return String(v);
    // Bytes keep DuckDB's own text (`\xAB`), which the cast reads back; an instant is written in UTC, as plain() does.
    const text = v instanceof DuckDBTimestampTZValue ? String(plain(v)) : String(v);
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  };
  return `[${items.map(element).join(', ')}]`;
}

function literal(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Buffer.isBuffer(value)) return `from_hex(${quoteLiteral(value.toString('hex'))})`;
  return quoteLiteral(String(value));
}

/**
 * The rows of a bounded read. When DuckDB runs out of memory (a value larger than the limit), the
 * limit is raised and the read goes on from the last row given: after its key, or past as many rows.
 */
async function* rowsOf(connection: DuckDBConnection, memory: MemoryLimit, table: TableName, options: ReadOptions): AsyncGenerator<Row> {
  const key = (options.key ?? []).map((k) => options.columns.indexOf(k));
  const keyed = key.length > 0 && key.every((i) => i >= 0) && options.anyOrder !== true;
  let after = options.after;
  let given = 0;
  for (;;) {
    const sql = selectSql(qname(table), { ...options, after }, quoteIdent, literal, !keyed && given > 0 ? ` OFFSET ${given}` : '');
    try {
      const result = await connection.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) return;
        for (const values of chunk.getRows()) {
          const row = values.map(plain);
          if (keyed) after = key.map((i) => row[i]);
          given++;
          yield row;
        }
      }
    } catch (e) {
      if (!isOutOfMemory(e)) throw e;
      await renew(connection);
      if (!(await memory.raise(connection))) throw e;
    }
  }
}

const count = async (connection: DuckDBConnection, table: TableName, where?: string): Promise<number> => {
  const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${qname(table)}${where === undefined ? '' : ` WHERE (${where})`}`)).getRows();
  return Number(rows[0]?.[0] ?? 0);
};

/**
 * Canonical text in DuckDB's SQL. Decimals are written with their full scale; times trimmed
 * already. Zoned times are left to JavaScript (their text follows the session's zone).
 */
const CANONICAL: CanonicalSql = {
  text: (x) => `CAST(${x} AS VARCHAR)`,
  decimal: (x, type) =>
    trimFraction(`CAST(${x} AS VARCHAR)`, fractionDigits(type), { hasPoint: (t) => `contains(${t}, '.')`, rtrim: (t, c) => `rtrim(${t}, '${c}')` }),
  boolean: (x, yes, no) => `CASE WHEN ${x} THEN '${yes}' WHEN NOT ${x} THEN '${no}' END`,
  hex: (x) => `lower(hex(${x}))`,
  digest: (x) => `md5(${x})`,
  lower: (x) => `lower(${x})`,
  date: (x) => `CAST(${x} AS VARCHAR)`,
  time: (x, type) => (type.kind === 'time' && type.tz ? undefined : `CAST(${x} AS VARCHAR)`),
  timestamp: (x, type) => (type.kind === 'timestamp' && type.tz ? undefined : `CAST(${x} AS VARCHAR)`),
  row: (values) => (values.length === 0 ? "''" : `concat(${values.map((v) => `coalesce(chr(2) || ${v}, chr(1))`).join(', ')})`),
};

/**
 * A list of lists whose sub-lists, at some depth, are not all of the first one's length, or are
 * NULL or empty (a list may hold lists of any lengths; a PostgreSQL array's sub-arrays must match).
 * The sub-lists `depth` levels down are those of the list flattened `depth - 1` times.
 */
function unevenList(column: string, dims: number): string {
  const levels: string[] = [];
  let lists = column;
  for (let depth = 1; depth < dims; depth++) {
    // coalesce: a NULL list is even, and the condition's NOT (a --where that keeps the rest) keeps it.
    levels.push(`coalesce(len(list_filter(${lists}, lambda x: x IS NULL OR len(x) = 0 OR len(x) <> len(${lists}[1]))) > 0, false)`);
    lists = `flatten(${lists})`;
  }
  return levels.length === 0 ? 'false' : `(${levels.join(' OR ')})`;
}

function reader(connection: DuckDBConnection, memory: MemoryLimit): RowReader {
  return {
    readBatches: (table, options) => batched(rowsOf(connection, memory, table, options), options.batchRows, options.batchBytes ?? BATCH_BYTES),
    count: (table, where) => reading(connection, memory, () => count(connection, table, where)),
    quote: quoteIdent,
    valueBytes: (column, type) => (type.kind === 'binary' ? `octet_length(${column})` : `strlen(CAST(${column} AS VARCHAR))`),
    unevenArray: unevenList,
    async probe(table, where) {
      await connection.run(`SELECT 1 FROM ${qname(table)} WHERE (${where}) LIMIT 0`);
    },
    async portableChecksum(table, columns, where) {
      const text = canonicalRow(CANONICAL, columns, quoteIdent);
      if (text === undefined) return undefined;
      const sql = `SELECT count(*), CAST(coalesce(sum(CAST('0x' || left(md5(${text}), 15) AS BIGINT)), 0) AS VARCHAR) FROM ${qname(table)}${where === undefined ? '' : ` WHERE (${where})`}`;
      const row = (await reading(connection, memory, () => connection.runAndReadAll(sql))).getRows()[0];
      return { rows: Number(row?.[0] ?? 0), checksum: String(row?.[1] ?? '0') };
    },
  };
}

/**
 * A small memory limit (memory.ts) and frequent checkpoints keep a copy's process small; both are
 * the instance's settings.
 */
async function startInstance(connection: DuckDBConnection): Promise<MemoryLimit> {
  await connection.run(`SET memory_limit = '${BASE_MEMORY_MB}MiB'; SET wal_autocheckpoint = '4MB'`);
  return new MemoryLimit();
}

/**
 * Connections run in UTC, so instants read and written as text need no zone arithmetic. The zone
 * is each connection's own, and needs DuckDB's ICU extension, without which instants have no zone.
 */
async function connections(handle: DuckdbHandle, jobs: number): Promise<DuckDBConnection[]> {
  const all = [handle.connection];
  for (let i = 1; i < jobs; i++) all.push(await handle.instance.connect());
  for (const c of all) await c.run("SET TimeZone = 'UTC'").catch(() => undefined);
  return all;
}

async function openSource(target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> {
  const handle = await openDuckdb(target);
  const memory = await startInstance(handle.connection);
  const readers = await connections(handle, jobs);
  for (const c of readers) await c.run('BEGIN TRANSACTION');
  return {
    readers: readers.map((c) => reader(c, memory)),
    close: async () => {
      for (const c of readers.slice(1)) c.closeSync();
      handle.close();
    },
  };
}

function append(appender: DuckDBAppender, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (typeof value === 'boolean') appender.appendBoolean(value);
  // Past a BIGINT (an unsigned 64-bit value, say) the column's own type reads the digits.
  else if (typeof value === 'bigint') value >= -(2n ** 63n) && value < 2n ** 63n ? appender.appendBigInt(value) : appender.appendVarchar(String(value));
  else if (typeof value === 'number') appender.appendDouble(value);
  else if (Buffer.isBuffer(value)) appender.appendBlob(value);
  else appender.appendVarchar(String(value));
}

/** DuckDB's storage block: a value past it is kept whole, apart from the table's blocks. */
const BLOCK_BYTES = 256 << 10;

/** A column of a target table, as the appender fills it. */
interface TargetColumn {
  readonly name: string;
  /** Reshapes a portable text for the column: DuckDB writes a date before year 1 as `0044-03-15 (BC)` and would read `0044-03-15 BC` as a date after Christ. */
  readonly shape?: ((text: string) => string) | undefined;
}

/** What the writers of one target share: the memory limit they raise, and the first fatal failure (later ones only say the database was invalidated). */
interface TargetState {
  readonly name: string;
  readonly memory: MemoryLimit;
  fatal?: string | undefined;
}

function writer(
  connection: DuckDBConnection,
  columnsOf: (t: TableName, via: DuckDBConnection) => Promise<readonly TargetColumn[]>,
  state: TargetState,
): RowWriter {
  return {
    async write(table, columns, rows) {
      // The appender fills every column in table order; the ones not copied take their default.
      const targetColumns = await columnsOf(table, connection);
      const positions = targetColumns.map((c) => columns.indexOf(c.name));
      const shapes = targetColumns.map((c) => c.shape);
      let bytes = 0;
      let large = 0;
      for (const row of rows) {
        const b = rowBytes(row);
        bytes += b;
        if (b >= BLOCK_BYTES) large += b;
      }
      await state.memory.forBatch(connection, bytes, large);
      const appendRows = async (batch: readonly Row[], flushEachRow: boolean) => {
        const appender = await connection.createAppender(table.name, table.schema ?? null);
        try {
          for (const row of batch) {
            for (let i = 0; i < positions.length; i++) {
              const p = positions[i] as number;
              if (p < 0) appender.appendDefault();
              else {
                const value = row[p];
                const shape = shapes[i];
                append(appender, shape !== undefined && typeof value === 'string' ? shape(value) : value);
              }
            }
            appender.endRow();
            if (flushEachRow) appender.flushSync();
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      };
      try {
        try {
          await appendRows(rows, false);
        } catch (e) {
          // DuckDB checks a foreign key against committed rows only, so a row that references an
          // earlier row of the same batch (a self-reference) fails; row by row, it does not.
          if (!(e instanceof Error && /foreign key/i.test(e.message))) throw e;
          await appendRows(rows, true);
        }
      } catch (e) {
        throw failure(e, state, qname(table));
      }
    },
    async deleteKeys(table, key, keys) {
      if (keys.length === 0) return;
      const tuple = (values: readonly unknown[]) => `(${values.map(literal).join(', ')})`;
      await connection.run(`DELETE FROM ${qname(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${keys.map(tuple).join(', ')})`);
    },
  };
}

/**
 * A write's failure as a user can act on it: running out of memory is a coded error, and a
 * database invalidated by an earlier fatal failure says what that failure was.
 */
function failure(e: unknown, state: TargetState, table: string): unknown {
  const detail = firstLineOf(e);
  if (isOutOfMemory(e)) return errors.cloneTargetOutOfMemory(state.name, table, detail, `${state.memory.mb}MiB`).because(e);
  if (/invalidated/i.test(detail) && state.fatal !== undefined) return new Error(`${state.fatal} (DuckDB then closed the database: ${detail})`, { cause: e });
  state.fatal ??= detail;
  return e;
}

async function openTarget(target: DbTarget, { jobs }: { jobs: number }): Promise<RowTarget> {
  const handle = await openDuckdb(target, { create: true });
  const memory = await startInstance(handle.connection);
  const writing = await connections(handle, jobs);
  // Counts and table finishing run beside the writers (a table is finished while others load): a connection of their own.
  const main = await handle.instance.connect();
  const state: TargetState = { name: target.name, memory };
  const known = new Map<string, readonly TargetColumn[]>();
  // Looked up through the asking writer's connection: a connection runs one statement at a time.
  const columnsOf = async (t: TableName, via: DuckDBConnection): Promise<readonly TargetColumn[]> => {
    const id = qname(t);
    if (!known.has(id)) {
      const where = `schema_name = ${quoteLiteral(t.schema ?? 'main')} AND table_name = ${quoteLiteral(t.name)}`;
      const rows = (await via.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE ${where} ORDER BY column_index`)).getRows();
      // The appender takes stored columns only: generated ones are left out of its rows.
      const ddl = (await via.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE ${where}`)).getRows()[0]?.[0];
      const parsed = typeof ddl === 'string' ? parseCreateTable(ddl) : new Map<string, { generated?: string | undefined }>();
      known.set(
        id,
        rows.filter((r) => parsed.get(String(r[0]))?.generated === undefined).map((r) => ({ name: String(r[0]), shape: shapeFor(String(r[1])) })),
      );
    }
    return known.get(id) as readonly TargetColumn[];
  };
  return {
    foreignKeysAtCreate: true,
    keysAfterLoad: false,
    checksForeignKeys: true,
    writers: writing.map((c) => writer(c, columnsOf, state)),
    count: (table) => count(main, table),
    async truncate(tables) {
      for (const t of tables) await main.run(`DELETE FROM ${qname(t)}`);
    },
    /** DuckDB numbers rows with a fresh sequence per column and has no setval: draw it past the copied keys. */
    async finishTable(table: Table) {
      for (const c of table.columns) {
        const sequence = /^nextval\('([^']+)'\)/i.exec(c.default ?? '')?.[1];
        if (sequence === undefined) continue;
        await main.run(
          `SELECT count(nextval(${quoteLiteral(sequence)})) FROM range((SELECT coalesce(max(${quoteIdent(c.name)}), 0) FROM ${qname(table)})::BIGINT)`,
        );
      }
    },
    close: async () => {
      main.closeSync();
      for (const c of writing.slice(1)) c.closeSync();
      handle.close();
    },
  };
}

async function identity(target: DbTarget): Promise<string | undefined> {
  const file = duckdbFile(target);
  return file === MEMORY ? undefined : `duckdb:${fileIdentity(file)}`;
}

export const duckdbRows: RowsAdapter = { openSource, openTarget, identity };
