import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Table } from '../../unified/index.js';
import type { DbTarget } from '../adapter.js';
import { canonicalRow, fractionDigits, trimFraction, type CanonicalSql } from '../canonical-sql.js';
import { batched, fileIdentity, selectSql, type Row, type RowReader, type RowsAdapter, type RowSource, type RowTarget, type RowWriter, type TableName } from '../rows.js';
import { duckdbFile, MEMORY, openDuckdb } from './connect.js';
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

/** A DuckDB value as the other engines' drivers hand them over: primitives, text, or bytes. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('bytes' in value && value.bytes instanceof Uint8Array) return Buffer.from(value.bytes);
  return String(value);
}

function literal(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Buffer.isBuffer(value)) return `from_hex(${quoteLiteral(value.toString('hex'))})`;
  return quoteLiteral(String(value));
}

async function* rowsOf(connection: DuckDBConnection, sql: string): AsyncGenerator<Row> {
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    for (const row of chunk.getRows()) yield row.map(plain);
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
  decimal: (x, type) => trimFraction(`CAST(${x} AS VARCHAR)`, fractionDigits(type), { hasPoint: (t) => `contains(${t}, '.')`, rtrim: (t, c) => `rtrim(${t}, '${c}')` }),
  boolean: (x, yes, no) => `CASE WHEN ${x} THEN '${yes}' WHEN NOT ${x} THEN '${no}' END`,
  hex: (x) => `lower(hex(${x}))`,
  lower: (x) => `lower(${x})`,
  date: (x) => `CAST(${x} AS VARCHAR)`,
  time: (x, type) => (type.kind === 'time' && type.tz ? undefined : `CAST(${x} AS VARCHAR)`),
  timestamp: (x, type) => (type.kind === 'timestamp' && type.tz ? undefined : `CAST(${x} AS VARCHAR)`),
  row: (values) => (values.length === 0 ? "''" : `concat(${values.map((v) => `coalesce(chr(2) || ${v}, chr(1))`).join(', ')})`),
};

function reader(connection: DuckDBConnection): RowReader {
  return {
    readBatches: (table, options) => batched(rowsOf(connection, selectSql(qname(table), options, quoteIdent, literal)), options.batchRows),
    count: (table, where) => count(connection, table, where),
    quote: quoteIdent,
    valueBytes: (column, type) => (type.kind === 'binary' ? `octet_length(${column})` : `strlen(CAST(${column} AS VARCHAR))`),
    async probe(table, where) {
      await connection.run(`SELECT 1 FROM ${qname(table)} WHERE (${where}) LIMIT 0`);
    },
    async portableChecksum(table, columns, where) {
      const text = canonicalRow(CANONICAL, columns, quoteIdent);
      if (text === undefined) return undefined;
      const sql = `SELECT count(*), CAST(coalesce(sum(CAST('0x' || left(md5(${text}), 15) AS BIGINT)), 0) AS VARCHAR) FROM ${qname(table)}${where === undefined ? '' : ` WHERE (${where})`}`;
      const row = (await connection.runAndReadAll(sql)).getRows()[0];
      return { rows: Number(row?.[0] ?? 0), checksum: String(row?.[1] ?? '0') };
    },
  };
}

/**
 * DuckDB would otherwise cache up to 80% of the machine's memory; a copy streams through, so a small
 * buffer pool and frequent checkpoints keep the process smaller (DuckDB spills to the file instead).
 */
const MEMORY_LIMIT = "SET memory_limit = '64MB'; SET wal_autocheckpoint = '4MB'";

async function openSource(target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> {
  const handle = await openDuckdb(target);
  await handle.connection.run(MEMORY_LIMIT);
  const connections = [handle.connection];
  for (let i = 1; i < jobs; i++) connections.push(await handle.instance.connect());
  for (const c of connections) await c.run('BEGIN TRANSACTION');
  return {
    readers: connections.map(reader),
    close: async () => {
      for (const c of connections.slice(1)) c.closeSync();
      handle.close();
    },
  };
}

function append(appender: DuckDBAppender, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (typeof value === 'boolean') appender.appendBoolean(value);
  else if (typeof value === 'bigint') appender.appendBigInt(value);
  else if (typeof value === 'number') appender.appendDouble(value);
  else if (Buffer.isBuffer(value)) appender.appendBlob(value);
  else appender.appendVarchar(String(value));
}

function writer(connection: DuckDBConnection, columnsOf: (t: TableName) => Promise<readonly string[]>): RowWriter {
  return {
    async write(table, columns, rows) {
      // The appender fills every column in table order; the ones not copied take their default.
      const positions = (await columnsOf(table)).map((c) => columns.indexOf(c));
      const appendRows = async (batch: readonly Row[], flushEachRow: boolean) => {
        const appender = await connection.createAppender(table.name, table.schema ?? null);
        try {
          for (const row of batch) {
            for (const p of positions) {
              if (p < 0) appender.appendDefault();
              else append(appender, row[p]);
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
        await appendRows(rows, false);
      } catch (e) {
        // DuckDB checks a foreign key against committed rows only, so a row that references an
        // earlier row of the same batch (a self-reference) fails; row by row, it does not.
        if (!(e instanceof Error && /foreign key/i.test(e.message))) throw e;
        await appendRows(rows, true);
      }
    },
    async deleteKeys(table, key, keys) {
      if (keys.length === 0) return;
      const tuple = (values: readonly unknown[]) => `(${values.map(literal).join(', ')})`;
      await connection.run(`DELETE FROM ${qname(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${keys.map(tuple).join(', ')})`);
    },
  };
}

async function openTarget(target: DbTarget, { jobs }: { jobs: number }): Promise<RowTarget> {
  const handle = await openDuckdb(target, { create: true });
  await handle.connection.run(MEMORY_LIMIT);
  const connections = [handle.connection];
  for (let i = 1; i < jobs; i++) connections.push(await handle.instance.connect());
  const main = handle.connection;
  const known = new Map<string, readonly string[]>();
  const columnsOf = async (t: TableName): Promise<readonly string[]> => {
    const id = qname(t);
    if (!known.has(id)) {
      const where = `schema_name = ${quoteLiteral(t.schema ?? 'main')} AND table_name = ${quoteLiteral(t.name)}`;
      const rows = (await main.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE ${where} ORDER BY column_index`)).getRows();
      // The appender takes stored columns only: generated ones are left out of its rows.
      const ddl = (await main.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE ${where}`)).getRows()[0]?.[0];
      const parsed = typeof ddl === 'string' ? parseCreateTable(ddl) : new Map<string, { generated?: string | undefined }>();
      known.set(id, rows.map((r) => String(r[0])).filter((name) => parsed.get(name)?.generated === undefined));
    }
    return known.get(id) as readonly string[];
  };
  return {
    foreignKeysAtCreate: true,
    keysAfterLoad: false,
    checksForeignKeys: true,
    writers: connections.map((c) => writer(c, columnsOf)),
    count: (table) => count(main, table),
    async truncate(tables) {
      for (const t of tables) await main.run(`DELETE FROM ${qname(t)}`);
    },
    /** DuckDB numbers rows with a fresh sequence per column and has no setval: draw it past the copied keys. */
    async finishTable(table: Table) {
      for (const c of table.columns) {
        const sequence = /^nextval\('([^']+)'\)/i.exec(c.default ?? '')?.[1];
        if (sequence === undefined) continue;
        await main.run(`SELECT count(nextval(${quoteLiteral(sequence)})) FROM range((SELECT coalesce(max(${quoteIdent(c.name)}), 0) FROM ${qname(table)})::BIGINT)`);
      }
    },
    close: async () => {
      for (const c of connections.slice(1)) c.closeSync();
      handle.close();
    },
  };
}

async function identity(target: DbTarget): Promise<string | undefined> {
  const file = duckdbFile(target);
  return file === MEMORY ? undefined : `duckdb:${fileIdentity(file)}`;
}

export const duckdbRows: RowsAdapter = { openSource, openTarget, identity };
