import { hash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { balancedConcat, canonicalRow, md5Sum, trimFraction, type CanonicalSql } from '../canonical-sql.js';
import {
  BATCH_BYTES,
  fileIdentity,
  rowBytes,
  selectSql,
  type ReadOptions,
  type Row,
  type RowReader,
  type RowsAdapter,
  type RowSource,
  type RowTarget,
  type RowWriter,
  type TableName,
} from '../rows.js';
import { fileAccessError } from '../file-access.js';
import { parseDbUrl } from '../url.js';
import { quoteIdent } from './compile.js';

/**
 * SQLite rows over one connection (calls are synchronous, so parallel jobs share it safely).
 * Reads page through the table by key (or rowid) inside one read transaction: the snapshot.
 * Writes are a prepared INSERT run once per row inside one transaction per batch.
 */

type Database = import('better-sqlite3').Database;

function fileOf(target: DbTarget): string {
  const path = parseDbUrl(target.url).path as string;
  return path === ':memory:' || isAbsolute(path) ? path : resolve(target.cwd, path);
}

async function open(target: DbTarget, create: boolean): Promise<Database> {
  const { default: Sqlite } = await import('better-sqlite3');
  const file = fileOf(target);
  try {
    const db = new Sqlite(file, { fileMustExist: !create });
    // 64-bit integers arrive exactly, as bigint.
    db.defaultSafeIntegers(true);
    return db;
  } catch (e) {
    const os = fileAccessError(file, create);
    if (os !== undefined) throw os.because(e);
    throw errors
      .dbUnreachable(
        target.name,
        e instanceof Error && /unable to open|does not exist/i.test(e.message) && !create ? `no SQLite database at ${file}` : String(e),
        'file',
      )
      .because(e);
  }
}

const name = (t: TableName): string => quoteIdent(t.name);

function reader(db: Database): RowReader {
  return {
    async *readBatches(table: TableName, options: ReadOptions) {
      // A table without a primary key is paged by its rowid, which is left out of the rows.
      const byRowid = (options.key ?? []).length === 0;
      const paged: ReadOptions = byRowid ? { ...options, key: ['rowid'], columns: [...options.columns, 'rowid'] } : options;
      const budget = options.batchBytes ?? BATCH_BYTES;
      let after = options.after;
      for (;;) {
        const params: unknown[] = [];
        const sql = selectSql(
          name(table),
          { ...paged, after },
          (n) => (n === 'rowid' ? n : quoteIdent(n)),
          (v) => (params.push(v), '?'),
          ` LIMIT ${options.batchRows}`,
        );
        // Row by row, so that a batch of wide rows stops at the byte budget (the next page starts after its last key).
        const rows: Row[] = [];
        let bytes = 0;
        for (const row of db
          .prepare(sql)
          .raw(true)
          .iterate(...params) as IterableIterator<Row>) {
          rows.push(row);
          bytes += rowBytes(row);
          if (bytes >= budget) break;
        }
        if (rows.length === 0) return;
        const last = rows[rows.length - 1] as Row;
        after = byRowid ? [last[last.length - 1]] : (paged.key ?? []).map((k) => last[options.columns.indexOf(k)]);
        yield byRowid ? rows.map((r) => r.slice(0, -1)) : rows;
        if (rows.length < options.batchRows && bytes < budget) return;
      }
    },
    async count(table, where) {
      return Number(
        db
          .prepare(`SELECT count(*) FROM ${name(table)}${whereSql(where)}`)
          .pluck()
          .get(),
      );
    },
    quote: quoteIdent,
    valueBytes: (column) => `octet_length(${column})`,
    async probe(table, where) {
      db.prepare(`SELECT 1 FROM ${name(table)}${whereSql(where)} LIMIT 0`).all();
    },
    async portableChecksum(table, columns, where) {
      const text = canonicalRow(CANONICAL, columns, quoteIdent);
      if (text === undefined) return undefined;
      const [rows, sum] = db
        .prepare(`SELECT count(*), redb_md5_sum(${text}) FROM ${name(table)}${whereSql(where)}`)
        .raw(true)
        .get() as [bigint, string];
      return { rows: Number(rows), checksum: sum };
    },
  };
}

const whereSql = (where: string | undefined): string => (where === undefined ? '' : ` WHERE (${where})`);

/**
 * Canonical text in SQLite's SQL. Values are whatever was stored: text that is not already in
 * canonical form (a timestamp with an offset, say) simply fails to match, and the JavaScript
 * comparison decides.
 */
const trimmed = (t: string): string =>
  trimFraction(t, undefined, { hasPoint: (t) => `instr(${t}, '.') > 0 AND instr(${t}, 'e') = 0`, rtrim: (t, c) => `rtrim(${t}, '${c}')` });
const CANONICAL: CanonicalSql = {
  text: (x, type) => (type.kind === 'text' ? x : `CAST(${x} AS TEXT)`),
  decimal: (x) => trimmed(`CAST(${x} AS TEXT)`),
  boolean: (x, yes, no) => `CASE WHEN ${x} THEN '${yes}' WHEN NOT ${x} THEN '${no}' END`,
  // hex(NULL) is an empty text, as is hex(X''): NULL has to stay NULL.
  hex: (x) => `CASE WHEN ${x} IS NOT NULL THEN lower(hex(${x})) END`,
  digest: (x) => `redb_md5(${x})`,
  lower: (x) => `lower(${x})`,
  date: (x) => `substr(CAST(${x} AS TEXT), 1, 10)`,
  time: (x) => trimmed(`CAST(${x} AS TEXT)`),
  timestamp: (x) => trimmed(`replace(CAST(${x} AS TEXT), 'T', ' ')`),
  row: (values) => (values.length === 0 ? "''" : balancedConcat(values.map((v) => `coalesce(char(2) || ${v}, char(1))`))),
};

/** SQLite has no md5: the sum of canonical-sql.ts is an aggregate written in JavaScript, and the digest of bytes a function. */
function addMd5Sum(db: Database): void {
  db.function('redb_md5', { deterministic: true }, (value: unknown) =>
    value === null ? null : hash('md5', Buffer.isBuffer(value) ? value : Buffer.from(String(value)), 'hex'),
  );
  type Sum = ReturnType<typeof md5Sum>;
  db.aggregate<Sum>('redb_md5_sum', {
    start: () => md5Sum((text) => hash('md5', text)),
    step: (sum, text) => {
      sum.add(text as unknown as string);
    },
    result: (sum) => sum.total(),
  });
}

async function openSource(target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> {
  const db = await open(target, false);
  addMd5Sum(db);
  // A read transaction holds one snapshot of the file until it ends.
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  const one = reader(db);
  return {
    readers: Array.from({ length: jobs }, () => one),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

const bindable = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value);

/** Why SQLite would store a double as another value (NaN as NULL, -0 as 0); undefined when it keeps it. */
const unfit = (value: number): string | undefined =>
  Number.isNaN(value) ? 'SQLite stores NaN as NULL' : Object.is(value, -0) ? 'SQLite stores -0 as 0' : undefined;

function writer(db: Database, targetName: string): RowWriter {
  return {
    async write(table, columns, rows) {
      const insert = db.prepare(`INSERT INTO ${name(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const row of rows) {
          for (let c = 0; c < row.length; c++) {
            const v = row[c];
            const why = typeof v === 'number' ? unfit(v) : undefined;
            if (why !== undefined) throw errors.cloneValueUnfit(targetName, table.name, columns[c] as string, String(Object.is(v, -0) ? '-0' : v), why);
          }
          insert.run(...row.map(bindable));
        }
      })();
    },
    async deleteKeys(table, key, keys) {
      const del = db.prepare(`DELETE FROM ${name(table)} WHERE ${key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ')}`);
      db.transaction(() => {
        for (const values of keys) del.run(...values.map(bindable));
      })();
    },
  };
}

async function openTarget(target: DbTarget, { jobs }: { jobs: number }): Promise<RowTarget> {
  const db = await open(target, true);
  // Tables load in any order; the keys are declared but checked only by later writers.
  db.pragma('foreign_keys = OFF');
  const one = writer(db, target.name);
  return {
    foreignKeysAtCreate: true,
    keysAfterLoad: false,
    checksForeignKeys: false,
    writers: Array.from({ length: jobs }, () => one),
    async count(table) {
      return Number(
        db
          .prepare(`SELECT count(*) FROM ${name(table)}`)
          .pluck()
          .get(),
      );
    },
    async truncate(tables) {
      db.transaction(() => {
        for (const t of tables) db.exec(`DELETE FROM ${name(t)}`);
      })();
    },
    // INTEGER PRIMARY KEY and AUTOINCREMENT counters follow explicit values by themselves.
    async finishTable() {},
    close: async () => {
      if (db.open) db.close();
    },
  };
}

async function identity(target: DbTarget): Promise<string | undefined> {
  const file = fileOf(target);
  return file === ':memory:' || file === '' ? undefined : `sqlite:${fileIdentity(file)}`;
}

export const sqliteRows: RowsAdapter = { openSource, openTarget, identity };

/** For change capture's hand-off (changes.ts): its snapshot is read on the same kind of connection. */
export { addMd5Sum, open, reader };
