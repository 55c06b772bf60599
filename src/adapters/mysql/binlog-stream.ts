import { randomInt } from 'node:crypto';
import { errors, isRedbError } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import type { ChangeColumn, ChangeEvent, Position } from '../changes.js';
import type { Row } from '../rows.js';
import { binlogPosition, GtidState, type BinlogPosition } from './binlog-position.js';
import { SHADOW_PREFIX } from '../shadow-name.js';
import { parseMysqlUrl } from './connect.js';
import { modelColumn, type ColumnSchema, type SchemaHistory } from './schema-history.js';
import { statedColumnRenames } from './stated-renames.js';

/**
 * The row-based binary log of a MariaDB/MySQL server as change events, read with @vlasky/zongji
 * (which decodes MariaDB's row events and GTIDs). One database is read whole: the server keeps
 * nothing per job, so it is the consumer that keeps to its tables.
 *
 * - A transaction surfaces from its first row of this database to its commit (an Xid event, or
 *   COMMIT for tables that are not transactional); the server logs a transaction only once it
 *   commits, so nothing rolled back ever arrives. A transaction with nothing of this database
 *   moves the position on and may surface as a heartbeat.
 * - A statement that changes the schema is logged as one, and surfaces as a schema event in order;
 *   the table's new shape follows as a relation event before its next row. Column names come from
 *   the log itself when the server writes them (binlog_row_metadata=FULL), else from the job's
 *   schema history (schema-history.ts): the shapes stored with its position, each schema change
 *   replayed on a scratch copy as the log passes it. A table the history does not know is named
 *   from the catalog; one whose catalog no longer matches its logged rows stops the stream with a
 *   coded error rather than guess. A schema change's commit carries the history's state after it.
 * - A change logged as a statement, or a row image without all columns, cannot be applied as
 *   rows: the stream stops with the error that says which setting to fix.
 * - Values come as the rows plane reads them (mysql2 with dateStrings, bigNumberStrings,
 *   jsonStrings, times in UTC): zongji honours the same options; BIGINT alone needs turning into text.
 */

/** Events held before the socket is paused, and when it is resumed. */
const HIGH_WATER = 2_000;
const LOW_WATER = 200;
/** MySQL's type code for BIGINT: mysql2 gives these as text (bigNumberStrings), zongji as numbers when they fit. */
const LONGLONG = 8;

interface ZongJiColumn {
  readonly name: string;
  readonly type: number;
}
interface ZongJiTable {
  readonly parentSchema: string;
  readonly tableName: string;
  readonly columnSchemas: readonly { readonly COLUMN_NAME: string; readonly COLUMN_TYPE: string }[];
  readonly columns?: readonly ZongJiColumn[];
}
/** The parts of zongji's events read here (it ships its own, looser, types). */
interface BinlogEvent {
  getEventName(): string;
  readonly timestamp: number;
  readonly nextPosition: number;
  readonly binlogName?: string;
  readonly position?: number;
  readonly gtid?: string;
  readonly domainId?: number;
  readonly serverId?: number;
  readonly seqNo?: number | string;
  readonly query?: string;
  readonly schema?: string;
  readonly tableId?: number;
  readonly tableMap?: Record<number, ZongJiTable>;
  readonly numberOfColumns?: number;
  readonly columns_present_bitmap?: Buffer;
  readonly columns_present_bitmap2?: Buffer;
  readonly rows?: readonly Record<string, unknown>[] | readonly { before: Record<string, unknown>; after: Record<string, unknown> }[];
}
interface TableMapEvent {
  readonly tableId: number;
  readonly schemaName: string;
  readonly tableName: string;
}
interface ZongJi {
  on(event: 'binlog', listener: (event: BinlogEvent) => void): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  emit(event: 'error', error: unknown): void;
  tableMap: Record<number, ZongJiTable>;
  /** Where zongji names a table's columns (the catalog, by default): the history answers instead. */
  _fetchTableInfo(event: TableMapEvent, next: () => void): void;
  start(options: Record<string, unknown>): void;
  stop(): void;
  readonly gtidSet: string | undefined;
  readonly isMariaDb: boolean;
  readonly connection: { pause(): void; resume(): void } | null;
}

export interface BinlogStreamOptions {
  readonly target: DbTarget;
  readonly database: string;
  readonly from: BinlogPosition;
  readonly signal?: AbortSignal | undefined;
  readonly heartbeatMs: number;
  /** The table's primary key columns, as the catalog has them now. */
  readonly keyOf: (table: string) => Promise<ReadonlySet<string>>;
  /** Each table's shape at `from`, kept up to date as schema changes pass. */
  readonly history: SchemaHistory;
}

const allSet = (bitmap: Buffer | undefined, columns: number): boolean => {
  if (bitmap === undefined) return true;
  for (let i = 0; i < columns; i++) if (((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) === 0) return false;
  return true;
};

const DML = /^\s*(INSERT|UPDATE|DELETE|REPLACE|LOAD\s+DATA)\b/i;
const COMMIT = /^\s*(COMMIT|ROLLBACK|XA\s+COMMIT|XA\s+ROLLBACK)\b/i;
const IGNORED = /^\s*(BEGIN|SAVEPOINT|RELEASE|XA\s+(START|END|PREPARE)|FLUSH|ANALYZE|OPTIMIZE)\b/i;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const SCRATCH = new RegExp(`^\\s*(CREATE|DROP)\\s+(DATABASE|SCHEMA)\\s+(IF\\s+(NOT\\s+)?EXISTS\\s+)?\`?${SHADOW_PREFIX}`, 'i');

/** A statement of the log that changes this database's schema (not data, not a transaction's bounds). */
function schemaStatement(e: BinlogEvent, database: string): boolean {
  const statement = e.query ?? '';
  if (COMMIT.test(statement) || DML.test(statement) || IGNORED.test(statement)) return false;
  if (truncated(statement, e.schema, database) !== undefined) return false;
  // redb's own scratch databases (a schema history's, a rehearsal's), made from a session in this database.
  if (SCRATCH.test(statement)) return false;
  return e.schema === database || mentions(statement, database);
}

export async function* binlogChanges(options: BinlogStreamOptions): AsyncGenerator<ChangeEvent> {
  const { target, database } = options;
  const url = parseMysqlUrl(target.url);
  const { default: ZongJiClass } = (await import('@vlasky/zongji')) as unknown as { default: new (dsn: Record<string, unknown>) => ZongJi };
  const zongji = new ZongJiClass({
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    charset: 'utf8mb4_general_ci',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    timezone: 'Z',
  });
  const { history } = options;
  // The history as of `from`, stored with the first commit (it may have been read from the catalog just now).
  let startState: string | undefined = history.state();
  /** Each row event's table, as mapped when it was read (a schema change read later remaps the table). */
  const tableOf = new WeakMap<BinlogEvent, ZongJiTable | undefined>();
  /** Each schema change's replay on the history: the state after it. */
  const replays = new WeakMap<BinlogEvent, Promise<string>>();
  const fetchFromCatalog = zongji._fetchTableInfo.bind(zongji);
  zongji._fetchTableInfo = (event, next) => {
    // Asked as the log is read: after every schema change read before this table's rows.
    history.settled().then(
      () => {
        const columnSchemas = history.columnSchemas(event.tableName);
        if (columnSchemas === undefined) return fetchFromCatalog(event, next);
        zongji.tableMap[event.tableId] = { columnSchemas, parentSchema: event.schemaName, tableName: event.tableName };
        next();
      },
      (e: unknown) => zongji.emit('error', e),
    );
  };
  const queue: BinlogEvent[] = [];
  let failure: unknown;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  zongji.on('binlog', (event) => {
    const kind = event.getEventName();
    if (kind === 'writerows' || kind === 'updaterows' || kind === 'deleterows') tableOf.set(event, event.tableMap?.[event.tableId ?? -1]);
    else if (kind === 'query' && schemaStatement(event, database)) {
      replays.set(event, history.replay(event.query ?? ''));
      // Mapped again at their next rows, from the history as it is after this change.
      for (const [id, t] of Object.entries(zongji.tableMap)) if (t.parentSchema === database) delete zongji.tableMap[Number(id)];
    }
    queue.push(event);
    if (queue.length >= HIGH_WATER && !paused) {
      paused = true;
      zongji.connection?.pause();
    }
    notify();
  });
  zongji.on('error', (e) => {
    failure ??= e;
    notify();
  });
  options.signal?.addEventListener('abort', notify);

  let inTransaction = false;
  const next = async (): Promise<BinlogEvent | undefined> => {
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) {
        if (paused && queue.length <= LOW_WATER) {
          paused = false;
          zongji.connection?.resume();
        }
        return event;
      }
      if (failure !== undefined) throw failure;
      if (options.signal?.aborted && !inTransaction) return undefined;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  const gtids = new GtidState(options.from.gtid);
  let file = options.from.file;
  let transactionId: string | undefined;
  let lastBeat = 0;
  let surfaced = binlogPosition(options.from);
  /** The shape of each table this stream last described (a relation event), as `shapeOf` spells it. */
  const shapes = new Map<string, string>();
  const shapeOf = (columnSchemas: readonly { COLUMN_NAME: string; COLUMN_TYPE: string }[]) =>
    JSON.stringify(columnSchemas.map((c) => [c.COLUMN_NAME, c.COLUMN_TYPE]));
  /** Each table's columns at `from`, as the history had them before any replay of this stream. */
  const atStart = new Map(
    history.tableNames().flatMap((t) => (history.columnSchemas(t) === undefined ? [] : [[t, history.columnSchemas(t) as ColumnSchema[]]])),
  );
  const describe = (table: string, columnSchemas: readonly ColumnSchema[]): ChangeEvent => ({
    kind: 'relation',
    table: { name: table },
    columns: columnSchemas.map((c) => ({ name: c.COLUMN_NAME, type: c.COLUMN_TYPE, key: c.COLUMN_KEY === 'PRI', column: modelColumn(c) })),
    identity: 'full',
  });
  /**
   * Every table a schema change reshaped, described at once (before the change's own commit, which
   * stores the history after it), so that the target follows the change in that commit and not at
   * the table's next rows: a position stored past the change with the target not yet following it
   * would leave the target's table behind for good once the job restarted there. A table this stream
   * has not described yet is first described as it was at `from`.
   */
  function* reshaped(): Generator<ChangeEvent> {
    for (const table of history.tableNames()) {
      const now = history.columnSchemas(table);
      if (now === undefined) continue;
      const before = shapes.get(table) ?? (atStart.has(table) ? shapeOf(atStart.get(table) as ColumnSchema[]) : undefined);
      if (before === undefined || before === shapeOf(now)) continue;
      if (!shapes.has(table)) yield describe(table, atStart.get(table) as ColumnSchema[]);
      shapes.set(table, shapeOf(now));
      yield describe(table, now);
    }
  }
  const here = (pos: number): Position => {
    const gtid = zongji.isMariaDb ? gtids.toString() : zongji.gtidSet;
    return binlogPosition({ file, pos, ...(gtid === undefined || gtid === '' ? {} : { gtid }) });
  };

  // Each stream is a replica to the server: a server id no other replica uses (a second with the same would be cut off).
  zongji.start({
    serverId: 1_000_000 + randomInt(2 ** 31 - 1_000_000),
    ...(options.from.gtid !== undefined ? { gtidSet: options.from.gtid } : { filename: options.from.file, position: options.from.pos }),
    includeSchema: { [database]: true },
  });
  try {
    for (;;) {
      const e = await next();
      if (e === undefined) return;
      const name = e.getEventName();
      switch (name) {
        case 'rotate':
          file = e.binlogName ?? file;
          break;
        case 'mariadbgtid':
          gtids.add(e.domainId ?? 0, e.serverId ?? 0, e.seqNo ?? 0);
          transactionId = e.gtid;
          break;
        case 'gtid':
          transactionId = e.gtid;
          break;
        case 'writerows':
        case 'updaterows':
        case 'deleterows': {
          const table = tableOf.get(e);
          if (table === undefined || table.parentSchema !== database) break;
          const count = e.numberOfColumns ?? 0;
          if (!allSet(e.columns_present_bitmap, count) || !allSet(e.columns_present_bitmap2, count))
            throw errors.changesRowImage(target.name, 'partial (MINIMAL or NOBLOB)', `a session writing to ${table.tableName}`);
          if (table.columnSchemas.length !== count || table.columns === undefined) {
            throw errors.changesSchemaUnknown(target.name, table.tableName, `the log has ${count} columns, the catalog ${table.columnSchemas.length}`);
          }
          if (!inTransaction) {
            inTransaction = true;
            yield { kind: 'begin', transaction: transactionId };
          }
          const columns = table.columns;
          const shape = shapeOf(table.columnSchemas);
          if (shapes.get(table.tableName) !== shape) {
            shapes.set(table.tableName, shape);
            const fromHistory = table.columnSchemas.every((c) => 'COLUMN_KEY' in c);
            const keys = fromHistory
              ? new Set((table.columnSchemas as readonly ColumnSchema[]).filter((c) => c.COLUMN_KEY === 'PRI').map((c) => c.COLUMN_NAME))
              : await options.keyOf(table.tableName);
            const described: ChangeColumn[] = table.columnSchemas.map((c) => ({
              name: c.COLUMN_NAME,
              type: c.COLUMN_TYPE,
              key: keys.has(c.COLUMN_NAME),
              ...(fromHistory ? { column: modelColumn(c as ColumnSchema) } : {}),
            }));
            yield { kind: 'relation', table: { name: table.tableName }, columns: described, identity: 'full' };
          }
          const row = (values: Record<string, unknown>): Row =>
            columns.map((c) => {
              const v = values[c.name];
              return c.type === LONGLONG && typeof v === 'number' ? String(v) : v;
            });
          const tableName = { name: table.tableName };
          for (const r of e.rows ?? []) {
            if (name === 'writerows') yield { kind: 'insert', table: tableName, row: row(r as Record<string, unknown>) };
            else if (name === 'deleterows') yield { kind: 'delete', table: tableName, before: { image: 'full', row: row(r as Record<string, unknown>) } };
            else {
              const { before, after } = r as { before: Record<string, unknown>; after: Record<string, unknown> };
              yield { kind: 'update', table: tableName, before: { image: 'full', row: row(before) }, row: row(after), unchanged: [] };
            }
          }
          break;
        }
        case 'xid':
          yield* commitPoint(e);
          break;
        case 'query': {
          const statement = e.query ?? '';
          if (COMMIT.test(statement)) yield* commitPoint(e);
          else if (DML.test(statement)) {
            if (e.schema === database || mentions(statement, database)) throw errors.changesBinlogFormat(target.name, 'statements', 'a session writing to it');
          } else if (truncated(statement, e.schema, database) !== undefined) {
            yield { kind: 'begin', transaction: transactionId };
            yield { kind: 'truncate', tables: [{ name: truncated(statement, e.schema, database) as string }], cascade: false, restartIdentity: true };
            inTransaction = true;
            yield* commitPoint(e);
          } else if (schemaStatement(e, database)) {
            // A statement of its own (DDL): its own group, committed where it ends, with the shapes after it.
            const state = await replays.get(e);
            yield { kind: 'begin', transaction: transactionId };
            const renames = statedColumnRenames(statement);
            yield { kind: 'schema', statement, database: e.schema === '' ? undefined : e.schema, ...(renames.length === 0 ? {} : { renames }) };
            yield* reshaped();
            inTransaction = true;
            yield* commitPoint(e, state);
          } else if (!inTransaction) yield* commitPoint(e);
          break;
        }
        default:
          break;
      }
    }
  } catch (e) {
    if (isRedbError(e)) throw e;
    const code = (e as { code?: unknown }).code;
    // 1236: the server cannot read its log from there (purged, or never had it).
    if ((e as { errno?: unknown }).errno === 1236) throw errors.changesPositionGone(target.name, surfaced, message(e)).because(e);
    if (code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_ERROR') {
      throw errors.changesPrivilege(target.name, url.user, ['REPLICATION SLAVE'], `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO <login>`).because(e);
    }
    throw errors.changesSourceFailed(target.name, 'reading the binary log', message(e)).because(e);
  } finally {
    options.signal?.removeEventListener('abort', notify);
    zongji.stop();
  }

  /** A transaction ends here: its commit if it had rows of this database, else maybe a heartbeat. */
  function* commitPoint(e: BinlogEvent, after?: string): Generator<ChangeEvent> {
    if (e.nextPosition <= 0) return;
    const position = here(e.nextPosition);
    surfaced = position;
    if (inTransaction) {
      inTransaction = false;
      const state = after ?? startState;
      startState = undefined;
      yield { kind: 'commit', position, committedAt: new Date(e.timestamp).toISOString(), ...(state === undefined ? {} : { state }) };
      return;
    }
    const now = Date.now();
    if (now - lastBeat >= options.heartbeatMs) {
      lastBeat = now;
      yield { kind: 'heartbeat', position, at: new Date(now).toISOString() };
    }
  }
}

const NAME = '(?:`((?:[^`]|``)+)`|([\\w$]+))';
const TRUNCATE = new RegExp(`^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:${NAME}\\s*\\.\\s*)?${NAME}\\s*;?\\s*$`, 'i');

/** The table of this database a TRUNCATE statement empties (logged as a statement whatever the format), if it is one. */
function truncated(statement: string, schema: string | undefined, database: string): string | undefined {
  const m = TRUNCATE.exec(statement);
  if (m === null) return undefined;
  const db = m[1]?.replace(/``/g, '`') ?? m[2] ?? schema;
  return db === database ? (m[3]?.replace(/``/g, '`') ?? m[4]) : undefined;
}

const mentions = (statement: string, database: string): boolean =>
  statement.includes(`\`${database}\``) || new RegExp(`\\b${database.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\.`).test(statement);
