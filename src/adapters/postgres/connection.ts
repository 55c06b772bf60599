import type { Client } from 'pg';
import type { Connection } from '../adapter.js';
import type { EarlyCatalog } from './connect.js';
import { introspectPostgres } from './introspect.js';

/**
 * A Connection over a connected client: a server's, or an embedded PostgreSQL's (pglite-shadow.ts).
 * Only introspection is loaded with it: a pull reads and closes, so the DDL compiler, the applier
 * and the shadow (a third of the adapter's modules) load on the first call that needs them.
 */
export function clientConnection(client: Client, name: string, sent?: EarlyCatalog['rows']): Connection {
  let pending = sent;
  return {
    introspect: async (options) => {
      const rows = pending;
      pending = undefined;
      return introspectPostgres(client, options?.known, rows);
    },
    apply: async (plan, options) => (await import('./apply.js')).applyPlan(client, plan, name, options),
    lockMigrations: async (options) => (await import('./apply.js')).lockMigrations(client, name, options),
    dropStaleShadows: async () => (await import('./shadow.js')).dropStaleShadows(client),
    recordMigration: async (record) => (await import('./history.js')).recordMigration(client, record),
    readHistory: async () => (await import('./history.js')).readHistory(client),
    sampleRows: async (table, limit) => (await import('./sample.js')).sampleRows(client, table, limit),
    close: async () => {
      await client.end();
    },
  };
}

/** A connection opened by `connectReading` (connect.ts), whose first introspection takes the rows already asked for. */
export function earlyConnection(early: EarlyCatalog, name: string): Connection {
  return clientConnection(early.client, name, early.rows);
}
