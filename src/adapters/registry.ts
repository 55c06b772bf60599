import { errors } from '../errors.js';
// engines.js, not the model's index: the start-up path reads the manifests (find-store), and zod stays unloaded.
import { ENGINES } from '../unified/engines.js';
import type { Engine, EngineFacts } from '../unified/index.js';
import type { Adapter, ReadOnlyDriver } from './adapter.js';
import type { ChangePlane } from './changes.js';
import { duckdbManifest } from './duckdb/manifest.js';
import type { EngineManifest } from './manifest.js';
import { mongodbManifest } from './mongodb/manifest.js';
import { mysqlManifest } from './mysql/manifest.js';
import { postgresManifest } from './postgres/manifest.js';
import type { RowsAdapter } from './rows.js';
import { sqliteManifest } from './sqlite/manifest.js';

/** An engine's planes, each loaded on first use so that start-up never pays for a driver it does not need. */
export interface Planes {
  /** Introspect, compile, apply, shadow. */
  readonly schema: Adapter;
  /** Read and write rows (clone, verify). */
  readonly rows: RowsAdapter;
  /** Read-only sessions (the MCP server's `query`). */
  readonly readOnly: ReadOnlyDriver;
  /** Capture committed changes (replication sources). */
  readonly changes: ChangePlane;
}

export type PlaneName = keyof Planes;

/** An engine: its manifest (plain data), and a loader per plane it has; an absent loader is a plane not built yet. */
export interface EngineEntry {
  readonly manifest: EngineManifest;
  readonly planes: { readonly [P in PlaneName]?: () => Promise<Planes[P]> };
}

/** Every engine, in one exhaustive map: the compiler flags an engine without an entry. */
const ENTRIES: Readonly<Record<Engine, EngineEntry>> = {
  sqlite: {
    manifest: sqliteManifest,
    planes: {
      schema: async () => (await import('./sqlite/index.js')).sqliteAdapter,
      rows: async () => (await import('./sqlite/rows.js')).sqliteRows,
      readOnly: async () => (await import('./sqlite/query.js')).sqliteReadOnly,
      changes: async () => (await import('./sqlite/changes.js')).sqliteChanges,
    },
  },
  postgres: {
    manifest: postgresManifest,
    planes: {
      schema: async () => (await import('./postgres/index.js')).postgresAdapter,
      rows: async () => (await import('./postgres/rows.js')).postgresRows,
      readOnly: async () => (await import('./postgres/query.js')).postgresReadOnly,
      changes: async () => (await import('./postgres/changes.js')).postgresChanges,
    },
  },
  mysql: {
    manifest: mysqlManifest,
    planes: {
      schema: async () => (await import('./mysql/index.js')).mysqlAdapter,
      rows: async () => (await import('./mysql/rows.js')).mysqlRows,
      readOnly: async () => (await import('./mysql/query.js')).mysqlReadOnly,
      changes: async () => (await import('./mysql/changes.js')).mysqlChanges,
    },
  },
  duckdb: {
    manifest: duckdbManifest,
    planes: {
      schema: async () => (await import('./duckdb/index.js')).duckdbAdapter,
      rows: async () => (await import('./duckdb/rows.js')).duckdbRows,
      readOnly: async () => (await import('./duckdb/query.js')).duckdbReadOnly,
    },
  },
  mongodb: { manifest: mongodbManifest, planes: {} },
};

export const manifestOf = (engine: Engine): EngineManifest => ENTRIES[engine].manifest;

/** What the unified model needs to know about `engine` (see unified/engine-facts.ts). */
export const factsOf = (engine: Engine): EngineFacts => ENTRIES[engine].manifest.facts;

/** The engine a URL scheme names (`postgresql`, `mariadb`, ...), any case. */
export function engineOfScheme(scheme: string): Engine | undefined {
  const s = scheme.toLowerCase();
  return ENGINES.find((e) => ENTRIES[e].manifest.schemes.includes(s));
}

/** The engine an option names: its own name or an alias (`postgresql`, `mariadb`). */
export const engineNamed = (name: string): Engine | undefined => ENGINES.find((e) => e === name || ENTRIES[e].manifest.aliases.includes(name));

const withPlane = (plane: PlaneName): Engine[] => ENGINES.filter((e) => ENTRIES[e].planes[plane] !== undefined);

/** Engines redb has an adapter for (a schema plane). */
export const supportedEngines = (): Engine[] => withPlane('schema');

export function assertSupported(engine: Engine): void {
  if (ENTRIES[engine].planes.schema === undefined) throw errors.engineUnsupported(engine, supportedEngines());
}

async function loadPlane<P extends PlaneName>(engine: Engine, plane: P): Promise<Planes[P]> {
  const load: (() => Promise<Planes[P]>) | undefined = ENTRIES[engine].planes[plane];
  if (load === undefined) throw errors.engineUnsupported(engine, withPlane(plane));
  return load();
}

export const loadAdapter = (engine: Engine): Promise<Adapter> => loadPlane(engine, 'schema');

/** The read-only query drivers (the MCP server's `query`), loaded apart from the adapters they sit beside. */
export const loadReadOnly = (engine: Engine): Promise<ReadOnlyDriver> => loadPlane(engine, 'readOnly');

/** The data plane (read and write rows), loaded apart from the schema adapter: only clone and verify need it. */
export const loadRows = (engine: Engine): Promise<RowsAdapter> => loadPlane(engine, 'rows');

/** The change plane, for engines that capture changes (`capabilities.changeCapture` is not 'none'). */
export async function loadChanges(engine: Engine): Promise<ChangePlane> {
  assertSupported(engine);
  const load = ENTRIES[engine].planes.changes;
  if (manifestOf(engine).capabilities.changeCapture === 'none' || load === undefined) throw errors.changesUnsupported(engine);
  return load();
}
