import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import {
  tableLabel,
  validateJobName,
  type CaptureStatus,
  type ChangeCapture,
  type ChangeEvent,
  type ChangePlane,
  type CheckReport,
  type Handoff,
  type Position,
  type StreamOptions,
} from '../changes.js';
import type { TableName } from '../rows.js';
import { binlogPosition, compareBinlog, parseBinlogPosition, type BinlogPosition } from './binlog-position.js';
import { binlogChanges } from './binlog-stream.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { catalogColumnsText, modelColumn, noHistoryNote, SchemaHistory, scratchUnavailable } from './schema-history.js';

type Driver = import('mysql2/promise').Connection;

/**
 * MariaDB/MySQL's change plane: the server's own row-based binary log, read as a replica reads it.
 * redb makes nothing on the source: the binary log is there for every reader, and a job's position
 * lives in its target. The server's binlog expiry decides how far back a stream can resume; a
 * position already purged is reported as such (REDB_CHANGES_POSITION_GONE).
 *
 * The hand-off: START TRANSACTION WITH CONSISTENT SNAPSHOT, then the binary log coordinates of that
 * very snapshot (MariaDB's binlog_snapshot_file/position status, and the GTID position there);
 * where the server has no such status (MySQL), a global read lock held for the instant it takes to
 * start the transaction and read the coordinates. The snapshot is one connection's: one reader.
 */

const query = async <T>(driver: Driver, sql: string, values?: unknown[]): Promise<T[]> => (await driver.query(sql, values))[0] as T[];

/** The checks, on a connection as it is: its session settings are what its writes would log with. */
export async function checkSession(driver: Driver, dbName: string): Promise<CheckReport> {
  const [s] = await query<{ log_bin: number | string; format: string; global_format: string; image: string; global_image: string; login: string }>(
    driver,
    'SELECT @@GLOBAL.log_bin AS log_bin, @@SESSION.binlog_format AS format, @@GLOBAL.binlog_format AS global_format, @@SESSION.binlog_row_image AS image, @@GLOBAL.binlog_row_image AS global_image, CURRENT_USER() AS login',
  );
  if (s === undefined || Number(s.log_bin) !== 1) throw errors.changesBinlogOff(dbName);
  const where = (own: string, global: string) => (own === global ? 'the server setting' : `this session; the server's is ${global}`);
  if (s.format.toUpperCase() !== 'ROW') throw errors.changesBinlogFormat(dbName, s.format.toUpperCase(), where(s.format, s.global_format));
  if (s.image.toUpperCase() !== 'FULL') throw errors.changesRowImage(dbName, s.image.toUpperCase(), where(s.image, s.global_image));
  const at = s.login.lastIndexOf('@');
  const grantee = `'${s.login.slice(0, at)}'@'${s.login.slice(at + 1)}'`;
  const granted = new Set(
    (await query<{ p: string }>(driver, 'SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?', [grantee])).map((r) => r.p),
  );
  const missing = [
    ...(granted.has('REPLICATION SLAVE') ? [] : ['REPLICATION SLAVE']),
    ...(['REPLICATION CLIENT', 'BINLOG MONITOR', 'SUPER'].some((p) => granted.has(p)) ? [] : ['REPLICATION CLIENT']),
  ];
  if (missing.length > 0) throw errors.changesPrivilege(dbName, s.login, missing, `as an administrator: GRANT ${missing.join(', ')} ON *.* TO ${grantee}`);
  const notes: string[] = [];
  const why = await historyUnavailable(driver);
  if (why !== undefined) notes.push(noHistoryNote(why));
  return { notes };
}

/**
 * Why a stream cannot keep the tables' shapes by itself, where the log does not name its columns
 * (binlog_row_metadata not FULL) and the login may not create a scratch database to replay schema
 * changes on; undefined when it can.
 */
async function historyUnavailable(driver: Driver): Promise<string | undefined> {
  const metadata = await query<{ m: string }>(driver, 'SELECT @@GLOBAL.binlog_row_metadata AS m').catch(() => []);
  if (metadata[0] === undefined || metadata[0].m.toUpperCase() === 'FULL') return undefined;
  const [db] = await query<{ d: string }>(driver, 'SELECT DATABASE() AS d');
  return scratchUnavailable(driver, db?.d ?? 'redb');
}

async function check(target: DbTarget): Promise<CheckReport> {
  const driver = await openMysql(target);
  try {
    return await checkSession(driver, target.name);
  } finally {
    await driver.end().catch(() => undefined);
  }
}

/** Snapshots taken at most while ALTERs keep coming between it and the read of the tables' shapes; the last one is kept. */
const SNAPSHOT_ATTEMPTS = 5;

/** Coordinates of the snapshot `driver` is about to read in; the transaction is open on return. */
async function beginSnapshot(driver: Driver): Promise<BinlogPosition> {
  await driver.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  const status = await query<{ Variable_name: string; Value: string }>(driver, "SHOW STATUS LIKE 'binlog_snapshot_%'");
  const file = status.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_file')?.Value;
  const pos = status.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_position')?.Value;
  if (file !== undefined && file !== '' && pos !== undefined) {
    const [g] = await query<{ gtid: string | null }>(driver, 'SELECT BINLOG_GTID_POS(?, ?) AS gtid', [file, Number(pos)]).catch(() => []);
    return { file, pos: Number(pos), ...(g?.gtid == null || g.gtid === '' ? {} : { gtid: g.gtid }) };
  }
  // MySQL: hold writes still for as long as it takes to open the snapshot and read where the log is.
  await driver.query('ROLLBACK');
  await driver.query('FLUSH TABLES WITH READ LOCK');
  try {
    await driver.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [m] = await query<{ File: string; Position: number | string; Executed_Gtid_Set?: string }>(driver, 'SHOW MASTER STATUS');
    if (m === undefined) throw new Error('SHOW MASTER STATUS returned nothing: is the binary log on?');
    const gtid = (m.Executed_Gtid_Set ?? '').replace(/\s/g, '');
    return { file: m.File, pos: Number(m.Position), ...(gtid === '' ? {} : { gtid }) };
  } finally {
    await driver.query('UNLOCK TABLES');
  }
}

/** Whether a connection can still take a query (mysql2 marks one the server closed, but keeps it). */
const usable = (d: Driver): boolean => {
  const state = (d as unknown as { connection?: { state?: string } }).connection?.state;
  return state !== 'error' && state !== 'disconnected';
};

async function open(target: DbTarget, job: string): Promise<ChangeCapture> {
  validateJobName(job);
  const database = parseMysqlUrl(target.url).database;
  let driver: Driver | undefined;
  // One connection for catalog look-ups and status, opened again once the server ended it (a
  // restart): kept, it would fail every retry of the job with "connection is in closed state".
  const sql = async (): Promise<Driver> => {
    if (driver !== undefined && !usable(driver)) {
      void driver.end().catch(() => undefined);
      driver = undefined;
    }
    if (driver === undefined) {
      const opened = await openMysql(target);
      const forget = () => {
        if (driver === opened) driver = undefined;
      };
      opened.on('error', forget);
      opened.on('end', forget);
      driver = opened;
    }
    return driver;
  };
  let acknowledged: BinlogPosition | undefined;
  /** Why the last stream could not follow schema changes on a scratch copy, if it could not. */
  let unavailable: string | undefined;
  let probed: Promise<string | undefined> | undefined;

  async function prepare(tables: readonly TableName[]): Promise<Handoff> {
    const present = new Set(
      (
        await query<{ name: string }>(
          await sql(),
          "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        )
      ).map((r) => r.name),
    );
    const missing = tables.find((t) => !present.has(t.name));
    if (missing !== undefined) throw errors.changesTableMissing(target.name, tableLabel(missing));
    const { connectMysql, reader } = await import('./rows.js');
    const snapshot = await connectMysql(target);
    let start: BinlogPosition;
    let history: SchemaHistory;
    // MariaDB's catalog has no snapshot: the shapes are read beside it, once it is open, and kept only when a read of the
    // catalog just before it opened says the same; else an ALTER came between them and the snapshot is taken again. So the
    // shapes stored with its position, and the columns a job maps its tables by, are the ones at that position.
    let doing = 'opening a snapshot at a binary log position';
    try {
      for (let attempt = 1; ; attempt++) {
        doing = "reading the tables' shapes";
        const before = await catalogColumnsText(await sql(), database);
        doing = 'opening a snapshot at a binary log position';
        start = await beginSnapshot(snapshot);
        doing = "reading the tables' shapes";
        history = await SchemaHistory.open(target, database, undefined, await sql());
        if (history.columnsText() === before || attempt === SNAPSHOT_ATTEMPTS) break;
        await snapshot.query('ROLLBACK');
      }
    } catch (e) {
      await snapshot.end().catch(() => undefined);
      throw errors.changesSourceFailed(target.name, doing, e instanceof Error ? e.message : String(e)).because(e);
    }
    let handedOver = false;
    // The tables' shapes at the snapshot, stored with its position: a stream resumed there names rows by them.
    const state = history.state();
    const atStart = history;
    return {
      start: binlogPosition(start),
      state,
      // As the stream describes a table it has not described yet (binlog-stream.ts).
      columnsAt: (table) =>
        atStart.columnSchemas(table.name)?.map((c) => ({ name: c.COLUMN_NAME, type: c.COLUMN_TYPE, key: c.COLUMN_KEY === 'PRI', column: modelColumn(c) })),
      async openSnapshot() {
        handedOver = true;
        return { readers: [reader(snapshot)], close: () => snapshot.end().catch(() => undefined) };
      },
      async close() {
        if (!handedOver) await snapshot.end().catch(() => undefined);
      },
    };
  }

  async function* stream(from: Position, options: StreamOptions = {}): AsyncGenerator<ChangeEvent> {
    const start = parseBinlogPosition(from);
    const keyOf = async (table: string) =>
      new Set(
        (
          await query<{ c: string }>(
            await sql(),
            "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_KEY = 'PRI'",
            [table],
          )
        ).map((r) => r.c),
      );
    const history = await SchemaHistory.open(target, database, options.state, await sql());
    try {
      yield* binlogChanges({ target, database, from: start, signal: options.signal, heartbeatMs: options.heartbeatMs ?? 10_000, keyOf, history });
    } finally {
      unavailable = history.unavailable;
      await history.close();
    }
  }

  async function status(): Promise<CaptureStatus> {
    const d = await sql();
    const [head] = await query<{ File: string; Position: number | string }>(d, 'SHOW MASTER STATUS');
    const logs = await query<{ Log_name: string; File_size: number | string }>(d, 'SHOW BINARY LOGS').catch(() => []);
    const [g] = await query<{ gtid: string | null }>(d, 'SELECT @@GLOBAL.gtid_binlog_pos AS gtid').catch(() => []);
    const headPosition =
      head === undefined ? undefined : { file: head.File, pos: Number(head.Position), ...(g?.gtid == null || g.gtid === '' ? {} : { gtid: g.gtid }) };
    const size = (name: string) => Number(logs.find((l) => l.Log_name === name)?.File_size ?? 0);
    let lagBytes: number | undefined;
    let lost: string | undefined;
    if (acknowledged !== undefined && headPosition !== undefined) {
      const ack = acknowledged;
      if (!logs.some((l) => l.Log_name === ack.file)) lost = `binary log ${ack.file} was purged by the server`;
      else {
        const from = logs.findIndex((l) => l.Log_name === ack.file);
        lagBytes = logs.slice(from).reduce((sum, l) => sum + Number(l.File_size), 0) - ack.pos - (size(headPosition.file) - headPosition.pos);
      }
    }
    // Looked at once per capture: the look makes and drops a database.
    probed ??= historyUnavailable(d).catch(() => undefined);
    const why = await probed;
    return {
      ...(why === undefined && unavailable === undefined ? {} : { notes: [noHistoryNote(unavailable ?? why ?? '')] }),
      job,
      exists: true,
      active: undefined,
      head: headPosition === undefined ? undefined : binlogPosition(headPosition),
      confirmed: acknowledged === undefined ? undefined : binlogPosition(acknowledged),
      retainedBytes: logs.reduce((sum, l) => sum + Number(l.File_size), 0),
      lagBytes,
      pendingChanges: undefined,
      lost,
    };
  }

  return {
    job,
    prepare,
    stream,
    // Nothing to tell the server: the job's position lives in its target. Kept for status.
    async acknowledge(p) {
      const position = parseBinlogPosition(p);
      if (acknowledged === undefined || compareBinlog(position, acknowledged) > 0) acknowledged = position;
    },
    status,
    // redb made nothing on the source.
    async drop() {},
    async close() {
      await driver?.end().catch(() => undefined);
      driver = undefined;
    },
  };
}

export const mysqlChanges: ChangePlane = {
  compare: (a, b) => compareBinlog(parseBinlogPosition(a), parseBinlogPosition(b)),
  position: (text) => binlogPosition(parseBinlogPosition(text)),
  check,
  listOwned: async () => [],
  open,
};
