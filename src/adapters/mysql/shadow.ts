import { errors } from '../../errors.js';
import type { Connection, DbTarget, Shadow } from '../adapter.js';
import { isStaleShadow, SHADOW_LIKE, shadowName } from '../shadow-name.js';
import type { Query } from './catalog-queries.js';
import { parseMysqlUrl } from './connect.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A scratch database on the same server (same version, same defaults as the target's database) to
 * rehearse a plan on; dropped afterwards whatever happens, and by a later rehearsal when a kill
 * left it behind (see shadow-name.ts).
 */
export async function openMysqlShadow(target: DbTarget, connect: (target: DbTarget) => Promise<Connection>): Promise<Shadow> {
  const t = parseMysqlUrl(target.url);
  const { createConnection } = await import('mysql2/promise');
  const name = shadowName(t.database);
  let admin: Driver;
  try {
    admin = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, connectTimeout: 10_000 });
  } catch (e) {
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  admin.on('error', () => {});
  await dropStaleShadows(admin);
  try {
    const [rows] = await admin.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [t.database],
    );
    const defaults = (rows as { cs: string; co: string }[])[0];
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}${defaults === undefined ? '' : ` CHARACTER SET ${defaults.cs} COLLATE ${defaults.co}`}`);
  } catch (e) {
    await admin.end().catch(() => undefined);
    throw errors.shadowUnavailable(target.name, message(e)).because(e);
  }
  const url = new URL(target.url.replace(/^mariadb:/i, 'mysql:'));
  url.pathname = `/${encodeURIComponent(name)}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).finally(() => admin.end().catch(() => undefined));
  };
  try {
    return { connection: await connect({ name: `${target.name} (shadow)`, url: url.toString(), cwd: target.cwd }), drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

/**
 * Drop the shadows rehearsals left behind on this server (see shadow-name.ts for when one is stale).
 * A session is "connected" to a shadow when the process list shows it using that database; a user
 * without the PROCESS privilege sees only its own sessions, so for shadows of other users the age
 * rule is what holds. Best effort: never stops the rehearsal.
 */
export async function dropStaleShadows(admin: Driver): Promise<string[]> {
  const dropped: string[] = [];
  try {
    const [shadows] = await admin.query(`SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${SHADOW_LIKE}'`);
    const names = (shadows as { name: string }[]).map((r) => r.name);
    if (names.length === 0) return dropped;
    const [sessions] = await admin.query(`SELECT DISTINCT DB AS name FROM information_schema.PROCESSLIST WHERE DB LIKE '${SHADOW_LIKE}'`);
    const used = new Set((sessions as { name: string }[]).map((r) => r.name));
    for (const name of names) {
      if (!isStaleShadow(name, used.has(name))) continue;
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

/**
 * Views that no longer compile: MariaDB keeps a view whose column was renamed or dropped under it,
 * and fails only when it is read (error 1356).
 */
export async function brokenViews(query: Query, database: string): Promise<{ view: string; error: string }[]> {
  const views = await query<{ name: string }>('SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database]);
  const broken: { view: string; error: string }[] = [];
  for (const { name } of views) {
    await query(`SELECT * FROM ${quoteIdent(name)} LIMIT 0`).catch((e: unknown) => broken.push({ view: name, error: message(e) }));
  }
  return broken;
}
