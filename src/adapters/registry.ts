import { errors } from '../errors.js';
import { ENGINES, type Engine } from '../unified/model.js';
import type { Adapter, ReadOnlyDriver } from './adapter.js';
import type { RowsAdapter } from './rows.js';

/**
 * Every engine, loaded on first use so that start-up never pays for a driver it does not need.
 * `undefined` marks an engine whose adapter does not exist yet; the compiler flags a missing key.
 */
const loaders: Record<Engine, (() => Promise<Adapter>) | undefined> = {
  sqlite: async () => (await import('./sqlite/index.js')).sqliteAdapter,
  postgres: async () => (await import('./postgres/index.js')).postgresAdapter,
  mysql: async () => (await import('./mysql/index.js')).mysqlAdapter,
  duckdb: async () => (await import('./duckdb/index.js')).duckdbAdapter,
  mongodb: undefined,
};

export const supportedEngines = (): Engine[] => ENGINES.filter((e) => loaders[e] !== undefined);

export function assertSupported(engine: Engine): void {
  if (loaders[engine] === undefined) throw errors.engineUnsupported(engine, supportedEngines());
}

export async function loadAdapter(engine: Engine): Promise<Adapter> {
  const load = loaders[engine];
  if (load === undefined) throw errors.engineUnsupported(engine, supportedEngines());
  return load();
}

/** The read-only query drivers (the MCP server's `query`), loaded apart from the adapters they sit beside. */
const readOnlyLoaders: Record<Engine, (() => Promise<ReadOnlyDriver>) | undefined> = {
  sqlite: async () => (await import('./sqlite/query.js')).sqliteReadOnly,
  postgres: async () => (await import('./postgres/query.js')).postgresReadOnly,
  mysql: async () => (await import('./mysql/query.js')).mysqlReadOnly,
  duckdb: async () => (await import('./duckdb/query.js')).duckdbReadOnly,
  mongodb: undefined,
};

export async function loadReadOnly(engine: Engine): Promise<ReadOnlyDriver> {
  const load = readOnlyLoaders[engine];
  if (load === undefined) throw errors.engineUnsupported(engine, ENGINES.filter((e) => readOnlyLoaders[e] !== undefined));
  return load();
}

/** The data plane (read and write rows), loaded apart from the schema adapter: only clone and verify need it. */
const rowLoaders: Record<Engine, (() => Promise<RowsAdapter>) | undefined> = {
  sqlite: async () => (await import('./sqlite/rows.js')).sqliteRows,
  postgres: async () => (await import('./postgres/rows.js')).postgresRows,
  mysql: async () => (await import('./mysql/rows.js')).mysqlRows,
  duckdb: async () => (await import('./duckdb/rows.js')).duckdbRows,
  mongodb: undefined,
};

export async function loadRows(engine: Engine): Promise<RowsAdapter> {
  const load = rowLoaders[engine];
  if (load === undefined) throw errors.engineUnsupported(engine, ENGINES.filter((e) => rowLoaders[e] !== undefined));
  return load();
}
