import { DuckDBInstance } from '@duckdb/node-api';
import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Engine } from '../../src/unified/index.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, type ScratchDb, type TestEngine } from '../support/scratch.js';
import type { Compare, TypeCase, Value } from './exact-values-cases.js';

/**
 * Each engine written and read with its own driver, never through redb: values go in by exact
 * means (bound parameters, or text the engine parses exactly) and come back as one canonical text
 * per value, floats as their IEEE-754 bits, so that equal texts mean bit-equal values.
 */

export const ENGINES: Readonly<Record<Exclude<Engine, 'mongodb'>, TestEngine>> = {
  postgres: postgresEngine,
  mysql: mysqlEngine,
  sqlite: sqliteEngine,
  duckdb: duckdbEngine,
};

const fileOf = (db: ScratchDb): string => db.url.replace(/^(sqlite|duckdb):/, '');

/** A DuckDB table by its name, in whichever schema the clone made it (a PostgreSQL source's `public`, else `main`). */
async function duckdbTable(connection: import('@duckdb/node-api').DuckDBConnection, name: string): Promise<string> {
  const schema = (await connection.runAndReadAll(`SELECT schema_name FROM duckdb_tables() WHERE table_name = '${name}'`)).getRows()[0]?.[0];
  return `"${String(schema ?? 'main')}"."${name}"`;
}

/** The 64 bits of a double (widened exactly from a float), any NaN as one. */
export function floatBits(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  return Buffer.from(view.buffer).toString('hex');
}

/** A decimal's value as plain digits: no `+`, no leading or trailing zeros, no exponent, `0` for any zero. */
export function decimalValue(raw: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(raw.trim());
  if (m === null) return `not a decimal: ${raw}`;
  let digits = `${m[2] ?? ''}${m[3] ?? ''}`;
  let point = (m[2] ?? '').length + Number(m[4] ?? 0);
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  const int = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const frac = point < 0 ? `${'0'.repeat(-point)}${digits}` : digits.slice(point);
  return `${m[1] === '-' ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff[ BC]`, from any engine's spelling (T or space, offset +00, DuckDB's `(BC)`). */
function timestampValue(raw: string): string {
  const bc = /\bBC\b/.test(raw);
  const text = raw.replace(/\s*\(?BC\)?/, '').trim();
  const m = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(?:Z|[+-]00(?::?00)?)?$/.exec(text);
  if (m === null) return `not a timestamp: ${raw}`;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}.${(m[5] ?? '').padEnd(6, '0')}${bc ? ' BC' : ''}`;
}

function dateValue(raw: string): string {
  const bc = /\bBC\b/.test(raw);
  const m = /^(\d{4,}-\d\d-\d\d)/.exec(raw.replace(/\s*\(?BC\)?/, '').trim());
  return m === null ? `not a date: ${raw}` : `${m[1]}${bc ? ' BC' : ''}`;
}

function timeValue(raw: string): string {
  const m = /^(\d\d:\d\d:\d\d)(?:\.(\d+))?$/.exec(raw.trim());
  return m === null ? `not a time: ${raw}` : `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}`;
}

/** The canonical text of a value as one engine's driver hands it over. */
export function canonical(compare: Compare, raw: unknown): string {
  if (raw === null || raw === undefined) return 'NULL';
  switch (compare) {
    case 'float': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9a-f]{16}$/.test(raw) ? Buffer.from(raw, 'hex').readDoubleBE(0) : undefined;
      return n === undefined ? `not a float: ${String(raw)}` : floatBits(n);
    }
    case 'decimal':
      return decimalValue(String(raw));
    case 'integer':
      return String(raw);
    case 'text':
    case 'json':
      return typeof raw === 'string' ? raw : `not text: ${String(raw)}`;
    case 'binary':
      return Buffer.isBuffer(raw) ? raw.toString('hex') : raw instanceof Uint8Array ? Buffer.from(raw).toString('hex') : `not bytes: ${String(raw)}`;
    case 'timestamp':
      return timestampValue(String(raw));
    case 'date':
      return dateValue(String(raw));
    case 'time':
      return timeValue(String(raw));
    case 'boolean':
      return ['t', 'true', '1'].includes(String(raw).toLowerCase())
        ? '1'
        : ['f', 'false', '0'].includes(String(raw).toLowerCase())
          ? '0'
          : `not a boolean: ${String(raw)}`;
    case 'uuid':
      return String(raw).toLowerCase();
  }
}

/** How a value is spelled for a text parameter: shortest round-trip text for floats, -0 and the specials by name. */
function textOf(value: Value, c: TypeCase, engine: Engine): string {
  if (typeof value === 'number')
    return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (c.compare === 'timestamp' || c.compare === 'date') {
    const text = String(value);
    const plain = text.replace(/ BC$/, '');
    const bc = text !== plain;
    if (engine === 'duckdb' && bc) return c.compare === 'date' ? `${plain} (BC)` : plain.replace(' ', ' (BC) ');
    return `${plain}${c.zoned && engine !== 'sqlite' ? '+00' : ''}${bc ? ' BC' : ''}`;
  }
  return String(value);
}

/** How `insertCase` writes: into a new table (the default), or more rows, or new values of rows already there. */
export interface WriteOptions {
  /** Make the table first (default true). */
  readonly create?: boolean;
  /** The first row's id (default 1). */
  readonly firstId?: number;
  /** Set the values of the rows with these ids instead of inserting (PostgreSQL, MariaDB and SQLite). */
  readonly update?: boolean;
}

/** Create the case's table in the scratch database and insert the values (ids from 1), or as `options` say. */
export async function insertCase(engine: Engine, db: ScratchDb, c: TypeCase, values: readonly Value[], options: WriteOptions = {}): Promise<void> {
  const type = c.native[engine] as string;
  const create = options.create ?? true;
  const first = options.firstId ?? 1;
  const update = options.update === true;
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("SET TimeZone TO 'UTC'");
      if (create) await client.query(`CREATE TABLE ${c.table} (id integer PRIMARY KEY, v ${type})`);
      for (const [i, value] of values.entries()) {
        const param = Buffer.isBuffer(value) ? value : typeof value === 'boolean' ? value : textOf(value, c, engine);
        const sql = update ? `UPDATE ${c.table} SET v = $2::${type} WHERE id = $1` : `INSERT INTO ${c.table} VALUES ($1, $2::${type})`;
        await client.query(sql, [first + i, param]);
      }
    } finally {
      await client.end();
    }
  } else if (engine === 'mysql') {
    const url = new URL(db.url);
    const connection = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      charset: 'utf8mb4_general_ci',
    });
    try {
      await connection.query("SET time_zone = '+00:00'");
      if (create) await connection.query(`CREATE TABLE ${c.table} (id int PRIMARY KEY, v ${type})`);
      for (const [i, value] of values.entries()) {
        // The binary protocol: doubles travel as their 8 bytes, bytes as bytes.
        const param = typeof value === 'number' || Buffer.isBuffer(value) ? value : typeof value === 'boolean' ? (value ? 1 : 0) : String(value);
        if (update) await connection.execute(`UPDATE ${c.table} SET v = ? WHERE id = ?`, [param, first + i]);
        else await connection.execute(`INSERT INTO ${c.table} VALUES (?, ?)`, [first + i, param]);
      }
    } finally {
      await connection.end();
    }
  } else if (engine === 'sqlite') {
    const sqlite = new Sqlite(fileOf(db));
    try {
      if (create) sqlite.exec(`CREATE TABLE ${c.table} (id INTEGER PRIMARY KEY, v ${type})`);
      const write = sqlite.prepare(update ? `UPDATE ${c.table} SET v = @v WHERE id = @id` : `INSERT INTO ${c.table} VALUES (@id, @v)`);
      for (const [i, value] of values.entries())
        write.run({
          id: first + i,
          v:
            typeof value === 'boolean'
              ? value
                ? 1
                : 0
              : typeof value === 'string' && c.compare !== 'text' && c.compare !== 'json'
                ? textOf(value, c, engine)
                : value,
        });
    } finally {
      sqlite.close();
    }
  } else {
    const instance = await DuckDBInstance.create(fileOf(db));
    const connection = await instance.connect();
    try {
      if (create) await connection.run(`CREATE TABLE ${c.table} (id INTEGER PRIMARY KEY, v ${type})`);
      if (update) throw new Error('no updates written to DuckDB here: it is no replication source');
      for (const [i, value] of values.entries()) {
        const binary = Buffer.isBuffer(value);
        const statement = await connection.prepare(`INSERT INTO ${c.table} VALUES ($1, ${binary ? '$2' : `CAST($2 AS ${type})`})`);
        statement.bindInteger(1, first + i);
        if (binary) statement.bindBlob(2, value);
        else if (typeof value === 'number') statement.bindDouble(2, value);
        else statement.bindVarchar(2, typeof value === 'boolean' ? String(value) : textOf(value, c, engine));
        await statement.run();
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/** The table's values by id, each as its canonical text, read with the engine's own driver. */
export async function readCase(engine: Engine, db: ScratchDb, c: TypeCase): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const put = (id: unknown, raw: unknown) => out.set(Number(id), canonical(c.compare, raw));
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET extra_float_digits TO 3");
      // Floats as their bits; bytes as hex; everything else as the server's text (a 32-bit float widens exactly).
      const expr = c.compare === 'float' ? "encode(float8send(v::float8), 'hex')" : c.compare === 'binary' ? 'v' : 'v::text';
      const { rows } = await client.query<{ id: number; v: unknown }>(`SELECT id, ${expr} AS v FROM ${c.table} ORDER BY id`);
      for (const r of rows) put(r.id, r.v);
    } finally {
      await client.end();
    }
  } else if (engine === 'mysql') {
    const url = new URL(db.url);
    const connection = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      charset: 'utf8mb4_general_ci',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      jsonStrings: true,
    });
    try {
      await connection.query("SET time_zone = '+00:00'");
      // The binary protocol gives doubles and floats as their IEEE bytes.
      const [rows] = await connection.execute(`SELECT id, v FROM ${c.table} ORDER BY id`);
      for (const r of rows as { id: number; v: unknown }[]) put(r.id, r.v);
    } finally {
      await connection.end();
    }
  } else if (engine === 'sqlite') {
    const sqlite = new Sqlite(fileOf(db), { readonly: true });
    sqlite.defaultSafeIntegers(true);
    try {
      for (const r of sqlite.prepare(`SELECT id, v FROM ${c.table} ORDER BY id`).all() as { id: bigint; v: unknown }[]) put(r.id, r.v);
    } finally {
      sqlite.close();
    }
  } else {
    const instance = await DuckDBInstance.create(fileOf(db));
    const connection = await instance.connect();
    try {
      for (const [id, v] of (await connection.runAndReadAll(`SELECT id, v FROM ${await duckdbTable(connection, c.table)} ORDER BY id`)).getRows()) {
        const raw =
          v !== null && typeof v === 'object' && 'bytes' in v ? (v as { bytes: Uint8Array }).bytes : v !== null && typeof v === 'object' ? String(v) : v;
        put(id, raw);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  return out;
}

/** The canonical text of a value as the test means it (floats: the value itself; timestamps: UTC). */
export function intended(c: TypeCase, value: Value): string {
  if (typeof value === 'number') return floatBits(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return canonical(c.compare, value);
}

/** The next double (or, with `bits` 32, the next float) after `n`: a change in the last bit. */
export function nextAfter(n: number, bits: 32 | 64): number {
  const view = new DataView(new ArrayBuffer(8));
  if (bits === 32) {
    view.setFloat32(0, n);
    view.setUint32(0, view.getUint32(0) + 1);
    return view.getFloat32(0);
  }
  view.setFloat64(0, n);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

/** Set one row's float exactly, with the engine's own driver. */
export async function setFloat(engine: Engine, db: ScratchDb, table: string, id: number, value: number): Promise<void> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`UPDATE ${table} SET v = $1 WHERE id = $2`, [Object.is(value, -0) ? '-0' : String(value), id]);
    } finally {
      await client.end();
    }
  } else if (engine === 'mysql') {
    const url = new URL(db.url);
    const connection = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
    try {
      await connection.execute(`UPDATE ${table} SET v = ? WHERE id = ?`, [value, id]);
    } finally {
      await connection.end();
    }
  } else if (engine === 'sqlite') {
    const sqlite = new Sqlite(fileOf(db));
    try {
      sqlite.prepare(`UPDATE ${table} SET v = ? WHERE id = ?`).run(value, id);
    } finally {
      sqlite.close();
    }
  } else {
    const instance = await DuckDBInstance.create(fileOf(db));
    const connection = await instance.connect();
    try {
      // DuckDB's UPDATE leaves a value alone that equals the new one (-0 and 0): the row is written anew.
      const qualified = await duckdbTable(connection, table);
      await connection.run(`DELETE FROM ${qualified} WHERE id = ${id}`);
      const statement = await connection.prepare(`INSERT INTO ${qualified} VALUES ($1, $2)`);
      statement.bindInteger(1, id);
      statement.bindDouble(2, value);
      await statement.run();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/** The ids of a table's rows, read with the engine's own driver. */
export async function idsOf(engine: Engine, db: ScratchDb, table: string): Promise<number[]> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).rows.map((r) => Number(r.id));
    } finally {
      await client.end();
    }
  }
  if (engine === 'mysql') {
    const url = new URL(db.url);
    const connection = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
    try {
      const [rows] = await connection.query(`SELECT id FROM ${table} ORDER BY id`);
      return (rows as { id: number }[]).map((r) => Number(r.id));
    } finally {
      await connection.end();
    }
  }
  if (engine === 'sqlite') {
    const sqlite = new Sqlite(fileOf(db), { readonly: true });
    try {
      return (sqlite.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => Number(r.id));
    } finally {
      sqlite.close();
    }
  }
  const instance = await DuckDBInstance.create(fileOf(db));
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(`SELECT id FROM ${await duckdbTable(connection, table)} ORDER BY id`)).getRows().map((r) => Number(r[0]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
