import type { DbTarget } from '../adapter.js';
import type { LaterSnapshot, Position } from '../changes.js';
import { openPg } from './capture-setup.js';

/**
 * A snapshot taken after a job's hand-off, without a new slot: a copy resumed after a crash reads
 * its remaining pages in it while the job's slot still streams from the hand-off. The snapshot's
 * own text (`xmin:xmax:xip,...`, txid_current_snapshot: before PostgreSQL 13 too) tells which transactions of the stream it
 * already saw; `until`, the WAL insert position read after it was taken, is past all of their commits.
 */
export async function laterSnapshot(target: DbTarget, position: (text: string) => Position): Promise<LaterSnapshot> {
  const client = await openPg(target);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // One statement: the snapshot is taken as it starts, the WAL position read after.
    const { rows } = await client.query<{ id: string; snapshot: string; until: string }>(
      'SELECT pg_export_snapshot() AS id, txid_current_snapshot()::text AS snapshot, pg_current_wal_insert_lsn()::text AS until',
    );
    const row = rows[0] as { id: string; snapshot: string; until: string };
    return {
      snapshot: row.snapshot,
      until: position(row.until),
      // The exporting transaction stays open until close: importing needs it.
      openSnapshot: async ({ jobs }) => (await import('./rows.js')).openSnapshotSource(target, jobs, row.id),
      close: async () => {
        await client.end().catch(() => undefined);
      },
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

const XID_SPACE = 2n ** 32n;

/** `a` before `b` among 32-bit transaction ids, as PostgreSQL compares them (modulo 2^32, within half the circle). */
const precedes = (a: bigint, b: bigint): boolean => {
  const d = (a - b + XID_SPACE) % XID_SPACE;
  return d >= XID_SPACE / 2n;
};

/**
 * Whether the snapshot saw `transaction` (a top-level xid as pgoutput's Begin gives it, 32 bits)
 * committed: before its xmin, or before its xmax and not in progress then. The snapshot's ids are
 * 64-bit; a stream's are compared modulo 2^32, which holds within two billion transactions.
 */
export function seenBy(snapshot: string, transaction: string): boolean {
  const [xmin, xmax, xip] = snapshot.split(':');
  if (xmin === undefined || xmax === undefined || !/^\d+$/.test(transaction)) return false;
  const xid = BigInt(transaction) % XID_SPACE;
  const lo = BigInt(xmin) % XID_SPACE;
  const hi = BigInt(xmax) % XID_SPACE;
  if (precedes(xid, lo)) return true;
  if (!precedes(xid, hi)) return false;
  return !(xip ?? '')
    .split(',')
    .filter((x) => x !== '')
    .some((x) => BigInt(x) % XID_SPACE === xid);
}
