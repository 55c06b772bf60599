/**
 * Read-only queries for the MCP server. The engine keeps them read-only, not a parser: the session
 * starts with default_transaction_read_only and a statement timeout, the query runs inside
 * BEGIN READ ONLY as the body of a cursor, sent with the extended protocol (which refuses more than
 * one statement). A cursor can only wrap a query (SELECT, VALUES, TABLE, WITH without data-modifying
 * parts), and it lets redb fetch only as many rows as it will return. Before a client's SQL runs,
 * the login must be a plain role that reaches nothing beyond its grants and whose column grants are
 * no wider than the policy (read-checks.ts): what the policy masks or denies, the engine refuses in
 * any part of a statement.
 */
import type { Client, FieldDef, QueryConfig, QueryResult } from 'pg';
import { errors, RedbError } from '../../errors.js';
import type { ColumnSource, DbTarget, ReadOnlyDriver, ReadOnlySession, ReadOptions, ResultColumn } from '../adapter.js';
import { loadPg } from './load-pg.js';
import { checkReadLogin } from './read-checks.js';
import { createReadRole } from './read-role.js';
import { quoteIdent } from './sql-text.js';

const CURSOR = 'redb_mcp_read';
const BATCH = 100;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Map result fields to the table columns they come from, through the catalog. */
async function sources(client: Client, fields: readonly FieldDef[]): Promise<ResultColumn[]> {
  const ids = [...new Set(fields.map((f) => f.tableID).filter((id) => id !== 0))];
  const { rows } =
    ids.length === 0
      ? { rows: [] }
      : await client.query<{ oid: number; attnum: number; nspname: string; relname: string; attname: string }>(
          `SELECT c.oid::int AS oid, a.attnum, n.nspname, c.relname, a.attname
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
          WHERE c.oid = ANY($1::oid[]) AND a.attnum > 0`,
          [ids],
        );
  const byKey = new Map<string, ColumnSource>(rows.map((r) => [`${r.oid}:${r.attnum}`, { schema: r.nspname, table: r.relname, column: r.attname }]));
  return fields.map((f) => ({ name: f.name, source: byKey.get(`${f.tableID}:${f.columnID}`) }));
}

/** A refusal for want of privilege is the read plan at work (a masked column, a table added since the grant): say so. */
function failed(target: DbTarget, options: ReadOptions, e: unknown): RedbError {
  const code = (e as { code?: unknown }).code;
  if (code === '42501' && options.trusted !== true) return errors.mcpNotGranted(target.name, message(e)).because(e);
  return errors.mcpQueryFailed(target.name, message(e)).because(e);
}

async function open(target: DbTarget, options: ReadOptions): Promise<ReadOnlySession> {
  const pg = await loadPg();
  const client = new pg.Client({
    connectionString: target.url,
    application_name: 'redb-mcp',
    connectionTimeoutMillis: 15_000,
    // Start-up parameters: the session is read-only and time-boxed before the first statement arrives.
    options: `-c default_transaction_read_only=on -c statement_timeout=${Math.max(1, Math.floor(options.timeoutMs))}`,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  try {
    if (options.trusted !== true) await checkReadLogin(client, target.name, options.policy);
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  const fetch = (n: number) => client.query<unknown[]>({ text: `FETCH FORWARD ${n} FROM ${CURSOR}`, rowMode: 'array' });
  return {
    async query(sql, { maxRows }) {
      const batch = Math.min(BATCH, maxRows + 1);
      let first: QueryResult<unknown[]>;
      try {
        await client.query('BEGIN READ ONLY');
        // The extended protocol refuses a string of several statements. pg sends a query without
        // parameters by the simple protocol unless told otherwise (`values: []` alone is not enough).
        await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, values: [], queryMode: 'extended' } as QueryConfig);
        first = await fetch(batch);
      } catch (e) {
        throw failed(target, options, e);
      }
      const columns = await sources(client, first.fields);
      async function* rows(): AsyncGenerator<unknown[]> {
        let current = first;
        for (;;) {
          yield* current.rows;
          if (current.rows.length < batch) return;
          try {
            current = await fetch(batch);
          } catch (e) {
            throw failed(target, options, e);
          }
        }
      }
      return { columns, rows: rows() };
    },
    close: async () => {
      // Ending the session rolls the read-only transaction back.
      await client.end().catch(() => undefined);
    },
  };
}

export const postgresReadOnly: ReadOnlyDriver = { open, quote: quoteIdent, createReadRole };
