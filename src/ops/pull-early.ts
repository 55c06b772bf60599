import { join } from 'node:path';
import type { Connection } from '../adapters/adapter.js';
import { parseDbUrl, redactUrl, resolveUrl } from '../adapters/url.js';
import type { Store } from '../repo/index.js';
import { findStore, type OpContext } from './find-store.js';

/**
 * A catalog read started before the model is loaded, for a pull or a clone. A pull's wall time is
 * mostly the server answering the catalog queries, and a clone's start is that and module loading;
 * sent first, the queries run on the server while this process loads its modules and scans the
 * working tree, instead of before or after that work. Only the driver is loaded to send them.
 *
 * Best effort, and never a decision: the binding is read here without validating the configuration;
 * the command resolves its database as always, and takes this connection only if it is to the very
 * database it resolved (`takeIfFor`). Anything unusual (another engine, a sealed secret in the URL, a
 * URL that does not parse) starts nothing, and the command connects as before.
 */
export interface EarlyRead {
  /** The bound name or the URL given, and the URL as stored (`${VAR}` references kept), as `resolveDb` gives them. */
  readonly name: string;
  readonly url: string;
  /** Settles once the catalog read is sent, or the connection failed (never rejects). */
  readonly sent: Promise<void>;
  /** The connection, its first introspection reading the rows already asked for; a failure to connect is thrown here, coded. */
  open(): Promise<Connection>;
  /** Close it unused. */
  close(): Promise<void>;
}

/** Start reading `db`'s catalog, when it is a PostgreSQL database bound in the project, or a URL (inside a project or not). */
export function startEarlyRead(ctx: OpContext & { db: string }): EarlyRead | undefined {
  try {
    const store = projectOf(ctx);
    const config =
      store === undefined
        ? {}
        : (JSON.parse(store.fs.readFileSync(join(store.gitdir, 'redb.json'), 'utf8')) as { databases?: Record<string, { url?: unknown }> });
    const bound = Object.hasOwn(config.databases ?? {}, ctx.db) ? config.databases?.[ctx.db]?.url : undefined;
    const url = typeof bound === 'string' ? bound : /^[a-z+]+:/i.test(ctx.db) ? ctx.db : undefined;
    if (url === undefined || parseDbUrl(url).engine !== 'postgres') return undefined;
    const name = typeof bound === 'string' ? ctx.db : redactUrl(ctx.db);
    const resolved = resolveUrl(url, name, ctx.env ?? process.env);
    if (resolved.includes('${secret:')) return undefined;
    const target = { name, url: resolved, cwd: store?.root ?? ctx.cwd };
    const started = import('../adapters/postgres/connect.js').then((m) => m.connectReading(target));
    const sent = started.then(
      () => undefined,
      () => undefined,
    );
    return {
      name,
      url,
      sent,
      open: async () => {
        const [early, adapter] = await Promise.all([started, import('../adapters/postgres/connection.js')]);
        return adapter.earlyConnection(early, name);
      },
      close: () => started.then((early) => early.client.end()).catch(() => undefined),
    };
  } catch {
    return undefined;
  }
}

/** The project around `ctx.cwd`, if there is one. */
function projectOf(ctx: OpContext): Store | undefined {
  try {
    return findStore(ctx);
  } catch {
    return undefined;
  }
}

/** `early`, if it went to `db` as the command resolved it now; otherwise it is closed, and undefined. */
export async function takeIfFor(early: EarlyRead | undefined, db: { name: string; engine: string; url: string }): Promise<EarlyRead | undefined> {
  if (early === undefined) return undefined;
  if (db.engine === 'postgres' && db.name === early.name && db.url === early.url) return early;
  await early.close();
  return undefined;
}

/** An early read as an endpoint's first connection: `take` gives it once; `close` ends it if it never was taken. */
export function firstConnection(early: EarlyRead | undefined): { take: () => Promise<Connection> | undefined; close: () => Promise<void> } {
  let left = early;
  return {
    take: () => {
      const taken = left;
      left = undefined;
      return taken?.open();
    },
    close: async () => {
      await left?.close();
      left = undefined;
    },
  };
}
