import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { CLI, redb, sharedFixture, type CliResult } from '../support/cli.js';
import { mysqlRows } from '../support/mysql.js';
import { pgQuery, psqlFile } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

/** The test servers' password, passed the way users must: as a ${VAR} in the URL. */
export const PASSWORD_ENV = { REDB_TEST_PW: 'redb' };

/** A server URL with its password replaced by ${REDB_TEST_PW}, as redb accepts it. */
export function envUrl(url: string): string {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  if (password !== PASSWORD_ENV.REDB_TEST_PW) throw new Error(`the test servers' password is expected to be '${PASSWORD_ENV.REDB_TEST_PW}'`);
  return url.replace(`:${u.password}@`, ':${REDB_TEST_PW}@');
}

/** `redb ...` with the password in the environment. */
export const redbPw = (cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult => redb(cwd, args, { ...PASSWORD_ENV, ...env });

/** The result line of `redb clone --json` (the last line; the others are progress events). */
export function cloneResult(r: CliResult): {
  tables: { table: string; rows: number; masked: boolean }[];
  verify?: { table: string; match: boolean; countsOnly: boolean; sourceRows: number; targetRows: number }[];
  resumed: boolean;
  losses: unknown[];
} {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(last) as { type: string };
  if (parsed.type !== 'result') throw new Error(`expected a result line, got ${last}\n${r.stderr}`);
  return parsed as never;
}

/** Chinook into a scratch PostgreSQL database (its script creates its own database; the scratch one stands in). */
export function loadChinookPostgres(url: string): void {
  const dir = tempDir('redb-chinook-');
  try {
    const script = readFileSync(sharedFixture('chinook', 'Chinook_PostgreSql.sql'), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|\\c )/i.test(line))
      .join('\n');
    const file = join(dir.path, 'chinook.sql');
    writeFileSync(file, script);
    psqlFile(url, file);
  } finally {
    dir.cleanup();
  }
}

export const chinookMysqlScript = (): string =>
  readFileSync(sharedFixture('chinook', 'Chinook_MySql.sql'), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|USE)\b/i.test(line))
    .join('\n');

/** Row counts per table, read straight from each engine (not through redb). */
export async function pgCounts(url: string, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM "${t}"`))[0]?.n);
  return out;
}

export async function mysqlCounts(db: ScratchDb, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await mysqlRows<{ n: number }>(db, `SELECT count(*) AS n FROM \`${t}\``))[0]?.n);
  return out;
}

export function sqliteQuery<T>(file: string, sql: string): T[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/**
 * `redb ...` as a child process that does not block the test's event loop (cases run side by side).
 * It is killed after `timeoutMs`: a stalled clone must not outlive its test (its server session
 * would hold up the scratch database's drop).
 */
export function redbAsync(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 280_000): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', REDB_DEBUG: '', ...PASSWORD_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

/** A scratch database's URL as redb takes it: a server's password as ${REDB_TEST_PW}. */
export const urlFor = (url: string): string => (/^(postgres|mysql)/.test(url) ? envUrl(url) : url);
