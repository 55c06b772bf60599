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
import type { Adapter, Connection, DbTarget } from '../adapter.js';
import { applyPlan, lockMigrations } from './apply.js';
import { connectClient, type EarlyCatalog } from './connect.js';
import { postgresDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectPostgres } from './introspect.js';
import { sampleRows } from './sample.js';
import { dropStaleShadows, openPostgresShadow } from './shadow.js';
import { postgresManifest } from './manifest.js';

async function connect(target: DbTarget): Promise<Connection> {
  return clientConnection(await connectClient(target), target.name);
}

/** A connection opened by `connectReading` (connect.ts), whose first introspection takes the rows already asked for. */
export function earlyConnection(early: EarlyCatalog, name: string): Connection {
  return clientConnection(early.client, name, early.rows);
}

/** A Connection over a connected client: a server's, or an embedded PostgreSQL's (pglite-shadow.ts). */
export function clientConnection(client: Client, name: string, sent?: EarlyCatalog['rows']): Connection {
  let pending = sent;
  return {
    introspect: async (options) => {
      const rows = pending;
      pending = undefined;
      return introspectPostgres(client, options?.known, rows);
    },
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
