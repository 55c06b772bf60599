/**
 * The PostgreSQL adapter: introspection (introspect.ts, a fixed number of catalog queries) and DDL
 * for every operation (compile.ts), applied in one transaction.
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
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyResult, Connection, DbTarget } from '../adapter.js';
import { postgresDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectPostgres } from './introspect.js';
import { openPostgresShadow } from './shadow.js';

/** A driver error as text; a refused connection is an AggregateError with an empty message. */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e.message !== '') return e.message;
  const code = (e as { code?: unknown }).code;
  const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : undefined;
  return inner !== undefined ? message(inner) : typeof code === 'string' ? code : e.name;
}

/**
 * Run a plan in one transaction: PostgreSQL DDL is transactional, so a failure leaves the database
 * exactly as it was. Function bodies are not checked at creation (as pg_dump does), because a body
 * may name objects that later steps create; literals are compiled for standard-conforming strings.
 */
async function applyPlan(client: Client, plan: Plan, name: string, signal: AbortSignal | undefined): Promise<ApplyResult> {
  const executed: string[] = [];
  await client.query('BEGIN');
  let current = 'BEGIN';
  try {
    await client.query('SET LOCAL check_function_bodies = false');
    await client.query('SET LOCAL standard_conforming_strings = on');
    for (const sql of planStatements(plan)) {
      current = sql;
      if (signal?.aborted) throw new Error('cancelled');
      await client.query(sql);
      executed.push(sql);
    }
    current = 'COMMIT';
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw errors.migrateFailed(name, current, message(e), true).because(e);
  }
  return { executed };
}

async function connect(target: DbTarget): Promise<Connection> {
  // Loaded here so that commands which never touch PostgreSQL do not pay for the driver.
  const { default: pg } = await import('pg');
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
  const connected = client;
  return {
    introspect: async () => introspectPostgres(connected),
    apply: async (plan, options) => applyPlan(connected, plan, target.name, options?.signal),
    recordMigration: async (record) => recordMigration(connected, record),
    readHistory: async () => readHistory(connected),
    close: async () => {
      await connected.end();
    },
  };
}

export const postgresAdapter: Adapter = {
  engine: 'postgres',
  capabilities: { transactionalDdl: true, namespaces: true },
  dialect: postgresDialect,
  connect,
  openShadow: (target) => openPostgresShadow(target, connect),
};
