import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { redactUrl } from '../url.js';

/** One place that turns a mysql:// URL into a driver connection, for the adapter, clone and MCP. */

type Driver = import('mysql2/promise').Connection;
type Options = import('mysql2/promise').ConnectionOptions;

export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
}

export function parseMysqlUrl(url: string): MysqlTarget {
  let parsed: URL;
  try {
    // mariadb:// is the same protocol; URL only needs a scheme it can split.
    parsed = new URL(url.replace(/^mariadb:/i, 'mysql:'));
  } catch {
    throw errors.invalidUrl(redactUrl(url), 'it does not parse as a URL');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw errors.invalidUrl(redactUrl(url), 'it names no database: mysql://user@host:3306/<database>');
  return {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    database,
  };
}

/** Driver errors that mean "cannot get at this database", as opposed to a failing statement. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'PROTOCOL_CONNECTION_LOST',
]);
const errorCode = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A connection with values as the server spells them (no Date objects, no rounded big numbers), one
 * statement per call, utf8mb4. `extra` adds or overrides driver options. The driver is loaded here, on
 * first use, so start-up never pays for it.
 */
export async function openMysql(target: DbTarget, extra: Options = {}): Promise<Driver> {
  const t = parseMysqlUrl(target.url);
  const { createConnection } = await import('mysql2/promise');
  let driver: Driver;
  try {
    driver = await createConnection({
      host: t.host,
      port: t.port,
      user: t.user,
      password: t.password,
      database: t.database,
      charset: 'utf8mb4_general_ci',
      multipleStatements: false,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: 10_000,
      ...extra,
    });
  } catch (e) {
    const code = errorCode(e);
    if (code === undefined || UNREACHABLE.has(code)) throw errors.dbUnreachable(target.name, message(e) || (code ?? '')).because(e);
    throw e;
  }
  // A lost connection must not crash the process; the next query reports it.
  driver.on('error', () => {});
  return driver;
}
