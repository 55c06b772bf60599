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
import { planStatements, type Plan } from '../../unified/index.js';
import type { Adapter, ApplyResult, Connection, DbTarget } from '../adapter.js';
import { postgresDialect } from './compile.js';
import { readHistory, recordMigration } from './history.js';
import { introspectPostgres } from './introspect.js';
import { sampleRows } from './sample.js';
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
 * Run a plan: its steps outside the transaction first (session settings, concurrent drops), then
 * the rest in one transaction, then what must follow a commit (concurrent builds, validations).
 * PostgreSQL DDL is transactional, so a plan without outside steps is all or nothing. Function bodies
 * are not checked at creation (as pg_dump does), because a body may name objects that later steps
 * create; literals are compiled for standard-conforming strings.
 */
async function applyPlan(client: Client, plan: Plan, name: string, signal: AbortSignal | undefined): Promise<ApplyResult> {
  const executed: string[] = [];
  // Statements that stay applied whatever happens next: outside ones, and the transaction once committed.
  const kept: string[] = [];
  let current = '';
  const run = async (sql: string) => {
    current = sql;
    if (signal?.aborted) throw new Error('cancelled');
    await client.query(sql);
    executed.push(sql);
  };
  const fail = (e: unknown) => errors.migrateFailed(name, current, message(e), kept.length === 0, kept.length === 0 ? undefined : kept).because(e);

  const outside = async (when: 'before' | 'after') => {
    for (const step of plan.steps.filter((s) => s.outsideTransaction === when)) {
      for (const sql of step.statements) {
        try {
          await run(sql);
          kept.push(sql);
        } catch (e) {
          for (const undo of step.onFailure ?? []) await client.query(undo).catch(() => undefined);
          throw fail(e);
        }
      }
    }
  };

  await outside('before');
  const inside = plan.steps.filter((s) => s.outsideTransaction === undefined).flatMap((s) => s.statements);
  if (inside.length > 0) {
    await client.query('BEGIN');
    try {
      current = 'BEGIN';
      await client.query('SET LOCAL check_function_bodies = false');
      await client.query('SET LOCAL standard_conforming_strings = on');
      for (const sql of inside) await run(sql);
      current = 'COMMIT';
      await client.query('COMMIT');
      kept.push(...inside);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw fail(e);
    }
  }
  await outside('after');
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
  return clientConnection(client, target.name);
}

/** A Connection over a connected client: a server's, or an embedded PostgreSQL's (pglite-shadow.ts). */
export function clientConnection(client: Client, name: string): Connection {
  return {
    introspect: async () => introspectPostgres(client),
    apply: async (plan, options) => applyPlan(client, plan, name, options?.signal),
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
  capabilities: { transactionalDdl: true, namespaces: true },
  dialect: postgresDialect,
  connect,
  openShadow: (target, options) => openPostgresShadow(target, { connect, over: clientConnection }, options),
};
