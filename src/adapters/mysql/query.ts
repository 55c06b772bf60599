/**
 * Read-only queries for the MCP server on MariaDB/MySQL. The server keeps them read-only: the login
 * may only SELECT what the policy allows (checked before each query, read-checks.ts; the server then
 * refuses a masked or denied column in any part of a statement), the query runs inside START
 * TRANSACTION READ ONLY, the text protocol refuses several statements (multipleStatements off), a
 * statement timeout applies, and sql_select_limit stops the server producing more rows than redb
 * returns.
 */
import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadOnlyDriver, ReadOnlySession, ReadOptions } from '../adapter.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { checkReadLogin } from './read-checks.js';
import { createReadRole } from './read-role.js';
import { isQuery } from './statement-kind.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const connectTo = (target: DbTarget): Promise<Driver> => openMysql(target);

/** ER_TABLEACCESS_DENIED_ERROR, ER_COLUMNACCESS_DENIED_ERROR: the read plan at work. */
const NOT_GRANTED = new Set([1142, 1143]);

async function open(target: DbTarget, options: ReadOptions): Promise<ReadOnlySession> {
  const driver = await connectTo(target);
  try {
    if (options.trusted !== true) await checkReadLogin(driver, target.name, parseMysqlUrl(target.url).database, options.policy);
    const [version] = await driver.query('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test((version as { v: string }[])[0]?.v ?? '');
    // MariaDB counts seconds, MySQL milliseconds (and only for SELECT).
    await driver.query(
      mariadb ? `SET SESSION max_statement_time = ${options.timeoutMs / 1000}` : `SET SESSION max_execution_time = ${Math.floor(options.timeoutMs)}`,
    );
  } catch (e) {
    await driver.end().catch(() => undefined);
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  return {
    async query(sql, { maxRows }) {
      if (options.trusted !== true && !isQuery(sql)) throw errors.mcpQueryFailed(target.name, 'only a query may run: SELECT, WITH ... SELECT or VALUES');
      try {
        await driver.query(`SET SESSION sql_select_limit = ${maxRows + 1}`);
        await driver.query('START TRANSACTION READ ONLY');
        const [rows, fields] = await driver.query({ sql, rowsAsArray: true });
        const columns = (fields ?? []).map((f) => ({
          name: f.name,
          // Tables carry no schema in the model (the database is the binding), so neither does a source.
          source: f.orgTable === '' || f.orgName === '' ? undefined : { table: f.orgTable, column: f.orgName },
        }));
        const list = Array.isArray(rows) ? (rows as unknown[][]) : [];
        return {
          columns,
          rows: (async function* () {
            yield* list;
          })(),
        };
      } catch (e) {
        const errno = (e as { errno?: unknown }).errno;
        if (options.trusted !== true && typeof errno === 'number' && NOT_GRANTED.has(errno)) throw errors.mcpNotGranted(target.name, message(e)).because(e);
        throw errors.mcpQueryFailed(target.name, message(e)).because(e);
      }
    },
    close: async () => {
      await driver.end().catch(() => undefined);
    },
  };
}

export const mysqlReadOnly: ReadOnlyDriver = { open, quote: quoteIdent, createReadRole };
