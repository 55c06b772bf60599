import type { ColumnType, Table } from '../../unified/index.js';
import type { DbTarget } from '../adapter.js';
import { canonicalRow, fractionDigits, trimFraction, type CanonicalSql } from '../canonical-sql.js';
import { BATCH_BYTES, selectSql, type Row, type RowReader, type RowsAdapter, type RowSource, type RowTarget, type RowWriter, type TableName } from '../rows.js';
import { errors } from '../../errors.js';
import { openMysql } from './connect.js';
import { executeBatches } from './row-stream.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

/**
 * MariaDB/MySQL rows: each table is one streamed SELECT (the socket pauses while a batch is being
 * written elsewhere), and writes are multi-row INSERTs of about a megabyte, one transaction per
 * batch. Sessions run in UTC, so TIMESTAMP values need no zone arithmetic.
 */

/** Statements stay well under the default max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8). */
const STATEMENT_BYTES = 1 << 20;

const name = (t: TableName): string => quoteIdent(t.name);

async function connectMysql(target: DbTarget): Promise<Driver> {
  // JSON as text, like every other value (an option, not a typeCast callback, which would cost a call
  // and an object per value); times in UTC.
  const driver = await openMysql(target, { jsonStrings: true });
  await driver.query("SET time_zone = '+00:00'");
  return driver;
}

function reader(driver: Driver): RowReader {
  const escape = (value: unknown): string => (typeof value === 'bigint' ? value.toString() : driver.escape(value));
  return {
    readBatches: (table, options) =>
      executeBatches(driver, selectSql(name(table), options, quoteIdent, escape), options.batchRows, options.batchBytes ?? BATCH_BYTES),
    async count(table, where) {
      const [rows] = await driver.query(`SELECT COUNT(*) AS n FROM ${name(table)}${whereSql(where)}`);
      return Number((rows as { n: number | string }[])[0]?.n ?? 0);
    },
    quote: quoteIdent,
    valueBytes: (column) => `OCTET_LENGTH(${column})`,
    async probe(table, where) {
      await driver.query(`SELECT 1 FROM ${name(table)}${whereSql(where)} LIMIT 0`);
    },
    async portableChecksum(table, columns, where) {
      const text = canonicalRow(CANONICAL, columns, quoteIdent);
      if (text === undefined) return undefined;
      const [rows] = await driver.query(
        `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CAST(CONV(LEFT(MD5(${text}), 15), 16, 10) AS UNSIGNED)), 0) AS CHAR) AS s FROM ${name(table)}${whereSql(where)}`,
      );
      const row = (rows as { n: number | string; s: string }[])[0];
      return { rows: Number(row?.n ?? 0), checksum: row?.s ?? '0' };
    },
  };
}

const whereSql = (where: string | undefined): string => (where === undefined ? '' : ` WHERE (${where})`);

/**
 * Canonical text in MariaDB/MySQL's SQL. Values are left for CONCAT and TRIM to turn into text
 * (an explicit CAST costs a copy of every value; the text is the same, but for FLOAT); decimals, times and
 * datetimes have every fractional digit of their type.
 */
const trimmed = (x: string, type: ColumnType): string =>
  trimFraction(x, fractionDigits(type), { hasPoint: (t) => `LOCATE('.', ${t}) > 0`, rtrim: (t, c) => `TRIM(TRAILING '${c}' FROM ${t})` });
const CANONICAL: CanonicalSql = {
  // A FLOAT's own text has 6 digits; as a double, every digit of its value.
  text: (x, type) => (type.kind === 'float' && type.bits === 32 ? `CAST(${x} AS DOUBLE)` : x),
  decimal: trimmed,
  boolean: (x, yes, no) => `CASE WHEN ${x} <> 0 THEN '${yes}' WHEN ${x} = 0 THEN '${no}' END`,
  hex: (x) => `LOWER(HEX(${x}))`,
  digest: (x) => `MD5(${x})`,
  lower: (x) => `LOWER(${x})`,
  date: (x) => x,
  time: trimmed,
  // Sessions run in UTC, so TIMESTAMP values read as UTC already.
  timestamp: trimmed,
  row: (values) => (values.length === 0 ? "''" : `CONCAT(${values.map((v) => `COALESCE(CONCAT(_utf8mb4 X'02', ${v}), _utf8mb4 X'01')`).join(', ')})`),
};

/**
 * Parallel readers share one snapshot by starting their transactions while a global read lock
 * holds writes still (as mydumper does). Without the RELOAD privilege that needs, one reader
 * copies table after table from its own consistent snapshot.
 */
async function openSource(target: DbTarget, { jobs }: { jobs: number }): Promise<RowSource> {
  const drivers: Driver[] = [];
  const close = async () => {
    await Promise.all(drivers.map((d) => d.end().catch(() => undefined)));
  };
  const begin = (d: Driver) => d.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    drivers.push(await connectMysql(target));
    const first = drivers[0] as Driver;
    if (jobs > 1) {
      for (let i = 1; i < jobs; i++) drivers.push(await connectMysql(target));
      await first.query('SET SESSION lock_wait_timeout = 10');
      const locked = await first.query('FLUSH TABLES WITH READ LOCK').then(
        () => true,
        () => false,
      );
      if (locked) {
        for (const d of drivers) await begin(d);
        await first.query('UNLOCK TABLES');
        return { readers: drivers.map(reader), close };
      }
      await Promise.all(drivers.splice(1).map((d) => d.end().catch(() => undefined)));
    }
    await begin(first);
  } catch (e) {
    await close();
    throw e;
  }
  return { readers: drivers.map(reader), close };
}

/** Why MariaDB/MySQL cannot store a double as it is (it refuses NaN and infinities, and stores -0 as 0); undefined when it can. */
const unfit = (value: number): string | undefined =>
  Number.isNaN(value) || !Number.isFinite(value)
    ? 'MariaDB and MySQL have no NaN or infinity'
    : Object.is(value, -0)
      ? 'MariaDB and MySQL store -0 as 0'
      : undefined;

/** The bytes a value takes in a statement: as a literal (bytes as hex, text escaped) it is about twice this. */
const valueBytes = (v: unknown): number => (Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 8);

/** A value as a parameter of the binary protocol, which carries bytes and text as they are and doubles as their 8 bytes. */
const parameter = (v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);

function writer(driver: Driver, targetName: string, packetLimit: number): RowWriter {
  const escape = (value: unknown): string => (typeof value === 'bigint' ? value.toString() : driver.escape(value));
  // A statement's text may take up to four bytes per character: kept well under the server's packet limit.
  const statementBytes = Math.max(1024, Math.min(STATEMENT_BYTES, Math.floor(packetLimit / 4)));
  return {
    async write(table, columns, rows) {
      const head = `INSERT INTO ${name(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
      /** A row too large for a multi-row statement goes alone, as parameters: its bytes once, not as hex. */
      const insertAlone = async (row: Row) => {
        const sizes = row.map(valueBytes);
        const total = sizes.reduce((a, b) => a + b, 0) + head.length + 16 * row.length + 1024;
        if (total > packetLimit) {
          const widest = sizes.indexOf(Math.max(...sizes));
          const problem = {
            table: table.name,
            column: columns[widest] as string,
            rows: 1,
            limit: packetLimit,
            setting: 'max_allowed_packet',
            bytes: sizes[widest] as number,
          };
          throw errors.cloneValueTooLarge(targetName, [problem], true);
        }
        const sql = `${head}(${row.map(() => '?').join(', ')})`;
        await driver.execute(sql, row.map(parameter) as (string | number | Buffer | null)[]);
        driver.unprepare(sql);
      };
      await driver.query('START TRANSACTION');
      try {
        let values: string[] = [];
        let bytes = 0;
        const flush = async () => {
          if (values.length > 0) await driver.query(head + values.join(', '));
          values = [];
          bytes = 0;
        };
        for (const row of rows) {
          let size = 0;
          for (let c = 0; c < row.length; c++) {
            const v = row[c];
            const why = typeof v === 'number' ? unfit(v) : undefined;
            if (why !== undefined) throw errors.cloneValueUnfit(targetName, table.name, columns[c] as string, Object.is(v, -0) ? '-0' : String(v), why);
            size += valueBytes(v);
          }
          if (2 * size + 64 > statementBytes) {
            await flush();
            await insertAlone(row);
            continue;
          }
          const tuple = `(${row.map(escape).join(', ')})`;
          if (bytes + tuple.length > statementBytes) await flush();
          values.push(tuple);
          bytes += tuple.length + 2;
        }
        await flush();
        await driver.query('COMMIT');
      } catch (e) {
        await driver.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    async deleteKeys(table, key, keys) {
      if (keys.length === 0) return;
      const tuple = (values: readonly unknown[]) => `(${values.map(escape).join(', ')})`;
      await driver.query(`DELETE FROM ${name(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${keys.map(tuple).join(', ')})`);
    },
  };
}

async function openTarget(target: DbTarget, { jobs }: { jobs: number }): Promise<RowTarget> {
  const drivers: Driver[] = [];
  const close = async () => {
    await Promise.all(drivers.map((d) => d.end().catch(() => undefined)));
  };
  try {
    for (let i = 0; i < jobs; i++) {
      const d = await connectMysql(target);
      drivers.push(d);
      // Tables load in any order; an explicit 0 in an AUTO_INCREMENT column stays 0.
      await d.query("SET SESSION foreign_key_checks = 0, unique_checks = 0, sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
    }
  } catch (e) {
    await close();
    throw e;
  }
  const main = drivers[0] as Driver;
  // A statement, or one row sent alone, must fit the server's packet limit (a session cannot raise it).
  const [settings] = await main.query('SELECT @@max_allowed_packet AS packet');
  const packet = Number((settings as { packet: number | string }[])[0]?.packet ?? 0);
  const packetLimit = packet > 0 ? packet : 16 << 20;
  return {
    // A row too large for a statement of literals is sent alone as parameters, bytes and text once: it must fit in a packet.
    largestValue: () => (packet > 0 ? { bytes: packet - 1024, setting: 'max_allowed_packet', limit: packet } : undefined),
    foreignKeysAtCreate: false,
    keysAfterLoad: false,
    checksForeignKeys: false,
    writers: drivers.map((d) => writer(d, target.name, packetLimit)),
    async count(table) {
      const [rows] = await main.query(`SELECT COUNT(*) AS n FROM ${name(table)}`);
      return Number((rows as { n: number | string }[])[0]?.n ?? 0);
    },
    async truncate(tables) {
      for (const t of tables) await main.query(`TRUNCATE TABLE ${name(t)}`);
    },
    // AUTO_INCREMENT moves past explicit values by itself.
    async finishTable(_table: Table) {},
    close,
  };
}

/** The database's name on a server told apart by its host name, port and data folder. */
async function identity(target: DbTarget): Promise<string> {
  const driver = await openMysql(target, {});
  try {
    const [rows] = await driver.query("SELECT CONCAT(DATABASE(), '@', @@hostname, ':', @@port, ':', @@datadir) AS id");
    return `mysql:${(rows as { id: string }[])[0]?.id ?? ''}`;
  } finally {
    await driver.end().catch(() => undefined);
  }
}

export const mysqlRows: RowsAdapter = { openSource, openTarget, identity };

/** For change capture's hand-off (changes.ts): its snapshot is read on the same kind of connection. */
export { connectMysql, reader };
