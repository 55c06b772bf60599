import type { Extension, Extensions, PGlite } from '@electric-sql/pglite';
import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { Connection, DbTarget, Shadow } from '../adapter.js';
import { quoteIdent } from './sql-text.js';

/** Part of every PostgreSQL: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * The files of a freshly made cluster, dumped on the first start: initdb is most of PGlite's start-up
 * time, and a rehearsal often needs a second shadow. Dumped before anything is made on it, so it
 * holds nothing of any target, and extensions are loaded at start-up, not kept in it.
 */
let pristine: Promise<Blob> | undefined;

/** A new in-memory PGlite, from the pristine files where there are some already. */
async function startPglite(extensions: Extensions): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const files = await pristine?.catch(() => undefined);
  if (files !== undefined) return PGlite.create({ extensions, loadDataDir: files });
  const db = await PGlite.create({ extensions });
  // Awaited: the node-postgres bridge does not wait for a dump in progress.
  pristine = db.dumpDataDir('gzip');
  await pristine.catch(async (e: unknown) => {
    pristine = undefined;
    await db.close();
    throw e;
  });
  return db;
}

/** PGlite's bundle of a contrib extension (`@electric-sql/pglite/contrib/<name>`), or undefined where it ships none. */
async function bundle(extension: string): Promise<Extension | undefined> {
  const name = extension.replaceAll('-', '_');
  if (!/^[a-z0-9_]+$/.test(name)) return undefined;
  try {
    const module = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, Extension | undefined>;
    return module[name];
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * Roles and tablespaces belong to the server, not the database, yet a schema names them (GRANT,
 * policies, TABLESPACE): the embedded engine gets empty ones of the same names, tablespaces in place.
 */
async function copyServerObjects(target: Client, shadow: Client): Promise<void> {
  const names = async (client: Client, sql: string) => (await client.query<{ name: string }>(sql)).rows.map((r) => r.name);
  const ROLES = "SELECT rolname AS name FROM pg_roles WHERE rolname !~ '^pg_'";
  const TABLESPACES = "SELECT spcname AS name FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')";
  const existing = new Set(await names(shadow, ROLES));
  const roles = (await names(target, ROLES)).filter((role) => !existing.has(role));
  if (roles.length > 0) await shadow.query(roles.map((role) => `CREATE ROLE ${quoteIdent(role)}`).join(';\n'));
  await shadow.query('SET allow_in_place_tablespaces = on');
  for (const space of await names(target, TABLESPACES)) await shadow.query(`CREATE TABLESPACE ${quoteIdent(space)} LOCATION ''`);
}

/**
 * An embedded PostgreSQL (PGlite, in memory) standing in for a scratch database where the user
 * may not create one. It is another major version than the target's server, so ops/shadow.ts
 * compares its results only with schemas built on it too. `target` is a connection to the target,
 * read for the server-wide objects; `extensions` are those the rehearsed schemas use.
 */
export async function openPgliteShadow(
  target: DbTarget,
  targetClient: Client,
  extensions: readonly string[],
  reason: string,
  over: (client: Client, name: string) => Connection,
): Promise<Shadow> {
  const bundles: Extensions = {};
  const missing: string[] = [];
  for (const name of extensions.filter((e) => !BUILT_IN.has(e))) {
    const found = await bundle(name);
    if (found === undefined) missing.push(`'${name}'`);
    else bundles[name] = found;
  }
  if (missing.length > 0) {
    throw errors.shadowUnavailable(target.name, `${reason}, and the embedded PostgreSQL that could stand in has no extension ${missing.join(', ')}`);
  }
  // Loaded only here: PGlite is large and most runs never need it.
  const [{ createPgConfig }, { default: pg }] = await Promise.all([import('@electric-sql/pglite/node-postgres'), import('pg')]);
  const db = await startPglite(bundles);
  const client = new pg.Client(createPgConfig(db));
  client.on('error', () => undefined);
  const drop = async () => {
    await db.close();
  };
  try {
    await client.connect();
    await copyServerObjects(targetClient, client);
    const { rows } = await client.query<{ major: number }>("SELECT current_setting('server_version_num')::int / 10000 AS major");
    const server = `PostgreSQL ${rows[0]?.major ?? '?'}`;
    return { connection: over(client, `${target.name} (shadow on an embedded ${server})`), drop, standIn: { server, reason } };
  } catch (e) {
    await client.end().catch(() => undefined);
    await drop();
    throw e;
  }
}
