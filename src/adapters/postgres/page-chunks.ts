import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import type { ChunkRecord, PageChunking, PageRange, TableName } from '../rows.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * Reading a table in physical order, a range of pages at a time (`ctid` bounds, which PostgreSQL 14
 * and later read with a TID range scan: only those pages, no index walked), and recording in the
 * target, in the transaction that commits a chunk's rows, that the chunk is done. A resumed copy
 * reads the pages no chunk covers yet.
 */

/** Pages per chunk when the table has no statistics yet: rows per page of a narrow table. */
const ROWS_PER_PAGE_GUESS = 100;

/** The bounds of a page range, for a WHERE clause. */
export const pageBounds = (pages: PageRange): string[] => [
  `ctid >= '(${pages.from},0)'::tid`,
  ...(pages.to === undefined ? [] : [`ctid < '(${pages.to},0)'::tid`]),
];

/**
 * Chunks of about `rows` rows for a plain table, read in the transaction's snapshot; undefined
 * before PostgreSQL 14 (a ctid bound would scan the whole table), and for a partitioned table or a
 * table with inheritance children (their rows are not in the table's own pages).
 */
export async function pageChunks(client: Client, table: TableName, rows: number): Promise<PageChunking | undefined> {
  const { rows: found } = await client.query<{ version: number; plain: boolean; tuples: number; pages: number; size: number; mark: string }>(
    `SELECT current_setting('server_version_num')::int AS version, relkind = 'r' AND NOT relhassubclass AS plain,
            greatest(reltuples, 0)::float8 AS tuples, relpages::float8 AS pages,
            (pg_relation_size(oid) / current_setting('block_size')::int)::float8 AS size,
            pg_relation_filenode(oid)::text || ':' || pg_snapshot_xmin(pg_current_snapshot())::text AS mark
       FROM pg_class WHERE oid = $1::regclass`,
    [qname(table)],
  );
  const c = found[0];
  if (c === undefined || c.version < 140000 || !c.plain) return undefined;
  const perPage = c.tuples > 0 && c.pages > 0 ? c.tuples / c.pages : ROWS_PER_PAGE_GUESS;
  return { pages: c.size, pagesPerChunk: Math.max(1, Math.ceil(rows / perPage)), mark: c.mark };
}

/**
 * Whether a row may have been written or moved since the snapshot of `mark`: the table was
 * rewritten (VACUUM FULL, CLUSTER, TRUNCATE give it a new file), or a row version visible now was
 * made by a transaction at or after that snapshot's xmin (conservative: it may count one that the
 * snapshot saw). age() measures both from the same point, so no xid arithmetic crosses an epoch.
 */
export async function changedSince(client: Client, table: TableName, mark: string): Promise<boolean> {
  const [node, xmin] = mark.split(':');
  const { rows } = await client.query<{ changed: boolean }>(
    `SELECT pg_relation_filenode($1::regclass)::text IS DISTINCT FROM $2
         OR pg_snapshot_xmin(pg_current_snapshot())::text::numeric - $3::numeric > 1000000000
         OR EXISTS (SELECT 1 FROM ${qname(table)} WHERE age(xmin) <= age(($3::numeric % 4294967296)::text::xid)) AS changed`,
    [qname(table), node ?? '', xmin ?? '0'],
  );
  return rows[0]?.changed !== false;
}

/** Row versions written since the snapshot of `mark` (by its xmin, as changedSince counts them), or before it. */
export function markCondition(mark: string, changed: boolean): string {
  const xid = BigInt(mark.split(':')[1] ?? '0') % 4294967296n;
  return `age(xmin) ${changed ? '<=' : '>'} age('${xid}'::xid)`;
}

/** The rows of `table` whose key `fill` does not write into a scratch table beside the chunk records are deleted. */
export async function keepOnly(client: Client, table: TableName, key: readonly string[], fill: (keys: TableName) => Promise<number>): Promise<number> {
  const scratch = { schema: HISTORY_SCHEMA, name: `resume_keys_${process.pid}_${Math.random().toString(36).slice(2, 10)}` };
  const cols = quotedColumns(key);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA}`);
  await client.query(`CREATE UNLOGGED TABLE ${qname(scratch)} AS SELECT ${cols} FROM ${qname(table)} WITH NO DATA`);
  try {
    await fill(scratch);
    await client.query(`ANALYZE ${qname(scratch)}`);
    const match = key.map((k) => `s.${quoteIdent(k)} = t.${quoteIdent(k)}`).join(' AND ');
    const r = await client.query(`DELETE FROM ${qname(table)} AS t WHERE NOT EXISTS (SELECT 1 FROM ${qname(scratch)} AS s WHERE ${match})`);
    return r.rowCount ?? 0;
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${qname(scratch)}`);
  }
}

const CHUNKS = `${HISTORY_SCHEMA}.clone_chunks`;

/** Where the target records its committed chunks: beside the migration history, in a schema the introspector skips. */
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${CHUNKS} (
  job text NOT NULL, source_table text NOT NULL, first_page bigint NOT NULL, end_page bigint, rows bigint NOT NULL, mark text NOT NULL,
  PRIMARY KEY (job, source_table, first_page))`;

/** The job's recorded chunks of `table`; undefined when the login may not make the place for them (then nothing is recorded). */
export async function chunksDone(client: Client, job: string, table: string): Promise<ChunkRecord[] | undefined> {
  try {
    await client.query(CREATE);
  } catch (e) {
    // insufficient_privilege: a login that may write the tables but not create a schema.
    if ((e as { code?: unknown }).code === '42501') return undefined;
    throw e;
  }
  const { rows } = await client.query<{ first: string; end: string | null; rows: string; mark: string }>(
    `SELECT first_page::text AS first, end_page::text AS end, rows::text AS rows, mark FROM ${CHUNKS} WHERE job = $1 AND source_table = $2 ORDER BY first_page`,
    [job, table],
  );
  return rows.map((r) => ({
    job,
    table,
    pages: { from: Number(r.first), to: r.end === null ? undefined : Number(r.end) },
    rows: Number(r.rows),
    mark: r.mark,
  }));
}

export async function forgetChunks(client: Client, job: string, table: string | undefined): Promise<void> {
  try {
    await forget(client, job, table);
  } catch (e) {
    // A table of records made by another login, which this one may not clean up: left as it is.
    if ((e as { code?: unknown }).code !== '42501') throw e;
  }
}

async function forget(client: Client, job: string, table: string | undefined): Promise<void> {
  const { rows } = await client.query<{ there: boolean }>('SELECT to_regclass($1) IS NOT NULL AS there', [CHUNKS]);
  if (rows[0]?.there !== true) return;
  if (table === undefined) await client.query(`DELETE FROM ${CHUNKS} WHERE job = $1`, [job]);
  else await client.query(`DELETE FROM ${CHUNKS} WHERE job = $1 AND source_table = $2`, [job, table]);
  if (table !== undefined) return;
  // The last clone to finish leaves no trace: the table goes, and the schema if nothing else is in it.
  await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM ${CHUNKS}) THEN
        DROP TABLE ${CHUNKS};
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = '${HISTORY_SCHEMA}'::regnamespace)
           AND NOT EXISTS (SELECT 1 FROM pg_type WHERE typnamespace = '${HISTORY_SCHEMA}'::regnamespace)
           AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = '${HISTORY_SCHEMA}'::regnamespace) THEN
          DROP SCHEMA ${HISTORY_SCHEMA};
        END IF;
      END IF;
    END $$`);
}

/** COPY `rows` in and record the chunk, in one transaction; resolves to the rows written. */
export async function copyInRecorded(client: Client, copy: string, rows: Readable, record: Omit<ChunkRecord, 'rows'>): Promise<number> {
  const { from } = await import('pg-copy-streams');
  await client.query('BEGIN');
  try {
    const sink = client.query(from(copy));
    await pipeline(rows, sink);
    const n = sink.rowCount;
    await client.query(`INSERT INTO ${CHUNKS} (job, source_table, first_page, end_page, rows, mark) VALUES ($1, $2, $3, $4, $5, $6)`, [
      record.job,
      record.table,
      record.pages.from,
      record.pages.to ?? null,
      n,
      record.mark,
    ]);
    await client.query('COMMIT');
    return n;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export const quotedColumns = (columns: readonly string[]): string => columns.map(quoteIdent).join(', ');
