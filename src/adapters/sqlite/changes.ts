import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import {
  jobOfOwned,
  tableLabel,
  validateJobName,
  type CaptureStatus,
  type ChangeCapture,
  type ChangeEvent,
  type ChangePlane,
  type CheckReport,
  type Handoff,
  type OwnedObject,
  type Position,
  type StreamOptions,
} from '../changes.js';
import type { TableName } from '../rows.js';
import { captureTable, changeTable, createCaptureTablesSql, createTriggersSql, jobTriggersSql, triggerName } from './capture.js';
import { keyColumns, pollChanges } from './change-poll.js';
import { quoteIdent } from './compile.js';

type Database = import('better-sqlite3').Database;

/**
 * SQLite's change plane: SQLite keeps no log another process can read, so capture triggers write
 * one into the same file (capture.ts), and streams poll it (change-poll.ts). Positions are the
 * change table's sequence numbers. Acknowledging deletes the change rows up to a position, which
 * keeps the table small. Tables without a primary key are refused: their rowid is not a value a
 * target has, and naming every column in a trigger would stop SQLite dropping any of them.
 *
 * In rollback-journal mode a reader holds writers off while it reads (the initial copy, a poll's
 * short read); in WAL mode they do not wait. check() says so; redb does not change a file's mode.
 */

const BUSY_MS = 10_000;

async function openDb(target: DbTarget): Promise<Database> {
  const { open } = await import('./rows.js');
  const db = await open(target, false);
  db.pragma(`busy_timeout = ${BUSY_MS}`);
  return db;
}

function position(text: string): Position {
  if (!/^\d+$/.test(text)) throw errors.changesBadPosition('SQLite', text);
  return text as Position;
}
const seqOf = (p: Position): bigint => BigInt(position(p));

const tableExists = (db: Database, name: string): boolean =>
  db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
const head = (db: Database, job: string): bigint =>
  BigInt((db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(changeTable(job)) as bigint | number | undefined) ?? 0);

async function check(target: DbTarget): Promise<CheckReport> {
  const db = await openDb(target);
  try {
    const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
    return {
      notes:
        mode === 'wal'
          ? []
          : [
              `the file is in ${mode} journal mode: writers wait while redb reads it (the initial copy, and each poll briefly); PRAGMA journal_mode = WAL lets them go on`,
            ],
    };
  } finally {
    db.close();
  }
}

async function listOwned(target: DbTarget): Promise<OwnedObject[]> {
  const db = await openDb(target);
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'redb\\_changes\\_%' ESCAPE '\\' OR name LIKE 'redb\\_capture\\_%' ESCAPE '\\') ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    const owned: OwnedObject[] = [];
    for (const name of tables) {
      const job = jobOfOwned(name.replace(/^redb_(changes|capture)_/, 'redb_'));
      if (job === undefined) continue;
      owned.push({ job, kind: 'change-table', name });
      if (name !== changeTable(job)) continue;
      for (const t of db.prepare(jobTriggersSql(job)).all() as { name: string; tbl: string }[])
        owned.push({ job, kind: 'trigger', name: t.name, table: { name: t.tbl } });
    }
    return owned;
  } finally {
    db.close();
  }
}

function dropCapture(db: Database, job: string): void {
  db.transaction(() => {
    for (const { name } of db.prepare(jobTriggersSql(job)).all() as { name: string }[]) db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(name)}`);
    db.exec(`DROP TABLE IF EXISTS ${quoteIdent(changeTable(job))}`);
    db.exec(`DROP TABLE IF EXISTS ${quoteIdent(captureTable(job))}`);
  }).immediate();
}

async function open(target: DbTarget, job: string): Promise<ChangeCapture> {
  validateJobName(job);
  let db: Database | undefined;
  const sql = async (): Promise<Database> => (db ??= await openDb(target));

  async function prepare(tables: readonly TableName[]): Promise<Handoff> {
    const d = await sql();
    const missing = tables.find((t) => !tableExists(d, t.name));
    if (missing !== undefined) throw errors.changesTableMissing(target.name, tableLabel(missing));
    const keyless = tables.filter((t) => keyColumns(d, t.name).length === 0).map((t) => t.name);
    if (keyless.length > 0)
      throw errors.changesNoKey(
        target.name,
        keyless,
        `add a primary key (SQLite rebuilds the table for it: redb migrate does that), or leave ${keyless.length === 1 ? 'it' : 'them'} out with --tables`,
      );
    try {
      // One transaction: the triggers, the list of captured tables, and an empty change table, all at once.
      d.transaction(() => {
        for (const s of createCaptureTablesSql(job)) d.exec(s);
        for (const { name } of d.prepare(jobTriggersSql(job)).all() as { name: string }[]) d.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(name)}`);
        d.exec(`DELETE FROM ${quoteIdent(captureTable(job))}`);
        d.exec(`DELETE FROM ${quoteIdent(changeTable(job))}`);
        const capture = d.prepare(`INSERT INTO ${quoteIdent(captureTable(job))} (tbl) VALUES (?)`);
        for (const t of tables) {
          capture.run(t.name);
          for (const s of createTriggersSql(job, t.name, keyColumns(d, t.name))) d.exec(s);
        }
      }).immediate();
    } catch (e) {
      throw errors.changesSourceFailed(target.name, `installing capture triggers for job ${job}`, e instanceof Error ? e.message : String(e)).because(e);
    }
    // The snapshot: a read transaction on its own connection, and the last sequence it sees.
    const { addMd5Sum, reader } = await import('./rows.js');
    const snapshot = await openDb(target);
    addMd5Sum(snapshot);
    snapshot.exec('BEGIN');
    const start = head(snapshot, job);
    let handedOver = false;
    const release = async () => {
      if (snapshot.open) snapshot.close();
    };
    return {
      start: String(start) as Position,
      async openSnapshot({ jobs }) {
        handedOver = true;
        const one = reader(snapshot);
        return { readers: Array.from({ length: Math.max(1, jobs) }, () => one), close: release };
      },
      async close() {
        if (!handedOver) await release();
      },
    };
  }

  async function* stream(from: Position, options: StreamOptions = {}): AsyncGenerator<ChangeEvent> {
    const since = seqOf(from);
    const reading = await openDb(target);
    try {
      if (!tableExists(reading, changeTable(job))) throw errors.changesJobMissing(target.name, job, `change table ${changeTable(job)}`);
      // Rows after `from` acknowledged (deleted) already cannot be read again.
      const first = reading
        .prepare(`SELECT min(seq) FROM ${quoteIdent(changeTable(job))}`)
        .pluck()
        .get() as bigint | null;
      if (head(reading, job) > since && (first === null || BigInt(first) > since + 1n)) {
        throw errors.changesPositionGone(
          target.name,
          from,
          `its changes up to ${first === null ? head(reading, job) : BigInt(first) - 1n} were acknowledged and removed`,
        );
      }
      yield* pollChanges(reading, { job, from: since, signal: options.signal, pollMs: options.pollMs ?? 200 });
    } finally {
      reading.close();
    }
  }

  async function status(): Promise<CaptureStatus> {
    const d = await sql();
    const exists = tableExists(d, changeTable(job));
    const last = exists ? head(d, job) : undefined;
    const pending = exists
      ? Number(
          d
            .prepare(`SELECT count(*) FROM ${quoteIdent(changeTable(job))}`)
            .pluck()
            .get(),
        )
      : undefined;
    const first = exists
      ? (d
          .prepare(`SELECT min(seq) FROM ${quoteIdent(changeTable(job))}`)
          .pluck()
          .get() as bigint | null)
      : null;
    return {
      job,
      exists,
      active: undefined,
      head: last === undefined ? undefined : (String(last) as Position),
      confirmed: last === undefined ? undefined : (String(first === null ? last : BigInt(first) - 1n) as Position),
      retainedBytes: undefined,
      lagBytes: undefined,
      pendingChanges: pending,
      lost: undefined,
    };
  }

  return {
    job,
    prepare,
    stream,
    async include(tables) {
      const d = await sql();
      d.transaction(() => {
        const capture = d.prepare(`INSERT OR IGNORE INTO ${quoteIdent(captureTable(job))} (tbl) VALUES (?)`);
        for (const t of tables) {
          capture.run(t.name);
          for (const op of ['i', 'u', 'd'] as const) d.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(triggerName(job, op, t.name))}`);
          for (const s of createTriggersSql(job, t.name, keyColumns(d, t.name))) d.exec(s);
        }
      }).immediate();
    },
    async acknowledge(p) {
      const d = await sql();
      if (tableExists(d, changeTable(job))) d.prepare(`DELETE FROM ${quoteIdent(changeTable(job))} WHERE seq <= ?`).run(seqOf(p));
    },
    status,
    async drop() {
      dropCapture(await sql(), job);
    },
    async close() {
      if (db?.open) db.close();
      db = undefined;
    },
  };
}

export const sqliteChanges: ChangePlane = {
  compare: (a, b) => {
    const x = seqOf(a);
    const y = seqOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  position,
  check,
  listOwned,
  open,
};
