/**
 * The DuckDB adapter: introspection through DuckDB's catalog functions (introspect.ts), DDL for every
 * operation with table rebuilds where ALTER TABLE falls short (compile.ts), applied in one
 * transaction. Macros and type aliases are kept as native DDL; constraint names and foreign key
 * actions do not exist in DuckDB and are not modelled.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { errors, firstLineOf } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyOptions, ApplyResult, Connection, DbTarget, MigrationOutcome, Shadow } from '../adapter.js';
import { duckdbDialect } from './compile.js';
import { openDuckdb, openDuckdbMemory, type DuckdbHandle } from './connect.js';
import { ensureHistory, insertHistory, readHistory, recordMigration } from './history.js';
import { introspectDuckdb } from './introspect.js';
import { REPEAT_MARK } from './rebuild.js';
import { duckdbManifest } from './manifest.js';

/**
 * Run a plan in one transaction: DuckDB's DDL is transactional, so a failure leaves nothing behind,
 * and the history row written in the same transaction lands exactly when the changes do.
 */
async function applyPlan(connection: DuckDBConnection, plan: Plan, name: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const statements = planStatements(plan);
  const entry = options.history;
  let historyProblem: string | undefined;
  if (entry !== undefined) {
    try {
      await ensureHistory(connection);
    } catch (e) {
      historyProblem = `the migration history could not be kept: ${firstLineOf(e)}`;
    }
  }
  const keep = entry !== undefined && historyProblem === undefined;
  const record = async (outcome: MigrationOutcome, error?: string) => {
    if (keep)
      await insertHistory(connection, {
        ...entry,
        finishedAt: new Date().toISOString(),
        outcome,
        executed: outcome === 'applied' ? statements.length : 0,
        error,
      });
  };
  const executed: string[] = [];
  let current = 'BEGIN TRANSACTION';
  let interrupted = false;
  try {
    await connection.run(current);
    for (const sql of statements) {
      current = sql;
      if (options.signal?.aborted === true) {
        interrupted = true;
        throw new Error('interrupted');
      }
      // A repeated statement copies one more generation of rows each time, until none is left.
      let again = true;
      while (again) again = (await connection.run(sql)).rowsChanged > 0 && sql.startsWith(REPEAT_MARK);
      executed.push(sql);
    }
    current = 'COMMIT';
    await record('applied');
    await connection.run(current);
  } catch (e) {
    await connection.run('ROLLBACK').catch(() => undefined);
    await record(interrupted ? 'interrupted' : 'failed', `${current.split('\n')[0]}: ${firstLineOf(e)}`).catch(() => undefined);
    if (interrupted) throw errors.migrateInterrupted(name, 0, statements.length, true);
    throw errors.migrateFailed(name, current, firstLineOf(e), true).because(e);
  }
  return historyProblem === undefined ? { executed } : { executed, historyProblem };
}

/** Views that no longer compile (what they read changed under them). */
async function brokenViews(connection: DuckDBConnection): Promise<{ view: string; error: string }[]> {
  const rows = await connection.runAndReadAll(
    'SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal ORDER BY 1, 2',
  );
  const broken: { view: string; error: string }[] = [];
  for (const [schema, view] of rows.getRows() as [string, string][]) {
    const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await connection
      .run(`SELECT * FROM ${quoted(schema)}.${quoted(view)} LIMIT 0`)
      .catch((e: unknown) => broken.push({ view: `${schema}.${view}`, error: firstLineOf(e) }));
  }
  return broken;
}

function connection(handle: DuckdbHandle, name: string): Connection {
  return {
    introspect: async (options) => introspectDuckdb(handle.connection, options?.known),
    apply: async (plan, options) => applyPlan(handle.connection, plan, name, options),
    recordMigration: async (record) => recordMigration(handle.connection, record),
    readHistory: async () => readHistory(handle.connection),
    brokenViews: async () => brokenViews(handle.connection),
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
  capabilities: duckdbManifest.capabilities,
  dialect: duckdbDialect,
  connect,
  openShadow,
};
