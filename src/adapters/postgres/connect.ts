import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { sendCatalog, type CatalogRows } from './catalog-read.js';
import { loadPg } from './load-pg.js';

/** The driver's error as one line: an empty message (a refused connection's AggregateError) says its first cause or code. */
export function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e.message !== '') return e.message;
  const code = (e as { code?: unknown }).code;
  const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : undefined;
  return inner !== undefined ? message(inner) : typeof code === 'string' ? code : e.name;
}

/** A connected client, or REDB_DB_UNREACHABLE. Light: the driver only, not the model (see early-read.ts). */
export async function connectClient(target: DbTarget): Promise<Client> {
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
  return client;
}

/** A connection whose catalog read is under way: the server answers while the caller loads the rest. */
export interface EarlyCatalog {
  readonly client: Client;
  readonly rows: Promise<CatalogRows>;
}

/** Connect and send the catalog read at once (its rows are consumed by introspect.ts). */
export async function connectReading(target: DbTarget): Promise<EarlyCatalog> {
  const client = await connectClient(target);
  const rows = sendCatalog(client);
  // Consumed later, or never (the pull stopped first): a failure is not unhandled meanwhile.
  rows.catch(() => undefined);
  return { client, rows };
}
