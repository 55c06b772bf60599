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
import type { Adapter, Connection, DbTarget } from '../adapter.js';
import { connectClient } from './connect.js';
import { clientConnection } from './connection.js';
import { postgresDialect } from './compile.js';
import { openPostgresShadow } from './shadow.js';
import { postgresManifest } from './manifest.js';

export { clientConnection, earlyConnection } from './connection.js';

async function connect(target: DbTarget): Promise<Connection> {
  return clientConnection(await connectClient(target), target.name);
}

export const postgresAdapter: Adapter = {
  engine: 'postgres',
  capabilities: postgresManifest.capabilities,
  dialect: postgresDialect,
  connect,
  openShadow: (target, options) => openPostgresShadow(target, { connect, over: clientConnection }, options),
};
