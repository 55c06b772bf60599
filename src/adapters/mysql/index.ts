import { errors } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyResult, Connection, DbTarget, Shadow } from '../adapter.js';
import { shadowName } from '../shadow-name.js';
import type { Flavor, Query } from './catalog-queries.js';
import { mysqlDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectMysql } from './introspect.js';
import { sampleRows } from './sample.js';
import { openMysql, parseMysqlUrl } from './connect.js';
export { parseMysqlUrl, type MysqlTarget } from './connect.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

/** What a mysql:// or mariadb:// URL says: the server, the account and the one database it names. */
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Run a plan statement by statement. MariaDB/MySQL commit every DDL statement on its own, so a
 * failure leaves the earlier statements applied: the error lists exactly which ran.
 */
async function applyPlan(driver: Driver, plan: Plan, name: string, signal: AbortSignal | undefined): Promise<ApplyResult> {
  const executed: string[] = [];
  for (const sql of planStatements(plan)) {
    if (signal?.aborted) throw errors.migrateFailed(name, sql, 'cancelled before this statement', false, executed);
    try {
      await driver.query(sql);
    } catch (e) {
      throw errors.migrateFailed(name, sql, message(e), false, executed).because(e);
    }
    executed.push(sql);
  }
  return { executed };
}

async function connect(target: DbTarget): Promise<Connection> {
  const t = parseMysqlUrl(target.url);
  // mysql2 adds IGNORE_SPACE to the session's sql_mode; stored code is created under the server's own.
  const driver = await openMysql(target, { flags: ['-IGNORE_SPACE'] });
  const query: Query = async <T>(sql: string, params?: readonly unknown[]) => {
    const [rows] = await driver.query(sql, params === undefined ? undefined : [...params]);
    return rows as T[];
  };
  let flavor: Flavor | undefined;
  return {
    introspect: async () => {
      flavor ??= /mariadb/i.test((await query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v ?? '') ? 'mariadb' : 'mysql';
      return introspectMysql(query, t.database, flavor);
    },
    apply: async (plan, options) => applyPlan(driver, plan, target.name, options?.signal),
    recordMigration: async (record) => recordMigration(query, t.database, record),
    readHistory: async () => readHistory(query, t.database),
    sampleRows: (table, limit) => sampleRows(driver, table, limit),
    close: async () => {
      await driver.end();
    },
  };
}

/**
 * A scratch database on the same server (same version, same defaults as the target's database) to
 * rehearse a plan on; dropped afterwards whatever happens.
 */
async function openShadow(target: DbTarget): Promise<Shadow> {
  const t = parseMysqlUrl(target.url);
  const { createConnection } = await import('mysql2/promise');
  const name = shadowName(t.database);
  let admin: Driver;
  try {
    admin = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, connectTimeout: 10_000 });
  } catch (e) {
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  admin.on('error', () => {});
  try {
    const [rows] = await admin.query('SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [t.database]);
    const defaults = (rows as { cs: string; co: string }[])[0];
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}${defaults === undefined ? '' : ` CHARACTER SET ${defaults.cs} COLLATE ${defaults.co}`}`);
  } catch (e) {
    await admin.end().catch(() => undefined);
    throw errors.shadowUnavailable(target.name, message(e)).because(e);
  }
  const url = new URL(target.url.replace(/^mariadb:/i, 'mysql:'));
  url.pathname = `/${encodeURIComponent(name)}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).finally(() => admin.end().catch(() => undefined));
  };
  try {
    return { connection: await connect({ name: `${target.name} (shadow)`, url: url.toString(), cwd: target.cwd }), drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

export const mysqlAdapter: Adapter = {
  engine: 'mysql',
  capabilities: { transactionalDdl: false, namespaces: false },
  dialect: mysqlDialect,
  connect,
  openShadow,
};
