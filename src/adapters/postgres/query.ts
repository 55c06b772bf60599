/**
 * Read-only queries for the MCP server. The engine keeps them read-only, not a parser: the session
 * starts with default_transaction_read_only and a statement timeout, the query runs inside
 * BEGIN READ ONLY as the body of a cursor, sent with the extended protocol (which refuses more than
 * one statement), and the login must be a plain role (no superuser, no role creation, no RLS bypass).
 * A cursor can only wrap a query (SELECT, VALUES, TABLE, WITH without data-modifying parts), and it
 * lets redb fetch only as many rows as it will return.
 */
import type { Client, FieldDef, QueryConfig, QueryResult } from 'pg';
import { errors } from '../../errors.js';
import type { ColumnSource, DbTarget, ReadOnlyDriver, ReadOnlySession, ResultColumn } from '../adapter.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

const CURSOR = 'redb_mcp_read';
const BATCH = 100;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Built-in roles whose rights reach past the database: server files, programs, other sessions. */
const SERVER_ROLES = ['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend'];

/**
 * Refuse a login that can do more than read: the read-only transaction alone does not stop a
 * superuser, or a member of the server-file roles, reading files on the server.
 */
async function checkPlainRole(client: Client, name: string): Promise<void> {
  const { rows } = await client.query<{ power: string | null }>(
    `SELECT concat_ws(', ', CASE WHEN rolsuper THEN 'superuser' END, CASE WHEN rolcreaterole THEN 'may create roles' END,
            CASE WHEN rolbypassrls THEN 'bypasses row security' END, CASE WHEN rolreplication THEN 'replication' END,
            (SELECT 'member of ' || string_agg(b.rolname, ', ') FROM pg_roles b WHERE b.rolname = ANY($1) AND pg_has_role(current_user, b.oid, 'USAGE'))) AS power
       FROM pg_roles WHERE rolname = current_user`,
    [SERVER_ROLES],
  );
  const power = rows[0]?.power ?? '';
  if (power !== '') throw errors.mcpReadRoleUnsafe(name, `the login is ${power}`);
}

/** Map result fields to the table columns they come from, through the catalog. */
async function sources(client: Client, fields: readonly FieldDef[]): Promise<ResultColumn[]> {
  const ids = [...new Set(fields.map((f) => f.tableID).filter((id) => id !== 0))];
  const { rows } = ids.length === 0
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

async function open(target: DbTarget, options: { readonly timeoutMs: number }): Promise<ReadOnlySession> {
  const { default: pg } = await import('pg');
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
    await checkPlainRole(client, target.name);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
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
        throw errors.mcpQueryFailed(target.name, message(e)).because(e);
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
            throw errors.mcpQueryFailed(target.name, message(e)).because(e);
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

/**
 * A login that reads every table (pg_read_all_data, PostgreSQL 14+; SELECT on each schema's tables
 * before that) and whose sessions start read-only. Run again, it resets the password.
 */
async function createReadRole(target: DbTarget, role: string, password: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target.url, application_name: 'redb', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  try {
    const r = quoteIdent(role);
    const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${quoteLiteral(password)}`;
    await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${r} ${attributes}`);
    await client.query(`ALTER ROLE ${r} SET default_transaction_read_only = on`);
    const { rows } = await client.query<{ version: number; db: string }>(`SELECT current_setting('server_version_num')::int AS version, current_database() AS db`);
    const { version, db } = rows[0] as { version: number; db: string };
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${r}`);
    if (version >= 140000) {
      await client.query(`GRANT pg_read_all_data TO ${r}`);
      return;
    }
    const schemas = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`);
    for (const { nspname } of schemas.rows) {
      const s = quoteIdent(nspname);
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
      await client.query(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
    }
  } catch (e) {
    throw errors.mcpGrantFailed(target.name, message(e)).because(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresReadOnly: ReadOnlyDriver = { open, quote: quoteIdent, createReadRole };
