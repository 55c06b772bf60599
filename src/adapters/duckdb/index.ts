/**
 * The DuckDB adapter: introspection through DuckDB's catalog functions (introspect.ts), DDL for every
 * operation with table rebuilds where ALTER TABLE falls short (compile.ts), applied in one
 * transaction. Macros and type aliases are kept as native DDL; constraint names and foreign key
 * actions do not exist in DuckDB and are not modelled.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { errors, firstLineOf } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyResult, Connection, DbTarget, Shadow } from '../adapter.js';
import { duckdbDialect } from './compile.js';
import { openDuckdb, openDuckdbMemory, type DuckdbHandle } from './connect.js';
import { readHistory, recordMigration } from './history.js';
import { introspectDuckdb } from './introspect.js';
import { REPEAT_MARK } from './rebuild.js';


/** Run a plan in one transaction: DuckDB's DDL is transactional, so a failure leaves nothing behind. */
async function applyPlan(connection: DuckDBConnection, plan: Plan, name: string, signal: AbortSignal | undefined): Promise<ApplyResult> {
  const executed: string[] = [];
  let current = 'BEGIN TRANSACTION';
  try {
    await connection.run(current);
    for (const sql of planStatements(plan)) {
      current = sql;
      if (signal?.aborted) throw new Error('cancelled');
      // A repeated statement copies one more generation of rows each time, until none is left.
      let again = true;
      while (again) again = (await connection.run(sql)).rowsChanged > 0 && sql.startsWith(REPEAT_MARK);
      executed.push(sql);
    }
    current = 'COMMIT';
    await connection.run(current);
  } catch (e) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw errors.migrateFailed(name, current, firstLineOf(e), true).because(e);
  }
  return { executed };
}

function connection(handle: DuckdbHandle, name: string): Connection {
  return {
    introspect: async () => introspectDuckdb(handle.connection),
    apply: async (plan, options) => applyPlan(handle.connection, plan, name, options?.signal),
    recordMigration: async (record) => recordMigration(handle.connection, record),
    readHistory: async () => readHistory(handle.connection),
    close: async () => handle.close(),
  };
}

async function connect(target: DbTarget, options?: { readOnly?: boolean }): Promise<Connection> {
  return connection(await openDuckdb(target, { readOnly: options?.readOnly === true }), target.name);
}

/** An in-memory database of the same DuckDB build: the shadow a plan is rehearsed on. */
async function openShadow(target: DbTarget): Promise<Shadow> {
  const handle = await openDuckdbMemory(`${target.name} (shadow)`);
  return { connection: connection(handle, `${target.name} (shadow)`), drop: async () => handle.close() };
}

export const duckdbAdapter: Adapter = {
  engine: 'duckdb',
  capabilities: { transactionalDdl: true, namespaces: true },
  dialect: duckdbDialect,
  connect,
  openShadow,
};
