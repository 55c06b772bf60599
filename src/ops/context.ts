import { resolve } from 'node:path';
import type { Adapter, Connection, DbTarget, MigrationRecord } from '../adapters/adapter.js';
import { historyCommit } from '../adapters/history-rows.js';
import { loadAdapter } from '../adapters/registry.js';
import { parseDbUrl, redactUrl, resolveUrl } from '../adapters/url.js';
import { errors, isRedbError, RedbError } from '../errors.js';
import {
  changedSchemas,
  headCommit,
  readCommitInfo,
  readConfig,
  readDbState,
  readPendingRenames,
  readSchemaAt,
  readSchemaDir,
  readWorkingTree,
  renamesBetween,
  resolveCommit,
  type Side,
  type Store,
} from '../repo/index.js';
import { DEFAULT_ENGINE, emptySchema, filesDigest, reverseRenames, schemaToFiles, type Engine, type Rename, type Schema } from '../unified/index.js';
import type { Endpoint } from '../replicate/endpoint.js';
import { findStore, type OpContext } from './find-store.js';

export { findStore, type OpContext } from './find-store.js';
/** The project a command or a server works in, as the operations take it. */
export type { Store } from '../repo/index.js';

export interface ResolvedDb {
  readonly name: string;
  readonly engine: Engine;
  /** As stored, with `${VAR}` references kept. */
  readonly url: string;
}

/** The project, when there is one: clone, verify and mask suggest also run on plain URLs outside any. */
export function optionalStore(ctx: OpContext): Store | undefined {
  try {
    return findStore(ctx);
  } catch (e) {
    if (isRedbError(e, 'REDB_NOT_A_REPOSITORY')) return undefined;
    throw e;
  }
}

/** A bound name (inside a project) or a URL, resolved to what the data plane connects to. */
export async function openEndpoint(store: Store | undefined, nameOrUrl: string, ctx: OpContext): Promise<Endpoint & { readonly db: ResolvedDb }> {
  return endpointOf(store, await resolveDb(store, nameOrUrl, ctx.cwd), ctx);
}

/** A resolved database with its adapter and the target it connects to (`${VAR}` filled in; relative files from the project root). */
async function endpointOf(store: Store | undefined, db: ResolvedDb, ctx: OpContext): Promise<Endpoint & { readonly db: ResolvedDb }> {
  const adapter = await loadAdapter(db.engine);
  let url = resolveUrl(db.url, db.name, ctx.env ?? process.env);
  // Sealed secrets are opened only for a URL that names one: the keys and age load then, not before.
  if (store !== undefined && url.includes('${secret:')) url = await (await import('./secret.js')).resolveSecretRefs({ ...ctx, store, url, bound: db.name });
  return { db, name: db.name, engine: db.engine, adapter, target: { name: db.name, url, cwd: store?.root ?? ctx.cwd } };
}

/** A bound database by name (inside a project), or a database URL given directly (anywhere). */
export async function resolveDb(store: Store | undefined, nameOrUrl: string, cwd = process.cwd()): Promise<ResolvedDb> {
  const bound = store === undefined ? undefined : (await readConfig(store)).databases[nameOrUrl];
  if (bound !== undefined) return { name: nameOrUrl, engine: parseDbUrl(bound.url).engine, url: bound.url };
  if (/^[a-z+]+:/i.test(nameOrUrl)) return { name: redactUrl(nameOrUrl), engine: parseDbUrl(nameOrUrl).engine, url: nameOrUrl };
  throw store === undefined ? errors.notARepository(resolve(cwd)) : errors.dbNotFound(redactUrl(nameOrUrl));
}

export interface OpenDb {
  readonly db: ResolvedDb;
  readonly target: DbTarget;
  readonly adapter: Adapter;
  readonly connection: Connection;
}

export async function openDb(store: Store | undefined, db: ResolvedDb, ctx: OpContext): Promise<OpenDb> {
  const { adapter, target } = await endpointOf(store, db, ctx);
  try {
    const connection = await adapter.connect(target, { signal: ctx.signal });
    return { db, target, adapter, connection };
  } catch (e) {
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(db.name, e instanceof Error ? e.message : String(e)).because(e);
  }
}

/** Open, use and always close a database. */
export async function withDb<T>(store: Store | undefined, nameOrUrl: string, ctx: OpContext, use: (open: OpenDb) => Promise<T>): Promise<T> {
  const open = await openDb(store, await resolveDb(store, nameOrUrl, ctx.cwd), ctx);
  try {
    return await use(open);
  } finally {
    await open.connection.close();
  }
}

export const schemaHash = (schema: Schema): string => filesDigest(schemaToFiles(schema));

export interface LoadedRef {
  readonly schema: Schema;
  /** The commit, when the ref named one. */
  readonly commit?: string;
  readonly label: string;
}

/** The schema a ref names: `working`, `db:<name>`, or anything git-like. */
export async function loadRef(store: Store, ref: string, ctx: OpContext): Promise<LoadedRef> {
  if (ref === 'working') return { schema: await readWorkingTree(store), label: 'working tree' };
  if (ref.startsWith('dir:')) {
    const dir = resolve(ctx.cwd, ref.slice(4));
    if (!store.fs.existsSync(dir)) throw errors.refNotFound(ref);
    return { schema: await readSchemaDir(store.fs, dir, store.loadFacts), label: ref };
  }
  if (ref.startsWith('db:')) {
    const name = ref.slice(3);
    const schema = await withDb(store, name, ctx, ({ connection }) => connection.introspect({ signal: ctx.signal }));
    return { schema, label: ref };
  }
  const commit = await resolveCommit(store, ref);
  return { schema: await readSchemaAt(store, commit), commit, label: `${ref} (${commit.slice(0, 7)})` };
}

/** A ref, resolved but not loaded: comparisons of two stored sides read only what differs. */
export interface RefSide {
  readonly label: string;
  readonly side?: Side | undefined;
  readonly load: () => Promise<Schema>;
}

export async function resolveSide(store: Store, ref: string, ctx: OpContext): Promise<RefSide> {
  if (ref === 'working') return { label: 'working tree', side: 'working', load: () => readWorkingTree(store) };
  if (ref.startsWith('db:') || ref.startsWith('dir:')) return { label: ref, load: async () => (await loadRef(store, ref, ctx)).schema };
  if (ref === 'HEAD' && (await headCommit(store)) === undefined) {
    return { label: 'HEAD (no commits yet)', load: async () => emptySchema(DEFAULT_ENGINE) };
  }
  const commit = await resolveCommit(store, ref);
  return { label: `${ref} (${commit.slice(0, 7)})`, side: { commit }, load: () => readSchemaAt(store, commit) };
}

/** Both sides' schemas: only the differing objects when both are stored, everything otherwise. */
export async function loadPair(store: Store, a: RefSide, b: RefSide, full = false): Promise<{ from: Schema; to: Schema }> {
  if (!full && a.side !== undefined && b.side !== undefined) return changedSchemas(store, a.side, b.side);
  const [from, to] = await Promise.all([a.load(), b.load()]);
  return { from, to };
}

/** The commit a side stands on: its own, or HEAD for the working tree. */
async function sideCommit(store: Store, side: Side | undefined): Promise<string | undefined> {
  if (side === undefined) return undefined;
  return side === 'working' ? headCommit(store) : side.commit;
}

/** Renames recorded between two sides (commits carry theirs; the working tree has those of `redb mv`). */
export async function renamesFor(store: Store, a: RefSide, b: RefSide): Promise<Rename[]> {
  const between = await renamesBetween(store, await sideCommit(store, a.side), await sideCommit(store, b.side));
  const pending = a.side === 'working' || b.side === 'working' ? await readPendingRenames(store) : [];
  if (b.side === 'working' && a.side !== 'working') return [...between, ...pending];
  if (a.side === 'working' && b.side !== 'working') return [...reverseRenames(pending), ...between];
  return between;
}

/**
 * The commit a database is at: the last one its own history records, else what this repository last
 * saw; undefined when neither names a commit this repository has.
 */
export async function databaseCommit(store: Store, name: string, connection: Connection, read?: readonly MigrationRecord[]): Promise<string | undefined> {
  const history = read ?? (await connection.readHistory?.()) ?? [];
  const at = historyCommit(history) ?? (await readDbState(store))[name]?.at;
  if (at === undefined) return undefined;
  return readCommitInfo(store, at).then(
    () => at,
    (e: unknown) => {
      if (isRedbError(e, 'REDB_REF_NOT_FOUND')) return undefined;
      throw e;
    },
  );
}
