import type { Client } from 'pg';
import { errors, isRedbError } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import {
  oneByOne,
  ownedName,
  validateJobName,
  type ChangeCapture,
  type ChangeEvent,
  type ChangePlane,
  type Handoff,
  type Position,
  type StreamOptions,
} from '../changes.js';
import type { TableName } from '../rows.js';
import { check, codeOf, dropSlot, listOwned, message, openPg, resolveTables, waitInactive } from './capture-setup.js';
import { type Attribute, PgChangeDecoder } from './change-events.js';
import { pgChangeRuns } from './change-stream.js';
import { compareLsn, formatLsn, parseLsn } from './lsn.js';
import { laterSnapshot, seenBy } from './later-snapshot.js';
import { rewrittenSince, snapshotColumns } from './snapshot-columns.js';
import { endClient, ReplicationSession, replicationClient } from './replication.js';
import { quoteIdent } from './sql-text.js';

/**
 * PostgreSQL's change plane: logical replication with the built-in pgoutput plugin, a publication
 * and a slot per job, both named `redb_<job>`.
 *
 * - The hand-off: the slot is created on a replication connection with EXPORT_SNAPSHOT; readers of
 *   the initial copy import that snapshot while the connection stays open, and the stream starts at
 *   the slot's consistent point, so the copy and the changes meet exactly. Creating a slot waits
 *   for every write transaction running on the server (in any database) to end; the signal cancels it.
 * - Tables whose changes cannot say which row they touched (no primary key, and a replica identity
 *   that is neither FULL nor an index) are refused, naming them and the fixes: redb does not change
 *   a source's replica identity by itself, since that makes every later change log whole rows.
 * - The slot frees WAL only up to what the target acknowledged (`acknowledge`, after it
 *   committed); heartbeats let an idle job acknowledge the server's position too.
 */

function position(text: string): Position {
  if (parseLsn(text) === undefined) throw errors.changesBadPosition('PostgreSQL', text);
  return text as Position;
}
const lsnOf = (p: Position): bigint => parseLsn(position(p)) as bigint;

async function open(target: DbTarget, job: string): Promise<ChangeCapture> {
  const name = ownedName(validateJobName(job));
  let client: Client | undefined;
  let session: ReplicationSession | undefined;
  const sql = async (): Promise<Client> => {
    if (client === undefined) {
      const c = await openPg(target);
      // A server restart ends the connection: the next call (a retry of the job) connects again.
      c.on('end', () => {
        if (client === c) client = undefined;
      });
      client = c;
    }
    return client;
  };
  const version = async (): Promise<number> =>
    Number((await (await sql()).query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]?.v ?? 0);

  const typeNames = new Map<string, string>();
  const typeName = async (oid: number, typmod: number, fallback: string | undefined): Promise<string> => {
    const id = `${oid}:${typmod}`;
    let known = typeNames.get(id);
    if (known === undefined) {
      const { rows } = await (await sql()).query<{ t: string | null }>('SELECT format_type($1::oid, $2::int) AS t', [oid, typmod]);
      const t = rows[0]?.t;
      known = t === null || t === undefined || t === '???' ? (fallback ?? `oid ${oid}`) : t;
      typeNames.set(id, known);
    }
    return known;
  };

  /** The columns pgoutput sends of a relation (generated ones it leaves out), as the catalog numbers them: the relation's, or those of every table of the job's publication. */
  const attributes = async (oid: number | undefined): Promise<Map<number, Attribute[]>> => {
    const c = await sql();
    const generated = (await version()) >= 120000 ? " AND a.attgenerated = ''" : '';
    const of = oid === undefined ? 'IN (SELECT prrelid FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = $1)' : '= $1';
    const { rows } = await c.query<{ rel: number; name: string; num: number }>(
      `SELECT a.attrelid::int8 AS rel, a.attname AS name, a.attnum AS num FROM pg_attribute a
        WHERE a.attrelid ${of} AND a.attnum > 0 AND NOT a.attisdropped${generated} ORDER BY a.attrelid, a.attnum`,
      [oid ?? name],
    );
    const out = new Map<number, Attribute[]>();
    for (const r of rows) {
      const rel = Number(r.rel);
      const list = out.get(rel) ?? [];
      list.push({ name: r.name, num: r.num });
      out.set(rel, list);
    }
    return out;
  };

  const stopSession = async () => {
    await session?.close();
    session = undefined;
  };

  async function prepare(tables: readonly TableName[], options: { readonly signal?: AbortSignal } = {}): Promise<Handoff> {
    const c = await sql();
    const qualified = await resolveTables(c, target, tables);
    const publicationExists = (await c.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name])).rowCount === 1;
    const serverVersion = await version();
    const partitionRoot = serverVersion >= 130000;
    try {
      if (publicationExists) {
        await c.query(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${qualified.join(', ')}`);
        if (partitionRoot) await c.query(`ALTER PUBLICATION ${quoteIdent(name)} SET (publish_via_partition_root = true)`);
      } else {
        // Changes of a partition travel as changes of the table the job names.
        await c.query(
          `CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${qualified.join(', ')}${partitionRoot ? ' WITH (publish_via_partition_root = true)' : ''}`,
        );
      }
    } catch (e) {
      throw errors.changesSourceFailed(target.name, `${publicationExists ? 'changing' : 'creating'} publication ${name}`, message(e)).because(e);
    }
    // A hand-off needs a new snapshot, which only a new slot exports: an old slot of the job goes.
    await stopSession();
    try {
      await dropSlot(c, target, name);
      const replication = await replicationClient(target, `redb replicate ${name}`);
      // A new slot waits for every transaction then running on the server to end: cancelling ends the wait (and the slot).
      const cancel = () => void endClient(replication);
      options.signal?.addEventListener('abort', cancel);
      try {
        options.signal?.throwIfAborted();
        const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
          `CREATE_REPLICATION_SLOT ${quoteIdent(name)} LOGICAL pgoutput EXPORT_SNAPSHOT`,
        );
        const { consistent_point: start, snapshot_name: snapshot } = rows[0] as { consistent_point: string; snapshot_name: string };
        const { columns, storage, state } = await snapshotColumns(target, snapshot, tables, serverVersion).catch((e: unknown) => {
          throw errors.changesSourceFailed(target.name, "reading the tables' columns in the slot's snapshot", message(e)).because(e);
        });
        return {
          start: position(start),
          state,
          // A table named without its schema is the one the search path found.
          columnsAt: (table) =>
            columns[tables.findIndex((t) => t.name === table.name && (t.schema === table.schema || t.schema === undefined || table.schema === undefined))],
          rewritten: async () => rewrittenSince(await sql(), storage),
          openSnapshot: async ({ jobs }) => (await import('./rows.js')).openSnapshotSource(target, jobs, snapshot),
          close: () => endClient(replication),
        };
      } catch (e) {
        await endClient(replication);
        throw options.signal?.aborted ? errors.aborted('setting up change capture') : e;
      } finally {
        options.signal?.removeEventListener('abort', cancel);
      }
    } catch (e) {
      if (!publicationExists) await c.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
      if (isRedbError(e)) throw e;
      if (codeOf(e) === '53400') {
        const { rows } = await c.query<{ n: number; max: number }>(
          `SELECT count(*)::int AS n, current_setting('max_replication_slots')::int AS max FROM pg_replication_slots`,
        );
        throw errors.changesNoSlots(target.name, 'max_replication_slots', rows[0]?.max ?? 0, rows[0]?.n ?? 0).because(e);
      }
      if (codeOf(e) === '55000' && /wal_level/.test(message(e))) throw errors.changesWalLevel(target.name, 'replica').because(e);
      throw errors.changesSourceFailed(target.name, `creating replication slot ${name}`, message(e)).because(e);
    }
  }

  async function* runs(from: Position, options: StreamOptions = {}): AsyncGenerator<ChangeEvent[]> {
    const lsn = lsnOf(from);
    const heartbeatMs = options.heartbeatMs ?? 10_000;
    await stopSession();
    const protocol = (await version()) >= 140000 ? 2 : 1;
    session = await ReplicationSession.start(target, { slot: name, publication: name, from: lsn, protocol, heartbeatMs });
    try {
      const decoder = new PgChangeDecoder(typeName, async (oid) => (await attributes(oid)).get(oid) ?? [], await attributes(undefined), options.state);
      yield* pgChangeRuns(session, decoder, { from: lsn, signal: options.signal, heartbeatMs });
    } catch (e) {
      if (isRedbError(e)) throw e;
      // 55000: the slot was invalidated (its WAL removed); 42704: the publication is gone.
      if (codeOf(e) === '55000') throw errors.changesPositionGone(target.name, from, message(e)).because(e);
      if (codeOf(e) === '42704') throw errors.changesJobMissing(target.name, job, `publication ${name}`).because(e);
      throw errors.changesSourceFailed(target.name, `reading the changes of job ${job}`, message(e)).because(e);
    } finally {
      await stopSession();
    }
  }

  async function* stream(from: Position, options: StreamOptions = {}): AsyncGenerator<ChangeEvent> {
    yield* oneByOne(runs(from, options), options.signal);
  }

  async function include(tables: readonly TableName[]): Promise<void> {
    const c = await sql();
    const qualified = await resolveTables(c, target, tables);
    try {
      await c.query(`ALTER PUBLICATION ${quoteIdent(name)} ADD TABLE ${qualified.join(', ')}`);
    } catch (e) {
      // 42710: already a member (a scan that ran before a crash).
      if (codeOf(e) !== '42710') throw errors.changesSourceFailed(target.name, `adding tables to publication ${name}`, message(e)).because(e);
    }
  }

  async function acknowledge(p: Position): Promise<void> {
    const lsn = lsnOf(p);
    if (session !== undefined) return session.confirm(lsn);
    // No stream open here: move the slot itself (once a reader that just left has let go of it).
    const c = await sql();
    if (!(await waitInactive(c, target, name))) throw errors.changesJobMissing(target.name, job, `replication slot ${name}`);
    const { rows } = await c.query<{ confirmed: string | null }>(
      'SELECT confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1',
      [name],
    );
    if (compareLsn(parseLsn(rows[0]?.confirmed ?? '0/0') ?? 0n, lsn) >= 0) return;
    try {
      await c.query('SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [name, formatLsn(lsn)]);
    } catch (e) {
      if (codeOf(e) === '55006') throw errors.changesSlotActive(target.name, name, undefined).because(e);
      throw errors.changesSourceFailed(target.name, `moving replication slot ${name}`, message(e)).because(e);
    }
  }

  async function status() {
    const c = await sql();
    const { rows } = await c.query<{
      active: boolean;
      confirmed: string | null;
      head: string;
      retained: number | null;
      lag: number | null;
      wal_status: string | null;
    }>(
      `SELECT s.active, s.confirmed_flush_lsn::text AS confirmed, pg_current_wal_lsn()::text AS head, to_jsonb(s)->>'wal_status' AS wal_status,
              pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::float8 AS retained, pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::float8 AS lag
         FROM pg_replication_slots s WHERE s.slot_name = $1`,
      [name],
    );
    const row = rows[0];
    const head = row?.head ?? (await c.query<{ head: string }>('SELECT pg_current_wal_lsn()::text AS head')).rows[0]?.head;
    return {
      job,
      exists: row !== undefined,
      active: row?.active,
      head: head === undefined ? undefined : position(head),
      confirmed: row?.confirmed == null ? undefined : position(row.confirmed),
      retainedBytes: row?.retained ?? undefined,
      lagBytes: row?.lag ?? undefined,
      pendingChanges: undefined,
      lost: row?.wal_status === 'lost' ? 'the server removed WAL the slot still needed (max_slot_wal_keep_size)' : undefined,
    };
  }

  async function drop(): Promise<void> {
    await stopSession();
    const c = await sql();
    await dropSlot(c, target, name);
    await c.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`);
  }

  return {
    job,
    prepare,
    stream,
    runs,
    include,
    later: () => laterSnapshot(target, position),
    acknowledge,
    status,
    drop,
    async close() {
      await stopSession();
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

export const postgresChanges: ChangePlane = {
  compare: (a, b) => compareLsn(lsnOf(a), lsnOf(b)),
  seenBy,
  position,
  check,
  listOwned,
  open,
};
