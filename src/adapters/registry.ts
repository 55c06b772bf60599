import { errors } from '../errors.js';
import { ENGINES, type Engine } from '../unified/model.js';
import type { Adapter } from './adapter.js';

/**
 * Every engine, loaded on first use so that start-up never pays for a driver it does not need.
 * `undefined` marks an engine whose adapter does not exist yet; the compiler flags a missing key.
 */
const loaders: Record<Engine, (() => Promise<Adapter>) | undefined> = {
  sqlite: async () => (await import('./sqlite/index.js')).sqliteAdapter,
  postgres: async () => (await import('./postgres/index.js')).postgresAdapter,
  mysql: async () => (await import('./mysql/index.js')).mysqlAdapter,
  duckdb: undefined,
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
