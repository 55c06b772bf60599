import type { Adapter, Connection, DbTarget } from '../adapter.js';
import { applyPlan, lockMigrations } from './apply.js';
import type { Flavor, Query } from './catalog-queries.js';
import { mysqlDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectMysql } from './introspect.js';
import { sampleRows } from './sample.js';
import { openMysql, parseMysqlUrl } from './connect.js';
export { parseMysqlUrl, type MysqlTarget } from './connect.js';
import { brokenViews, dropStaleShadows, openMysqlShadow } from './shadow.js';
import { mysqlManifest } from './manifest.js';

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
    introspect: async (options) => {
      flavor ??= /mariadb/i.test((await query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v ?? '') ? 'mariadb' : 'mysql';
      return introspectMysql(query, t.database, flavor, options?.known);
    },
    apply: async (plan, options) => applyPlan(driver, query, t.database, plan, target.name, options),
    lockMigrations: async (options) => lockMigrations(query, t.database, target.name, options),
    recordMigration: async (record) => recordMigration(query, t.database, record),
    readHistory: async () => readHistory(query, t.database),
    brokenViews: async () => brokenViews(query, t.database),
    dropStaleShadows: async () => dropStaleShadows(driver),
    sampleRows: (table, limit) => sampleRows(driver, table, limit),
    close: async () => {
      await driver.end();
    },
  };
}

export const mysqlAdapter: Adapter = {
  engine: 'mysql',
  capabilities: mysqlManifest.capabilities,
  dialect: mysqlDialect,
  connect,
  openShadow: (target) => openMysqlShadow(target, connect),
};
