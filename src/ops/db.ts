import { assertSupported } from '../adapters/registry.js';
import { engineOfUrl, parseDbUrl, redactUrl } from '../adapters/url.js';
import { errors } from '../errors.js';
import { readConfig, readDbState, writeConfig, writeDbState, type Store } from '../repo/index.js';
import type { Engine } from '../unified/index.js';
import { findStore, type OpContext } from './context.js';
import { writing } from './find-store.js';

const DB_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export interface DbBinding {
  readonly name: string;
  readonly engine: Engine;
  /** Passwords are never shown; `${VAR}` references are. */
  readonly url: string;
  /** The commit the database was last brought to or recorded at. */
  readonly at?: string | undefined;
  /** Only commits verified by a trusted identity are migrated into it. */
  readonly requireSigned?: boolean;
}

// Writers of redb.json hold the repository lock: two `db add` at once would each drop the other's binding.
export const dbAdd = (ctx: OpContext & { name: string; url: string; requireSigned?: boolean }): Promise<DbBinding> =>
  writing(ctx, 'db add', (store) => add(store, ctx));

async function add(store: Store, ctx: OpContext & { name: string; url: string; requireSigned?: boolean }): Promise<DbBinding> {
  if (!DB_NAME.test(ctx.name)) throw errors.invalidName('database', ctx.name, 'start with a letter; letters, digits, _ and - only');
  const { engine } = parseDbUrl(ctx.url);
  assertSupported(engine);
  const config = await readConfig(store);
  if (config.databases[ctx.name] !== undefined) throw errors.dbExists(ctx.name);
  await writeConfig(store, {
    ...config,
    databases: { ...config.databases, [ctx.name]: { url: ctx.url, ...(ctx.requireSigned === true ? { requireSigned: true } : {}) } },
  });
  return { name: ctx.name, engine, url: redactUrl(ctx.url), ...(ctx.requireSigned === true ? { requireSigned: true } : {}) };
}

export async function dbList(ctx: OpContext): Promise<DbBinding[]> {
  const store = findStore(ctx);
  const [config, state] = await Promise.all([readConfig(store), readDbState(store)]);
  return (
    Object.entries(config.databases)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      // A binding written by hand may not pass parseDbUrl: list it (redacted) so that it can be seen and removed.
      .map(([name, { url, requireSigned }]) => ({
        name,
        engine: engineOfUrl(url) ?? parseDbUrl(url).engine,
        url: redactUrl(url),
        at: state[name]?.at,
        ...(requireSigned === true ? { requireSigned } : {}),
      }))
  );
}

export const dbRemove = (ctx: OpContext & { name: string }): Promise<{ name: string }> => writing(ctx, 'db remove', (store) => remove(store, ctx));

async function remove(store: Store, ctx: OpContext & { name: string }): Promise<{ name: string }> {
  const config = await readConfig(store);
  if (config.databases[ctx.name] === undefined) throw errors.dbNotFound(ctx.name);
  const { [ctx.name]: _removed, ...databases } = config.databases;
  await writeConfig(store, { ...config, databases });
  const { [ctx.name]: _state, ...state } = await readDbState(store);
  await writeDbState(store, state);
  return { name: ctx.name };
}
