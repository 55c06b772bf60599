import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { jobOfOwned, tableLabel, type CheckReport, type OwnedObject } from '../changes.js';
import type { TableName } from '../rows.js';
import { loadPg } from './load-pg.js';
import { quoteIdent } from './sql-text.js';

/**
 * What change capture checks and keeps on a PostgreSQL server besides the stream itself: the
 * preconditions, the tables a job may capture, and redb's slots and publications.
 */

export const message = (e: unknown): string => {
  const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
  return inner instanceof Error ? inner.message || String((inner as { code?: unknown }).code ?? inner.name) : String(inner);
};
export const codeOf = (e: unknown): string | undefined => (e as { code?: unknown }).code as string | undefined;

export async function openPg(target: DbTarget): Promise<Client> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: target.url, application_name: 'redb replicate', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  return client;
}

async function withPg<T>(target: DbTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await openPg(target);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Settings {
  wal_level: string;
  version: number;
  replication: boolean;
  login: string;
  max_slots: number;
  used_slots: number;
  max_senders: number;
  used_senders: number;
  can_publish: boolean;
  db: string;
}

export async function check(target: DbTarget): Promise<CheckReport> {
  return withPg(target, async (client) => {
    const { rows } = await client.query<Settings>(
      `SELECT current_setting('wal_level') AS wal_level, current_setting('server_version_num')::int AS version,
              r.rolsuper OR r.rolreplication AS replication, current_user AS login, current_database() AS db,
              current_setting('max_replication_slots')::int AS max_slots, (SELECT count(*)::int FROM pg_replication_slots) AS used_slots,
              current_setting('max_wal_senders')::int AS max_senders,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'walsender') AS used_senders,
              has_database_privilege(current_database(), 'CREATE') AS can_publish
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const s = rows[0] as Settings;
    if (s.wal_level !== 'logical') throw errors.changesWalLevel(target.name, s.wal_level);
    if (!s.replication)
      throw errors.changesPrivilege(target.name, s.login, ['the REPLICATION attribute'], `as a superuser: ALTER ROLE ${quoteIdent(s.login)} WITH REPLICATION`);
    if (!s.can_publish)
      throw errors.changesPrivilege(
        target.name,
        s.login,
        ['CREATE on the database (to create a publication)'],
        `GRANT CREATE ON DATABASE ${quoteIdent(s.db)} TO ${quoteIdent(s.login)}`,
      );
    if (s.used_slots >= s.max_slots) throw errors.changesNoSlots(target.name, 'max_replication_slots', s.max_slots, s.used_slots);
    if (s.used_senders >= s.max_senders) throw errors.changesNoSlots(target.name, 'max_wal_senders', s.max_senders, s.used_senders);
    const notes = s.version < 140000 ? ['PostgreSQL before 14 decodes a large transaction whole on the server (spilling to its disk) before sending it'] : [];
    return { notes };
  });
}

export async function listOwned(target: DbTarget): Promise<OwnedObject[]> {
  return withPg(target, async (client) => {
    const slots = await client.query<{ name: string; active: boolean }>(
      `SELECT slot_name AS name, active FROM pg_replication_slots WHERE database = current_database() AND plugin = 'pgoutput' AND slot_name LIKE 'redb\\_%' ORDER BY 1`,
    );
    const publications = await client.query<{ name: string }>(`SELECT pubname AS name FROM pg_publication WHERE pubname LIKE 'redb\\_%' ORDER BY 1`);
    const owned: OwnedObject[] = [];
    for (const s of slots.rows) {
      const job = jobOfOwned(s.name);
      if (job !== undefined) owned.push({ job, kind: 'slot', name: s.name, active: s.active });
    }
    for (const p of publications.rows) {
      const job = jobOfOwned(p.name);
      if (job !== undefined) owned.push({ job, kind: 'publication', name: p.name });
    }
    return owned;
  });
}

interface Resolved {
  table: string;
  schema: string | null;
  name: string | null;
  kind: string | null;
  identity: string | null;
  has_pk: boolean | null;
}

/** The tables as the catalog names them; missing ones and ones without a usable identity are refused. */
export async function resolveTables(client: Client, target: DbTarget, tables: readonly TableName[]): Promise<string[]> {
  const { rows } = await client.query<Resolved>(
    `SELECT t.name AS table, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relreplident::text AS identity,
            EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary) AS has_pk
       FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i)
       LEFT JOIN pg_class c ON c.oid = to_regclass(t.name) LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      ORDER BY t.i`,
    [tables.map((t) => (t.schema === undefined ? quoteIdent(t.name) : `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`))],
  );
  const missing = rows.find((r) => r.name === null || (r.kind !== 'r' && r.kind !== 'p'));
  if (missing !== undefined) throw errors.changesTableMissing(target.name, tableLabel(tables[rows.indexOf(missing)] as TableName));
  const keyless = rows.filter((r) => r.identity === 'n' || (r.identity === 'd' && r.has_pk !== true));
  if (keyless.length > 0) {
    const names = keyless.map((r) => `${r.schema}.${r.name}`);
    throw errors.changesNoKey(
      target.name,
      names,
      `add a primary key (redb migrate), or have the table's changes carry whole rows: ALTER TABLE ${names[0]} REPLICA IDENTITY FULL (or USING INDEX on a unique index of NOT NULL columns); or leave ${keyless.length === 1 ? 'it' : 'them'} out with --tables`,
    );
  }
  return rows.map((r) => `${quoteIdent(r.schema as string)}.${quoteIdent(r.name as string)}`);
}

/** A slot stays active for a moment after its reader went away: wait for that, no longer. */
export async function waitInactive(client: Client, target: DbTarget, slot: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await client.query<{ active: boolean; pid: number | null }>(
      'SELECT active, active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    const row = rows[0];
    if (row === undefined) return false;
    if (!row.active) return true;
    if (Date.now() >= deadline) throw errors.changesSlotActive(target.name, slot, row.pid ?? undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function dropSlot(client: Client, target: DbTarget, slot: string): Promise<void> {
  if (!(await waitInactive(client, target, slot))) return;
  try {
    await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
  } catch (e) {
    if (codeOf(e) === '55006') throw errors.changesSlotActive(target.name, slot, undefined).because(e);
    if (codeOf(e) !== '42704') throw errors.changesSourceFailed(target.name, `dropping replication slot ${slot}`, message(e)).because(e);
  }
}
