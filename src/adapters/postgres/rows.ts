import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { Table } from '../../unified/index.js';
import type { DbTarget } from '../adapter.js';
import { canonicalRow, fractionDigits, nestedCall, trimFraction, type CanonicalSql, type Checksum } from '../canonical-sql.js';
import {
  BATCH_BYTES,
  batched,
  floatText,
  keyBounds,
  selectSql,
  type ReadOptions,
  type Row,
  type RowReader,
  type RowsAdapter,
  type RowSource,
  type RowTarget,
  type RowWriter,
  type TableName,
} from '../rows.js';
import { copyBinaryRows } from './copy-binary.js';
import { copyOut } from './copy-out.js';
import { changedSince, chunksDone, copyInRecorded, forgetChunks, keepOnly, markCondition, pageBounds, pageChunks, quotedColumns } from './page-chunks.js';
import { loadPg } from './load-pg.js';
import { rowHashSql } from './row-hash.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * PostgreSQL rows through COPY in both directions, in the text format: every value arrives as the
 * server's text (or null) and leaves as text the server parses by the column's type. Sessions run
 * in UTC with ISO dates, so timestamps read and written here need no zone arithmetic.
 */

/** How values are printed; change capture (changes.ts) starts its sessions with the same, so a change and a copied row read alike. */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  bytea_output: 'hex',
};
const SESSION = Object.entries(SESSION_SETTINGS)
  .map(([name, value]) => `SET ${name} TO '${value}'`)
  .join('; ');

const whereSql = (where: string | undefined): string => (where === undefined ? '' : ` WHERE (${where})`);
const sumOf = ({ rows }: { rows: { n: string; s: string }[] }): Checksum => ({ rows: Number(rows[0]?.n ?? 0), checksum: rows[0]?.s ?? '0' });

/**
 * Canonical text in PostgreSQL's SQL. Sessions run in UTC with ISO dates, whose text of times has
 * its fractions trimmed already; numeric keeps its scale's digits.
 */
const CANONICAL: CanonicalSql = {
  text: (x) => `${x}::text`,
  decimal: (x, type) => trimFraction(`${x}::text`, fractionDigits(type), { hasPoint: (t) => `strpos(${t}, '.') > 0`, rtrim: (t, c) => `rtrim(${t}, '${c}')` }),
  boolean: (x, yes, no) => `CASE WHEN ${x} THEN '${yes}' WHEN NOT ${x} THEN '${no}' END`,
  hex: (x) => `encode(${x}, 'hex')`,
  digest: (x) => `md5(${x})`,
  lower: (x) => `lower(${x})`,
  date: (x) => `left(${x}::text, 10)`,
  time: (x, type) => (type.kind === 'time' && type.tz ? `${x}::time::text` : `${x}::text`),
  timestamp: (x, type) => (type.kind === 'timestamp' && type.tz ? `(${x} AT TIME ZONE 'UTC')::text` : `${x}::text`),
  row: (values) =>
    values.length === 0
      ? "''"
      : nestedCall(
          'concat',
          values.map((v) => `coalesce(E'\\x02' || ${v}, E'\\x01')`),
        ),
};

async function open(target: DbTarget): Promise<Client> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: target.url, application_name: 'redb clone', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(SESSION);
  } catch (e) {
    await client.end().catch(() => undefined);
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    throw errors
      .dbUnreachable(target.name, inner instanceof Error && inner.message !== '' ? inner.message : String((inner as { code?: unknown }).code ?? inner))
      .because(e);
  }
  return client;
}

/** A value as COPY's text format spells it (before COPY's own escaping). */
function text(value: unknown): string {
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return String(value);
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t\0]/;

/** Text with a NUL character, which no PostgreSQL text can hold (thrown where the value is escaped, caught where its column is known). */
class NulInText extends Error {}

const escapeText = (t: string): string =>
  SPECIAL.test(t)
    ? t.replace(/[\\\n\r\t\0]/g, (c) => {
        if (c === '\0') throw new NulInText();
        return ESCAPES[c] as string;
      })
    : t;
/** A value as a field of COPY's text format: numbers need no escaping, text only where it has a special character. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number') return floatText(value);
  if (typeof value === 'bigint') return String(value);
  return escapeText(text(value));
}

/** Bytes past this size are written as hex a slice at a time, never as one text of twice their size. */
const LARGE_BYTES = 1 << 20;

/** Rows as COPY text, in pieces of at most 512 rows or one large value's slice; `unfit` says why a column's value cannot be written. */
function* copyText(rows: readonly Row[], unfit: (column: number, value: string, reason: string) => Error): Generator<string> {
  let piece = '';
  let count = 0;
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      if (c > 0) piece += '\t';
      const value = row[c];
      if (!Buffer.isBuffer(value) || value.length <= LARGE_BYTES) {
        try {
          piece += copyField(value);
        } catch (e) {
          if (e instanceof NulInText) throw unfit(c, 'text with a NUL character', 'PostgreSQL text cannot hold NUL (0x00)');
          throw e;
        }
        continue;
      }
      // COPY's text of bytea is `\\x` and hex digits, which need no escaping: sent in slices.
      yield `${piece}\\\\x`;
      piece = '';
      for (let at = 0; at < value.length; at += LARGE_BYTES) yield value.toString('hex', at, Math.min(value.length, at + LARGE_BYTES));
    }
    piece += '\n';
    if (++count % 512 === 0) {
      yield piece;
      piece = '';
    }
  }
  if (piece !== '') yield piece;
}

const literal = (value: unknown): string => quoteLiteral(text(value));

/**
 * Whether every one of the columns has a built-in type, and the database's encoding. Only built-in
 * types mean the same bytes in every database: a user type's binary form (an array or record of it)
 * names its oid, and an enum hashes by the oids of its labels, which differ between databases.
 */
async function typesOf(client: Client, table: TableName, columns: readonly string[]): Promise<{ builtin: boolean; encoding: string }> {
  const { rows } = await client.query<{ n: number; builtin: boolean | null; encoding: string }>(
    `SELECT count(*)::int AS n, bool_and(atttypid < 16384) AS builtin, current_setting('server_encoding') AS encoding
       FROM pg_attribute WHERE attrelid = $1::regclass AND attname = ANY($2) AND NOT attisdropped`,
    [qname(table), columns],
  );
  const row = rows[0];
  return { builtin: row !== undefined && row.n === columns.length && row.builtin === true, encoding: row?.encoding ?? '' };
}

/**
 * COPY's binary format skips printing and parsing every value, most of what a load costs the
 * servers. It moves safely between databases only for built-in types and, since binary text is not
 * converted, between databases of one encoding: so a format names the encoding, and the reader and
 * writer agree only when theirs are the same.
 */
async function rawFormats(client: Client, table: TableName, columns: readonly string[]): Promise<string[]> {
  const { builtin, encoding } = await typesOf(client, table, columns);
  return builtin ? [`binary/${encoding}`, 'text'] : ['text'];
}

const copyFormat = (format: string): string => (format.startsWith('binary/') ? ' (FORMAT binary)' : '');

/** The values of an integer key, read from its index's ends, and how many values make `rows` rows on average. */
interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
  readonly rows: number;
  span(rows: number): bigint;
}

/** How a column is read: bytea as its bytes, anything else as the text of its type's output function (what COPY's text format holds). */
interface ReadColumn {
  readonly expression: string;
  readonly bytea: boolean;
}

/**
 * A bounded read of the columns as one binary COPY carries them. The output function is called by
 * name rather than through a cast to text, which for boolean, character(n), inet and cidr writes
 * something else (`true`, trimmed, with a netmask).
 */
function readSql(table: TableName, options: ReadOptions, columns: readonly ReadColumn[]): string {
  const where = keyBounds(options, quoteIdent, literal);
  const key = options.key ?? [];
  // Aliased, so that ORDER BY names the table's columns, not the expressions.
  const select = columns.map((c, i) => `${c.expression} AS c${i}`).join(', ');
  const order = key.length > 0 && options.anyOrder !== true ? ` ORDER BY ${key.map(quoteIdent).join(', ')}` : '';
  return `SELECT ${select} FROM ${qname(table)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}${order}`;
}

function reader(client: Client): RowReader {
  const ranges = new Map<string, Promise<IntegerRange | undefined>>();
  const read = new Map<string, Promise<ReadColumn[]>>();
  /** The read of each column, from the catalog (cached per table and columns: the snapshot does not change). */
  const readColumns = (table: TableName, columns: readonly string[]): Promise<ReadColumn[]> => {
    const id = JSON.stringify([qname(table), columns]);
    let found = read.get(id);
    if (found === undefined) {
      found = (async () => {
        const { rows } = await client.query<{ name: string; out: string; bytea: boolean }>(
          `SELECT attname AS name, typoutput::regproc::text AS out, atttypid = 17 AS bytea
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE attrelid = $1::regclass AND attname = ANY($2) AND attnum > 0 AND NOT attisdropped`,
          [qname(table), columns],
        );
        const byName = new Map(rows.map((r) => [r.name, r]));
        return columns.map((name) => {
          const c = byName.get(name);
          // Not a column of the table: the server names what is wrong when the read runs.
          if (c === undefined) return { expression: quoteIdent(name), bytea: false };
          return c.bytea ? { expression: quoteIdent(name), bytea: true } : { expression: `textin(${c.out}(${quoteIdent(name)}))`, bytea: false };
        });
      })();
      read.set(id, found);
    }
    return found;
  };
  /** The range of a key column of an integer type (cached per table: the snapshot does not change); undefined for other types. */
  const integerRange = (table: TableName, column: string): Promise<IntegerRange | undefined> => {
    const id = `${qname(table)}.${quoteIdent(column)}`;
    let range = ranges.get(id);
    if (range === undefined) {
      range = (async () => {
        const { rows: types } = await client.query<{ integer: boolean }>(
          'SELECT atttypid IN (20, 21, 23) AS integer FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2',
          [qname(table), column],
        );
        if (types[0]?.integer !== true) return undefined;
        const { rows } = await client.query<{ min: string | null; max: string | null; n: number }>(
          `SELECT min(${quoteIdent(column)})::text AS min, max(${quoteIdent(column)})::text AS max, (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = $1::regclass) AS n FROM ${qname(table)}`,
          [qname(table)],
        );
        const row = rows[0];
        if (row?.min == null || row.max == null) return { min: 0n, max: 0n, rows: 0, span: () => 1n };
        const min = BigInt(row.min);
        const max = BigInt(row.max);
        const width = max - min + 1n;
        // Without statistics, assume every value is used.
        const count = row.n > 0 ? row.n : Number(width);
        return { min, max, rows: count, span: (n) => BigInt(Math.max(1, Math.ceil((Number(width) / count) * n))) };
      })();
      ranges.set(id, range);
    }
    return range;
  };
  return {
    async *readBatches(table: TableName, options: ReadOptions) {
      const columns = await readColumns(table, options.columns);
      const stream = client.query(await copyOut(`COPY (${readSql(table, options, columns)}) TO STDOUT (FORMAT binary)`));
      yield* batched(
        copyBinaryRows(
          stream,
          columns.map((c) => c.bytea),
        ),
        options.batchRows,
        options.batchBytes ?? BATCH_BYTES,
      );
    },
    async count(table, where) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qname(table)}${whereSql(where)}`);
      return Number(rows[0]?.n ?? 0);
    },
    quote: quoteIdent,
    valueBytes: (column, type) => (type.kind === 'binary' || type.kind === 'text' ? `octet_length(${column})` : `octet_length(${column}::text)`),
    async probe(table, where) {
      await client.query(`SELECT 1 FROM ${qname(table)}${whereSql(where)} LIMIT 0`);
    },
    // Each row hashed by the server, summed in numeric so that it never overflows. By value: each
    // column with its type's own hash function (row-hash.ts), several times cheaper than text, for
    // built-in types (typesOf); by text: the row's text with the one text hash partitioning keeps
    // stable across versions, for the rest and for types without a hash function (json, point, ...).
    async checksum(table, columns, where, by) {
      const types = by === 'value' ? await typesOf(client, table, columns) : undefined;
      if (types !== undefined && !types.builtin) return undefined;
      const hash = by === 'value' ? await rowHashSql(client, table, columns) : `hashtextextended(ROW(${columns.map(quoteIdent).join(', ')})::text, 0)`;
      const sql = `SELECT count(*) AS n, coalesce(sum(${hash}), 0)::text AS s FROM ${qname(table)}${whereSql(where)}`;
      if (by === 'text') return sumOf(await client.query<{ n: string; s: string }>(sql));
      // A failed statement would end the snapshot's transaction; a savepoint keeps it.
      await client.query('SAVEPOINT redb_checksum');
      try {
        const result = sumOf(await client.query<{ n: string; s: string }>(sql));
        await client.query('RELEASE SAVEPOINT redb_checksum');
        return result;
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT redb_checksum');
        return undefined;
      }
    },
    async portableChecksum(table, columns, where) {
      const text = canonicalRow(CANONICAL, columns, quoteIdent);
      if (text === undefined) return undefined;
      return sumOf(
        await client.query<{ n: string; s: string }>(
          `SELECT count(*) AS n, coalesce(sum(('x' || left(md5(${text}), 15))::bit(60)::bigint), 0)::text AS s FROM ${qname(table)}${whereSql(where)}`,
        ),
      );
    },
    // Key values as text, as COPY gives them to readBatches: they go back into SQL as literals.
    // A single integer key is cut into equal ranges of values, found without reading a row;
    // another key by skipping to the n-th one in an index-only scan (the last one if fewer are left).
    async chunkEnd(table, options) {
      const key = options.key ?? [];
      const range = key.length === 1 ? await integerRange(table, key[0] as string) : undefined;
      if (range !== undefined) {
        if (range.rows === 0) return undefined;
        const after = options.after === undefined ? range.min - 1n : BigInt(String(options.after[0]));
        if (after >= range.max) return undefined;
        const end = after + range.span(options.batchRows);
        return [String(end < range.max ? end : range.max)];
      }
      const quoted = key.map(quoteIdent);
      const where = keyBounds(options, quoteIdent, literal);
      // Aliased, so that ORDER BY sorts the typed columns.
      const select = `SELECT ${quoted.map((k, i) => `${k}::text AS k${i}`).join(', ')} FROM ${qname(table)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY `;
      const query = async (sql: string) => (await client.query<unknown[]>({ text: sql, rowMode: 'array' })).rows[0];
      return (
        (await query(`${select}${quoted.join(', ')} OFFSET ${options.batchRows - 1} LIMIT 1`)) ??
        query(`${select}${quoted.map((k) => `${k} DESC`).join(', ')} LIMIT 1`)
      );
    },
    async estimate(table) {
      const { rows } = await client.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass', [qname(table)]);
      const n = rows[0]?.n;
      // -1 (0 before PostgreSQL 14): never analysed; an empty table is counted, at no cost.
      return n === undefined || n <= 0 ? undefined : Math.round(n);
    },
    rawFormats: (table, columns) => rawFormats(client, table, columns),
    async readRaw(table, options, format) {
      const select =
        options.pages === undefined
          ? selectSql(qname(table), options, quoteIdent, literal)
          : `SELECT ${quotedColumns(options.columns)} FROM ${qname(table)} WHERE ${[...pageBounds(options.pages), ...(options.where === undefined ? [] : [`(${options.where})`])].join(' AND ')}`;
      return client.query(await copyOut(`COPY (${select}) TO STDOUT${copyFormat(format)}`));
    },
    pageChunks: (table, rows) => pageChunks(client, table, rows),
    changedSince: (table, mark) => changedSince(client, table, mark),
    markCondition,
  };
}

/**
 * One REPEATABLE READ transaction exports its snapshot (pg_export_snapshot); every other reader
 * imports it (SET TRANSACTION SNAPSHOT), so parallel copies all see the same database.
 */
const openSource = (target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> => openSnapshotSource(target, jobs, undefined);

/** Readers that all import `snapshot`, exported elsewhere (a replication slot's), or one of their own. */
export async function openSnapshotSource(target: DbTarget, jobs: number, exported: string | undefined): Promise<RowSource> {
  const clients: Client[] = [];
  const close = async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  };
  try {
    const first = await open(target);
    clients.push(first);
    await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (exported !== undefined) await first.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(exported)}`);
    const { rows } = exported === undefined ? await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id') : { rows: [{ id: exported }] };
    const snapshot = rows[0]?.id as string;
    // The others at once: each connection's start-up is a round trip or several.
    await openAll(clients, jobs - 1, target, async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)}`);
    });
  } catch (e) {
    await close();
    throw e;
  }
  return { readers: clients.map(reader), close };
}

/** `count` more connections opened and prepared at once, added to `clients` as they open (those opened too when another fails, for the caller to close). */
async function openAll(clients: Client[], count: number, target: DbTarget, prepare: (client: Client) => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      const client = await open(target);
      clients.push(client);
      await prepare(client);
      return client;
    }),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** Rows into a table of the client's database by COPY (the bulk path clone and replication share). */
export function copyWriter(client: Client, targetName: string): RowWriter {
  return {
    async write(table, columns, rows) {
      const { from } = await import('pg-copy-streams');
      const unfit = (c: number, value: string, reason: string) => errors.cloneValueUnfit(targetName, table.name, columns[c] as string, value, reason);
      await pipeline(Readable.from(copyText(rows, unfit)), client.query(from(`COPY ${qname(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`)));
    },
    rawFormats: (table, columns) => rawFormats(client, table, columns),
    async writeRaw(table, columns, rows, format, record) {
      const copy = `COPY ${qname(table)} (${quotedColumns(columns)}) FROM STDIN${copyFormat(format)}`;
      if (record !== undefined) return copyInRecorded(client, copy, rows, record);
      const { from } = await import('pg-copy-streams');
      const sink = client.query(from(copy));
      await pipeline(rows, sink);
      return sink.rowCount;
    },
    async deleteKeys(table, key, keys) {
      if (keys.length === 0) return;
      const tuple = (values: readonly unknown[]) => `(${values.map(literal).join(', ')})`;
      await client.query(`DELETE FROM ${qname(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${keys.map(tuple).join(', ')})`);
    },
  };
}

async function openTarget(target: DbTarget, { jobs }: { jobs: number }): Promise<RowTarget> {
  const clients: Client[] = [];
  const close = async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  };
  try {
    // Foreign keys are checked by triggers; a superuser can switch them off for the load.
    await openAll(clients, jobs, target, async (client) => {
      await client.query('SET session_replication_role = replica').catch(() => undefined);
    });
  } catch (e) {
    await close();
    throw e;
  }
  const main = clients[0] as Client;
  return {
    foreignKeysAtCreate: false,
    keysAfterLoad: true,
    checksForeignKeys: false,
    rectangularArrays: true,
    writers: clients.map((c) => copyWriter(c, target.name)),
    async count(table) {
      const { rows } = await main.query<{ n: string }>(`SELECT count(*) AS n FROM ${qname(table)}`);
      return Number(rows[0]?.n ?? 0);
    },
    async truncate(tables) {
      if (tables.length > 0) await main.query(`TRUNCATE ${tables.map(qname).join(', ')}`);
    },
    async finishTable(table: Table) {
      for (const c of table.columns.filter((x) => x.identity !== undefined || /nextval\(/i.test(x.default ?? ''))) {
        await main.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT max(${quoteIdent(c.name)}) AS m FROM ${qname(table)}) s WHERE m IS NOT NULL`,
          [qname(table), c.name],
        );
      }
    },
    chunksDone: (job, table) => chunksDone(main, job, table),
    forgetChunks: (job, table) => forgetChunks(main, job, table),
    keepOnly: (table, key, fill) => keepOnly(main, table, key, fill),
    close,
  };
}

/** The database's name on a server told apart by its start time and port (host names and addresses may alias one another). */
async function identity(target: DbTarget): Promise<string> {
  const client = await open(target);
  try {
    const { rows } = await client.query<{ id: string }>(
      "SELECT current_database() || '@' || pg_postmaster_start_time()::text || ':' || coalesce(inet_server_port(), 0) AS id",
    );
    return `postgres:${rows[0]?.id ?? ''}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresRows: RowsAdapter = { openSource, openTarget, identity };
