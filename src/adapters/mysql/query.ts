/**
 * Read-only queries for the MCP server on MariaDB/MySQL. The server keeps them read-only: the login
 * may only SELECT (checked before each query), the query runs inside START TRANSACTION READ ONLY,
 * the text protocol refuses several statements (multipleStatements off), a statement timeout
 * applies, and sql_select_limit stops the server producing more rows than redb returns.
 */
import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadOnlyDriver, ReadOnlySession } from '../adapter.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const quoteString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const connectTo = (target: DbTarget): Promise<Driver> => openMysql(target);

/** Privileges the login holds beyond reading, globally or on its database. */
async function extraPrivileges(driver: Driver, database: string): Promise<string[]> {
  const grantee = `CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`;
  const [rows] = await driver.query(
    `SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${grantee} AND PRIVILEGE_TYPE NOT IN ('USAGE')
     UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${grantee} AND TABLE_SCHEMA = ? AND PRIVILEGE_TYPE NOT IN ('SELECT', 'SHOW VIEW')`,
    [database],
  );
  return (rows as { p: string }[]).map((r) => r.p);
}

async function open(target: DbTarget, options: { readonly timeoutMs: number }): Promise<ReadOnlySession> {
  const driver = await connectTo(target);
  try {
    const extra = await extraPrivileges(driver, parseMysqlUrl(target.url).database);
    if (extra.length > 0) throw errors.mcpReadRoleUnsafe(target.name, `the login also holds ${extra.slice(0, 5).join(', ')}`);
    const [version] = await driver.query('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test((version as { v: string }[])[0]?.v ?? '');
    // MariaDB counts seconds, MySQL milliseconds (and only for SELECT).
    await driver.query(mariadb ? `SET SESSION max_statement_time = ${options.timeoutMs / 1000}` : `SET SESSION max_execution_time = ${Math.floor(options.timeoutMs)}`);
  } catch (e) {
    await driver.end().catch(() => undefined);
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  return {
    async query(sql, { maxRows }) {
      try {
        await driver.query(`SET SESSION sql_select_limit = ${maxRows + 1}`);
        await driver.query('START TRANSACTION READ ONLY');
        const [rows, fields] = await driver.query({ sql, rowsAsArray: true });
        const columns = (fields ?? []).map((f) => ({
          name: f.name,
          source: f.orgTable === '' || f.orgName === '' ? undefined : { schema: f.db, table: f.orgTable, column: f.orgName },
        }));
        const list = Array.isArray(rows) ? (rows as unknown[][]) : [];
        return { columns, rows: (async function* () { yield* list; })() };
      } catch (e) {
        throw errors.mcpQueryFailed(target.name, message(e)).because(e);
      }
    },
    close: async () => {
      await driver.end().catch(() => undefined);
    },
  };
}

/** A user that may SELECT (and show views) in the target's database and nothing else. Run again, it resets the password. */
async function createReadRole(target: DbTarget, role: string, password: string): Promise<void> {
  const driver = await connectTo(target);
  try {
    const account = `${quoteString(role)}@'%'`;
    await driver.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quoteString(password)}`);
    await driver.query(`ALTER USER ${account} IDENTIFIED BY ${quoteString(password)}`);
    await driver.query(`GRANT SELECT, SHOW VIEW ON ${quoteIdent(parseMysqlUrl(target.url).database)}.* TO ${account}`);
  } catch (e) {
    throw errors.mcpGrantFailed(target.name, message(e)).because(e);
  } finally {
    await driver.end().catch(() => undefined);
  }
}

export const mysqlReadOnly: ReadOnlyDriver = { open, quote: quoteIdent, createReadRole };
