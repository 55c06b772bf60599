/**
 * The PostgreSQL adapter: introspection (introspect.ts, a fixed number of catalog queries) and DDL
 * for every operation (compile.ts), applied in one transaction; online plans (online.ts) run their
 * concurrent index builds and constraint validations outside it.
 *
 * What the model cannot say is kept as native DDL (NativeObject), never dropped: privileges (GRANT /
 * REVOKE against each object's default), tablespaces, column storage / compression / statistics,
 * custom identity sequence names, ON DELETE SET NULL (columns), INCLUDE and WITH on keys,
 * publications, text search objects, base types, and more (see catalog-natives.ts).
 *
 * Deliberately left out, as `pg_dump --no-owner` and other schema tools do: owners (of every object)
 * and the grantor of a privilege. Objects belong to the role that applies a plan, and privileges are
 * granted by it. Default privileges (ALTER DEFAULT PRIVILEGES) are not read either.
 */
import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { Adapter, Connection, DbTarget } from '../adapter.js';
import { applyPlan, lockMigrations, message } from './apply.js';
import { postgresDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectPostgres } from './introspect.js';
import { loadPg } from './load-pg.js';
import { sampleRows } from './sample.js';
import { dropStaleShadows, openPostgresShadow } from './shadow.js';
import { postgresManifest } from './manifest.js';

async function connect(target: DbTarget): Promise<Connection> {
  // Loaded here so that commands which never touch PostgreSQL do not pay for the driver.
  const pg = await loadPg();
  let client: Client | undefined;
  try {
    client = new pg.Client({ connectionString: target.url, application_name: 'redb', connectionTimeoutMillis: 15_000 });
    // A dropped connection emits 'error' on the client; without a listener it would crash the process.
    client.on('error', () => undefined);
    await client.connect();
  } catch (e) {
    await client?.end().catch(() => undefined);
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  return clientConnection(client, target.name);
}

/** A Connection over a connected client: a server's, or an embedded PostgreSQL's (pglite-shadow.ts). */
export function clientConnection(client: Client, name: string): Connection {
  return {
    introspect: async (options) => introspectPostgres(client, options?.known),
    apply: async (plan, options) => applyPlan(client, plan, name, options),
    lockMigrations: async (options) => lockMigrations(client, name, options),
    dropStaleShadows: async () => dropStaleShadows(client),
    recordMigration: async (record) => recordMigration(client, record),
    readHistory: async () => readHistory(client),
    sampleRows: (table, limit) => sampleRows(client, table, limit),
    close: async () => {
      await client.end();
    },
  };
}

export const postgresAdapter: Adapter = {
  engine: 'postgres',
  capabilities: postgresManifest.capabilities,
  dialect: postgresDialect,
  connect,
  openShadow: (target, options) => openPostgresShadow(target, { connect, over: clientConnection }, options),
};
