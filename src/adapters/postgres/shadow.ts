import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { Connection, DbTarget, Shadow, ShadowOptions } from '../adapter.js';
import { isStaleShadow, SHADOW_LIKE, shadowName } from '../shadow-name.js';
import { loadPg } from './load-pg.js';
import { openPgliteShadow } from './pglite-shadow.js';
import { quoteIdent } from './sql-text.js';

/** How the adapter connects: to a URL, or over a client already connected. */
export interface PostgresConnector {
  connect(target: DbTarget): Promise<Connection>;
  over(client: Client, name: string): Connection;
}

/** SQLSTATE 42501: the user may not create databases. */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * A scratch database on the target's own server (so the same version, encoding and locale) to
 * rehearse a plan on. Created from template0, so nothing a site added to template1 leaks in; always
 * dropped afterwards. Where the user may not create databases, an embedded PostgreSQL stands in
 * (pglite-shadow.ts).
 */
export async function openPostgresShadow(target: DbTarget, connector: PostgresConnector, options?: ShadowOptions): Promise<Shadow> {
  const pg = await loadPg();
  const name = shadowName(decodeURIComponent(new URL(target.url).pathname.slice(1)));
  const admin = new pg.Client({ connectionString: target.url, application_name: 'redb', connectionTimeoutMillis: 15_000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (e) {
    throw errors.dbUnreachable(target.name, e instanceof Error ? e.message : String(e)).because(e);
  }
  await dropStaleShadows(admin);
  try {
    const { rows } = await admin.query<{ encoding: string; collate: string; ctype: string }>(
      'SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = current_database()',
    );
    const db = rows[0];
    const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await admin.query(
      `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0${db === undefined ? '' : ` ENCODING ${literal(db.encoding)} LC_COLLATE ${literal(db.collate)} LC_CTYPE ${literal(db.ctype)}`}`,
    );
  } catch (e) {
    try {
      if ((e as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE)
        throw errors.shadowUnavailable(target.name, e instanceof Error ? e.message : String(e)).because(e);
      return await openPgliteShadow(target, admin, options?.extensions ?? [], 'CREATE DATABASE not permitted', connector.over);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(name)}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).finally(() => admin.end().catch(() => undefined));
  };
  try {
    return { connection: await connector.connect({ name: `${target.name} (shadow)`, url: url.toString(), cwd: target.cwd }), drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

/**
 * Drop the shadows rehearsals left behind on this server (a killed migrate cannot drop its own); see
 * shadow-name.ts for when one is stale. Without FORCE, so a session that connects meanwhile keeps
 * its shadow: PostgreSQL refuses to drop a database in use. Best effort: a shadow this user may
 * not drop stays, and never stops the rehearsal.
 */
export async function dropStaleShadows(admin: Client): Promise<string[]> {
  const dropped: string[] = [];
  try {
    const { rows } = await admin.query<{ name: string; in_use: boolean }>(
      `SELECT d.datname AS name, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) AS in_use FROM pg_database d WHERE d.datname LIKE '${SHADOW_LIKE}'`,
    );
    for (const { name, in_use } of rows) {
      if (!isStaleShadow(name, in_use)) continue;
      const gone = await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).then(
        () => true,
        () => false,
      );
      if (gone) dropped.push(name);
    }
  } catch {
    // Looking is best effort too.
  }
  return dropped;
}
