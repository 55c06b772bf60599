import { mysqlExec } from '../support/mysql.js';
import { pgExec } from '../support/postgres.js';
import { serverUrl } from '../support/scratch.js';
import { rows, until, type Replicator, type Side } from './helpers.js';

/**
 * A target the job holds open (a DuckDB file) cannot be read while the job runs: progress is read
 * from the job's own events instead, by comparing the position it reports with where the source's
 * log was after the last change the test made. Heartbeats move an idle job's position on, and
 * `tick` writes elsewhere on the same server so that there is always a later transaction to beat on.
 */

const lsn = (text: string): bigint => {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/** A binlog position as redb stores it (JSON: file, pos) as one number: file sequence, then offset. */
const binlog = (text: string): bigint => {
  const { file, pos } = JSON.parse(text) as { file: string; pos: number };
  return (BigInt(/\.(\d+)$/.exec(file)?.[1] ?? '0') << 40n) | BigInt(pos);
};

/** The source's log position now, as a number the job's reported positions compare with. */
async function head(s: Side, job: string): Promise<{ at: bigint; of: (position: string) => bigint }> {
  switch (s.engine) {
    case 'sqlite': {
      const [r] = await rows(s, `SELECT seq FROM sqlite_sequence WHERE name = 'redb_changes_${job}'`);
      return { at: BigInt(String(r?.seq ?? 0)), of: (p) => BigInt(p) };
    }
    case 'postgres': {
      // The insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit off a
      // commit returns before its record is written, and the write position can still be short of it.
      const [r] = await rows(s, 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
      return { at: lsn(String(r?.lsn)), of: lsn };
    }
    case 'mysql': {
      const [r] = await rows(s, 'SHOW MASTER STATUS');
      return { at: binlog(JSON.stringify({ file: r?.File, pos: Number(r?.Position) })), of: binlog };
    }
    default:
      throw new Error(`no log position for ${s.engine}`);
  }
}

/** A transaction on the source's server outside the job's database, so a heartbeat has something to follow. */
async function tick(s: Side): Promise<void> {
  if (s.engine === 'postgres') await pgExec(serverUrl('REDB_TEST_PG_URL'), "SELECT pg_logical_emit_message(false, 'redb-test-tick', '')");
  if (s.engine === 'mysql') {
    await mysqlExec(
      new URL(serverUrl('REDB_TEST_MYSQL_URL')).pathname.slice(1),
      'CREATE DATABASE IF NOT EXISTS redb_test_tick; CREATE TABLE IF NOT EXISTS redb_test_tick.tick (n INT); INSERT INTO redb_test_tick.tick VALUES (1); DELETE FROM redb_test_tick.tick',
    );
  }
}

/** Wait until the job's reported position is at or past the source's log as it is now. */
export async function reachedHead(source: Side, job: string, r: Replicator, timeoutMs = 60_000): Promise<void> {
  const { at, of } = await head(source, job);
  await until(
    async () => {
      const p = r.position;
      if (p !== undefined && of(p) >= at) return true;
      await tick(source);
      return false;
    },
    () =>
      `${job} to reach its source's position ${at}; it reported ${r.position === undefined ? 'none' : of(r.position)}, last events: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress').slice(-3))} ${r.stderr.slice(-500)}`,
    timeoutMs,
  );
}
