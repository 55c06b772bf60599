import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serverUrl, type ScratchDb, type TestEngine } from './scratch.js';

/** The test server's admin URL with the database part replaced. */
export function pgDatabaseUrl(database: string): string {
  const url = new URL(serverUrl('REDB_TEST_PG_URL'));
  url.pathname = `/${database}`;
  return url.toString();
}

/** Run SQL (one or many statements) on a database of the test server. */
export async function pgExec(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Rows of one query on a database of the test server. */
export async function pgQuery<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The tablespace cases may use; a tablespace belongs to the server, so it is made once and kept. */
export const TEST_TABLESPACE = 'redb_ts';
let tablespace: Promise<void> | undefined;

/** An in-place tablespace (a developer option) needs no directory of its own on the server. */
async function ensureTablespace(admin: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    if ((await client.query('SELECT 1 FROM pg_tablespace WHERE spcname = $1', [TEST_TABLESPACE])).rowCount === 0) {
      await client.query('SET allow_in_place_tablespaces = on');
      // Another test process may make it at the same moment.
      await client.query(`CREATE TABLESPACE ${TEST_TABLESPACE} LOCATION ''`).catch((e: unknown) => {
        if ((e as { code?: string }).code !== '42710' && (e as { code?: string }).code !== '23505') throw e;
      });
    }
  } finally {
    await client.end();
  }
}

/** Every scratch database is a fresh `redb_t_<random>` on the shared test server, dropped after use. */
export const postgresEngine: TestEngine = {
  engine: 'postgres',
  async create(): Promise<ScratchDb> {
    const name = `redb_t_${randomBytes(6).toString('hex')}`;
    const admin = serverUrl('REDB_TEST_PG_URL');
    tablespace ??= ensureTablespace(admin);
    await tablespace;
    await pgExec(admin, `CREATE DATABASE "${name}"`);
    const url = pgDatabaseUrl(name);
    return {
      url,
      exec: (sql) => pgExec(url, sql),
      drop: () => pgExec(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  },
};

/** The newest pg_dump installed, as scripts/test-servers.sh picks the newest server. */
export function pgDumpPath(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_dump'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).pop();
  return newest === undefined ? 'pg_dump' : join(root, newest, 'bin', 'pg_dump');
}

/**
 * `pg_dump --schema-only` of a database, without what differs between two copies of the same
 * schema: comments, SET lines, blank lines, the random \restrict key and the database's name.
 */
export function pgDumpSchema(url: string): string {
  const database = new URL(url).pathname.slice(1);
  const dump = execFileSync(pgDumpPath(), ['--schema-only', '--no-owner', '--no-privileges', url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return dump
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--') && !/^(SET |SELECT pg_catalog\.set_config|\\restrict|\\unrestrict)/.test(line))
    .join('\n')
    .replaceAll(database, '<db>');
}

/** Load a SQL script with psql, stopping at the first error. */
export function psqlFile(url: string, file: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
}
