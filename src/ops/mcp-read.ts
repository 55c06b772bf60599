import type { DbTarget, ReadOnlyDriver } from '../adapters/adapter.js';
import { loadAdapter, loadReadOnly, manifestOf } from '../adapters/registry.js';
import { parseDbUrl, redactUrl, resolveUrl } from '../adapters/url.js';
import { errors, RedbError } from '../errors.js';
import { readConfig, type Store } from '../repo/index.js';
import type { Engine, Schema } from '../unified/index.js';
import { findStore, type OpContext } from './context.js';

export interface ReadTarget {
  readonly engine: Engine;
  readonly driver: ReadOnlyDriver;
  readonly target: DbTarget;
}

/** Where the MCP server may read a bound database: its read URL, or the file itself for file engines. */
export async function readTarget(store: Store, name: string, ctx: OpContext): Promise<ReadTarget> {
  const bound = (await readConfig(store)).databases[name];
  if (bound === undefined) throw errors.dbNotFound(name);
  const engine = parseDbUrl(bound.url).engine;
  // File engines are opened read-only by the library; server engines need a login that can only read.
  const url = bound.readUrl ?? (manifestOf(engine).storage === 'file' ? bound.url : undefined);
  if (url === undefined) throw errors.mcpNoReadRole(name);
  const driver = await loadReadOnly(engine);
  return { engine, driver, target: { name, url: resolveUrl(url, name, ctx.env ?? process.env), cwd: store.root } };
}

/**
 * The bound account itself, for the statements redb writes (sample_rows, which masks what it
 * reads): a session on it is read-only too, but may read the masked columns it masks.
 */
export async function boundTarget(store: Store, name: string, ctx: OpContext): Promise<ReadTarget> {
  const bound = (await readConfig(store)).databases[name];
  if (bound === undefined) throw errors.dbNotFound(name);
  const engine = parseDbUrl(bound.url).engine;
  return { engine, driver: await loadReadOnly(engine), target: { name, url: resolveUrl(bound.url, name, ctx.env ?? process.env), cwd: store.root } };
}

/** The live schema through the bound account, opened for reading only (a file engine then shares its file with other readers). */
export async function liveSchema(read: ReadTarget, ctx: OpContext): Promise<Schema> {
  const connection = await (await loadAdapter(read.engine)).connect(read.target, { signal: ctx.signal, readOnly: true }).catch((e: unknown) => {
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(read.target.name, e instanceof Error ? e.message : String(e)).because(e);
  });
  try {
    return await connection.introspect({ signal: ctx.signal });
  } finally {
    await connection.close();
  }
}

export interface McpDatabase {
  readonly name: string;
  readonly engine: Engine;
  /** Passwords hidden. */
  readonly url: string;
  /** Whether the MCP server may run queries on it (a read login is set up, or it is a file). */
  readonly queryable: boolean;
}

export async function mcpDatabases(ctx: OpContext): Promise<McpDatabase[]> {
  const config = await readConfig(findStore(ctx));
  return Object.entries(config.databases)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, { url, readUrl }]) => {
      const engine = parseDbUrl(url).engine;
      return { name, engine, url: redactUrl(url), queryable: readUrl !== undefined || manifestOf(engine).storage === 'file' };
    });
}
