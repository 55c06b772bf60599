import type { ChangeColumn, ChangeEvent, Position } from '../changes.js';
import type { Row } from '../rows.js';
import { captureTable, changeTable, createTriggersSql, jobTriggersSql, OPS, triggerName } from './capture.js';
import { quoteIdent } from './compile.js';
import { reader } from './rows.js';
import { parseQuotedList } from './sql-literal.js';

type Database = import('better-sqlite3').Database;

/**
 * A job's change table read as change events, by polling (SQLite tells no other process that the
 * file changed). Each poll is a group, read in one short read transaction and then handed out:
 *
 *   begin, (relation), insert | update | delete ..., commit(position = the group's last sequence)
 *
 * The triggers record keys; the values are the row's as the group reads it. So a row arrives once
 * per group: with its newest values where the group first touched it, or, gone, as its delete where
 * it was first deleted. Applying groups in order, inserts and updates as upserts by key, ends
 * exactly at the source's state. A
 * group's end is a state the source was in when the whole group was read within one poll (not
 * when a backlog is cut into groups). SQLite has no transaction ids, and a per-transaction counter
 * cannot be shared between connections, so source transactions are not told apart.
 *
 * A table's shape (its columns now) is compared at every group; a different one goes out as a
 * relation event before the table's first row in it. A table whose triggers vanished (rebuilt by
 * an ALTER that SQLite does as copy-and-rename) gets them back, with a resync marker in the change
 * table, written in the same transaction: at that marker the table's whole content goes out as one
 * group (truncate, then every row), so nothing written while the triggers were missing is lost.
 */

const GROUP_CHANGES = 5_000;
const GROUP_BYTES = 8 << 20;
const RESYNC = 'R';

interface Shape {
  readonly columns: readonly ChangeColumn[];
  readonly key: readonly string[];
  readonly signature: string;
}

function shapeOf(db: Database, table: string): Shape | undefined {
  const info = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string; type: string; pk: number | bigint }[];
  if (info.length === 0) return undefined;
  const columns = info.map((c) => ({ name: c.name, type: c.type, key: Number(c.pk) > 0 }));
  const key = info
    .filter((c) => Number(c.pk) > 0)
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((c) => c.name);
  return { columns, key, signature: JSON.stringify(columns) };
}

/** Key columns of the tables a job captures, for (re)creating triggers. */
export function keyColumns(db: Database, table: string): readonly string[] {
  return shapeOf(db, table)?.key ?? [];
}

/** Put back the triggers of captured tables that lost them, each with a resync marker. Returns the tables repaired. */
export function repairTriggers(db: Database, job: string): string[] {
  const captured = (
    db
      .prepare(`SELECT tbl FROM ${quoteIdent(captureTable(job))}`)
      .pluck()
      .all() as string[]
  ).filter((t) => shapeOf(db, t) !== undefined);
  const missing = (): string[] => {
    const names = new Set((db.prepare(jobTriggersSql(job)).all() as { name: string }[]).map((r) => r.name));
    return captured.filter((t) => !(['i', 'u', 'd'] as const).every((op) => names.has(triggerName(job, op, t))));
  };
  if (missing().length === 0) return [];
  const repaired: string[] = [];
  db.transaction(() => {
    for (const table of missing()) {
      for (const op of ['i', 'u', 'd'] as const) db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(triggerName(job, op, table))}`);
      for (const sql of createTriggersSql(job, table, keyColumns(db, table))) db.exec(sql);
      db.prepare(`INSERT INTO ${quoteIdent(changeTable(job))} (tbl, op) VALUES (?, '${RESYNC}')`).run(table);
      repaired.push(table);
    }
  }).immediate();
  return repaired;
}

interface Change {
  readonly seq: bigint;
  readonly tbl: string;
  readonly op: string;
  readonly old_key: string | null;
  readonly new_key: string | null;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => (Buffer.isBuffer(v) && Buffer.isBuffer(b[i]) ? v.equals(b[i] as Buffer) : v === b[i]));

const approximateBytes = (row: Row): number => row.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : Buffer.isBuffer(v) ? v.length : 8), 16);

export interface PollOptions {
  readonly job: string;
  readonly from: bigint;
  readonly signal?: AbortSignal | undefined;
  readonly pollMs: number;
}

export async function* pollChanges(db: Database, options: PollOptions): AsyncGenerator<ChangeEvent> {
  const sent = new Map<string, string>();
  let last = options.from;
  const read = db.prepare(`SELECT seq, tbl, op, old_key, new_key FROM ${quoteIdent(changeTable(options.job))} WHERE seq > ? ORDER BY seq LIMIT 500`);
  const position = (seq: bigint): Position => String(seq) as Position;

  /** Events of the changes after `last` up to a resync marker or the group's size, read in one transaction. */
  const group = (): { events: ChangeEvent[]; end: bigint; resync: Change | undefined } => {
    const events: ChangeEvent[] = [];
    const shapes = new Map<string, Shape | undefined>();
    const lookups = new Map<string, import('better-sqlite3').Statement>();
    let end = last;
    let bytes = 0;
    let count = 0;
    const describe = (table: string): Shape | undefined => {
      if (!shapes.has(table)) {
        const shape = shapeOf(db, table);
        shapes.set(table, shape);
        if (shape !== undefined && sent.get(table) !== shape.signature) {
          sent.set(table, shape.signature);
          events.push({ kind: 'relation', table: { name: table }, columns: shape.columns, identity: 'key' });
        }
      }
      return shapes.get(table);
    };
    const lookup = (table: string, shape: Shape, key: readonly unknown[]): Row | undefined => {
      let statement = lookups.get(table);
      if (statement === undefined) {
        statement = db
          .prepare(
            `SELECT ${shape.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(table)} WHERE ${shape.key.map((k) => `${quoteIdent(k)} IS ?`).join(' AND ')}`,
          )
          .raw(true);
        lookups.set(table, statement);
      }
      return statement.get(...key) as Row | undefined;
    };
    // One event per row a group touches, with what the row holds now: its newest values where it
    // was first touched, or, gone, its delete where it was first deleted (or moved away from). A row
    // changed a hundred times in a backlog is written once (a target pays per statement, DuckDB
    // dearly: a backlog after a restart was applied slower than it grew), and the source's order
    // is kept where it matters (a parent before its child, a child's delete before its parent's).
    const done = new Set<string>();
    const idOf = (table: string, keyText: string) => `${table}\u0000${keyText}`;
    const touch = (table: string, shape: Shape, keyText: string, key: readonly unknown[], op: string, deleting: boolean) => {
      const id = idOf(table, keyText);
      if (done.has(id)) return;
      const row = lookup(table, shape, key);
      if (row === undefined && !deleting) return;
      done.add(id);
      if (row === undefined) {
        events.push({ kind: 'delete', table: { name: table }, before: { image: 'key', key } });
        return;
      }
      events.push(
        op === OPS.update ? { kind: 'update', table: { name: table }, before: undefined, row, unchanged: [] } : { kind: 'insert', table: { name: table }, row },
      );
      bytes += approximateBytes(row);
    };
    db.exec('BEGIN');
    try {
      for (;;) {
        const changes = read.all(end) as Change[];
        for (const c of changes) {
          if (c.op === RESYNC) return { events, end, resync: c };
          end = c.seq;
          count++;
          const shape = describe(c.tbl);
          // A table dropped since, or a row whose key no longer has the table's key columns (a
          // rebuild changed them; the resync marker that follows sends the whole table).
          const oldKey = c.old_key === null ? undefined : parseQuotedList(c.old_key);
          const newKey = c.new_key === null ? undefined : parseQuotedList(c.new_key);
          if (shape === undefined || [oldKey, newKey].some((k) => k !== undefined && k.length !== shape.key.length)) continue;
          if (c.op === OPS.delete) {
            if (c.old_key !== null && oldKey !== undefined) touch(c.tbl, shape, c.old_key, oldKey, c.op, true);
            continue;
          }
          if (c.new_key === null || newKey === undefined) continue;
          const moved = c.old_key !== null && oldKey !== undefined && !sameKey(oldKey, newKey);
          if (moved) {
            // Both keys new to the group, the old one gone and the new one there: one update from one key to the other.
            const [from, to] = [idOf(c.tbl, c.old_key), idOf(c.tbl, c.new_key)];
            const row = done.has(from) || done.has(to) || lookup(c.tbl, shape, oldKey) !== undefined ? undefined : lookup(c.tbl, shape, newKey);
            if (row !== undefined) {
              done.add(from).add(to);
              events.push({ kind: 'update', table: { name: c.tbl }, before: { image: 'key', key: oldKey }, row, unchanged: [] });
              bytes += approximateBytes(row);
              continue;
            }
            touch(c.tbl, shape, c.old_key, oldKey, c.op, true);
          }
          touch(c.tbl, shape, c.new_key, newKey, c.op, false);
        }
        if (changes.length < 500 || count >= GROUP_CHANGES || bytes >= GROUP_BYTES) return { events, end, resync: undefined };
      }
    } finally {
      db.exec('COMMIT');
    }
  };

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.pollMs);
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
      options.signal?.addEventListener('abort', done);
    });

  while (!options.signal?.aborted) {
    repairTriggers(db, options.job);
    const { events, end, resync } = group();
    const idle = end === last && resync === undefined;
    if (end > last) {
      yield { kind: 'begin', transaction: undefined };
      yield* events;
      last = end;
      yield { kind: 'commit', position: position(end), committedAt: undefined };
    }
    if (resync !== undefined) {
      yield* resend(db, resync.tbl, sent);
      last = resync.seq;
      yield { kind: 'commit', position: position(resync.seq), committedAt: undefined };
    } else if (idle) await sleep();
  }
}

/** A table's whole content as one group (its commit comes from the caller): truncate, then every row, read a page at a time. */
async function* resend(db: Database, table: string, sent: Map<string, string>): AsyncGenerator<ChangeEvent> {
  yield { kind: 'begin', transaction: undefined };
  const shape = shapeOf(db, table);
  if (shape === undefined) return;
  if (sent.get(table) !== shape.signature) {
    sent.set(table, shape.signature);
    yield { kind: 'relation', table: { name: table }, columns: shape.columns, identity: 'key' };
  }
  yield { kind: 'truncate', tables: [{ name: table }], cascade: false, restartIdentity: false };
  const columns = shape.columns.map((c) => c.name);
  for await (const batch of reader(db).readBatches({ name: table }, { columns, key: shape.key, batchRows: 1_000 })) {
    for (const row of batch) yield { kind: 'insert', table: { name: table }, row };
  }
}
