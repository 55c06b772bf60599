import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { Table } from '../../unified/index.js';
import type { DbTarget } from '../adapter.js';
import { batched, keyBounds, selectSql, type ReadOptions, type Row, type RowReader, type RowsAdapter, type RowSource, type RowTarget, type RowWriter, type TableName } from '../rows.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * PostgreSQL rows through COPY in both directions, in the text format: every value arrives as the
 * server's text (or null) and leaves as text the server parses by the column's type. Sessions run
 * in UTC with ISO dates, so timestamps read and written here need no zone arithmetic.
 */

const SESSION = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'postgres'; SET extra_float_digits TO 3; SET bytea_output TO 'hex'";

async function open(target: DbTarget): Promise<Client> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target.url, application_name: 'redb clone', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(SESSION);
  } catch (e) {
    await client.end().catch(() => undefined);
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    throw errors.dbUnreachable(target.name, inner instanceof Error && inner.message !== '' ? inner.message : String((inner as { code?: unknown }).code ?? inner)).because(e);
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
const copyField = (value: unknown): string => (value === null || value === undefined ? '\\N' : text(value).replace(/[\\\n\r\t]/g, (c) => ESCAPES[c] as string));
const literal = (value: unknown): string => quoteLiteral(text(value));

const UNESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_all, octal: string | undefined, hex: string | undefined, c: string) =>
    octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (UNESCAPES[c] ?? c),
  );
}

/** Rows of a COPY TO text stream; a raw newline always ends a row (newlines in data are escaped). */
async function* copyRows(stream: AsyncIterable<Buffer>): AsyncGenerator<Row> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      yield data.toString('utf8', start, end).split('\t').map(unescapeField);
      start = end + 1;
    }
    rest = data.subarray(start);
  }
}

function reader(client: Client): RowReader {
  return {
    async *readBatches(table: TableName, options: ReadOptions) {
      const { to } = await import('pg-copy-streams');
      const stream = client.query(to(`COPY (${selectSql(qname(table), options, quoteIdent, literal)}) TO STDOUT`));
      yield* batched(copyRows(stream), options.batchRows);
    },
    async count(table, where) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qname(table)}${where === undefined ? '' : ` WHERE (${where})`}`);
      return Number(rows[0]?.n ?? 0);
    },
    // The sum of each row's 64-bit text hash (the one hash partitioning keeps stable across
    // versions; several times cheaper than md5), in numeric so that it never overflows.
    async checksum(table, columns, where) {
      const row = `ROW(${columns.map(quoteIdent).join(', ')})::text`;
      const { rows } = await client.query<{ n: string; s: string }>(
        `SELECT count(*) AS n, coalesce(sum(hashtextextended(${row}, 0)), 0)::text AS s FROM ${qname(table)}${where === undefined ? '' : ` WHERE (${where})`}`,
      );
      return { rows: Number(rows[0]?.n ?? 0), checksum: rows[0]?.s ?? '0' };
    },
    // Key values as text, as COPY gives them to readBatches: they go back into SQL as literals
    // (aliased, so that ORDER BY sorts the typed columns). An index-only scan skips to the n-th
    // key; with fewer rows left, the last one ends the chunk.
    async chunkEnd(table, options) {
      const key = (options.key ?? []).map(quoteIdent);
      const where = keyBounds(options, quoteIdent, literal);
      const select = `SELECT ${key.map((k, i) => `${k}::text AS k${i}`).join(', ')} FROM ${qname(table)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY `;
      const query = async (sql: string) => (await client.query<unknown[]>({ text: sql, rowMode: 'array' })).rows[0];
      return (await query(`${select}${key.join(', ')} OFFSET ${options.batchRows - 1} LIMIT 1`)) ?? query(`${select}${key.map((k) => `${k} DESC`).join(', ')} LIMIT 1`);
    },
    async readRaw(table, options) {
      const { to } = await import('pg-copy-streams');
      return client.query(to(`COPY (${selectSql(qname(table), options, quoteIdent, literal)}) TO STDOUT`));
    },
  };
}

/**
 * One REPEATABLE READ transaction exports its snapshot (pg_export_snapshot); every other reader
 * imports it (SET TRANSACTION SNAPSHOT), so parallel copies all see the same database.
 */
async function openSource(target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> {
  const clients: Client[] = [];
  const close = async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  };
  try {
    const first = await open(target);
    clients.push(first);
    await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const snapshot = rows[0]?.id as string;
    for (let i = 1; i < jobs; i++) {
      const client = await open(target);
      clients.push(client);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)}`);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { readers: clients.map(reader), close };
}

function writer(client: Client): RowWriter {
  return {
    async write(table, columns, rows) {
      const { from } = await import('pg-copy-streams');
      const lines = function* () {
        for (let i = 0; i < rows.length; i += 512) {
          yield rows
            .slice(i, i + 512)
            .map((row) => `${row.map(copyField).join('\t')}\n`)
            .join('');
        }
      };
      await pipeline(Readable.from(lines()), client.query(from(`COPY ${qname(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`)));
    },
    async writeRaw(table, columns, rows) {
      const { from } = await import('pg-copy-streams');
      const sink = client.query(from(`COPY ${qname(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`));
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
    for (let i = 0; i < jobs; i++) clients.push(await open(target));
    // Foreign keys are checked by triggers; a superuser can switch them off for the load.
    for (const client of clients) await client.query('SET session_replication_role = replica').catch(() => undefined);
  } catch (e) {
    await close();
    throw e;
  }
  const main = clients[0] as Client;
  return {
    foreignKeysAtCreate: false,
    keysAfterLoad: true,
    checksForeignKeys: false,
    writers: clients.map(writer),
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
    close,
  };
}

export const postgresRows: RowsAdapter = { openSource, openTarget };
