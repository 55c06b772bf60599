import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { loadAdapter } from '../../src/adapters/registry.js';
import { diffSchemas, type Plan, type Schema } from '../../src/unified/index.js';
import { serverUrl, type ScratchDb, type TestEngine } from './scratch.js';

/** The test MariaDB server's URL with another database in its path. */
export function mysqlUrlFor(database: string): string {
  const url = new URL(serverUrl('REDB_TEST_MYSQL_URL'));
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** A connection to the test server that runs whole scripts (triggers and routines as single statements, no DELIMITER). */
export async function mysqlScriptConnection(database?: string): Promise<mysql.Connection> {
  const url = new URL(serverUrl('REDB_TEST_MYSQL_URL'));
  return mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? decodeURIComponent(url.pathname.slice(1)),
    multipleStatements: true,
    charset: 'utf8mb4_general_ci',
  });
}

export async function mysqlExec(database: string, sql: string): Promise<void> {
  const connection = await mysqlScriptConnection(database);
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

/** Each scratch database is `redb_t_<random>` on the shared test server, dropped afterwards. */
export const mysqlEngine: TestEngine = {
  engine: 'mysql',
  async create(): Promise<ScratchDb> {
    const name = `redb_t_${randomBytes(6).toString('hex')}`;
    const admin = await mysqlScriptConnection();
    try {
      await admin.query(`CREATE DATABASE \`${name}\``);
    } finally {
      await admin.end();
    }
    return {
      url: mysqlUrlFor(name),
      exec: (sql) => mysqlExec(name, sql),
      async drop() {
        const conn = await mysqlScriptConnection();
        try {
          await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
        } finally {
          await conn.end();
        }
      },
    };
  },
};

/** The model of what `sql` creates in an empty database. */
export async function mysqlSchemaOf(sql: string): Promise<Schema> {
  const db = await mysqlEngine.create();
  try {
    await db.exec(sql);
    const connection = await (await loadAdapter('mysql')).connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
    try {
      return await connection.introspect();
    } finally {
      await connection.close();
    }
  } finally {
    await db.drop();
  }
}

/** Plan the live database → `target`, apply it, and read the database back. */
export async function migrateMysql(db: ScratchDb, target: Schema): Promise<{ plan: Plan; after: Schema }> {
  const adapter = await loadAdapter('mysql');
  const connection = await adapter.connect({ name: 'scratch', url: db.url, cwd: process.cwd() });
  try {
    const live = await connection.introspect();
    const plan = adapter.dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
    await connection.apply(plan);
    return { plan, after: await connection.introspect() };
  } finally {
    await connection.close();
  }
}

/** Rows of one query on a scratch database. */
export async function mysqlRows<T>(db: ScratchDb, sql: string): Promise<T[]> {
  const url = new URL(db.url);
  const connection = await mysqlScriptConnection(decodeURIComponent(url.pathname.slice(1)));
  try {
    const [rows] = await connection.query(sql);
    return rows as T[];
  } finally {
    await connection.end();
  }
}
