/**
 * Read-only queries for the MCP server on SQLite. The library keeps them read-only: the file is
 * opened read-only with query_only on, prepare() refuses a string of several statements, and only a
 * statement that returns rows may run, which rules out ATTACH, PRAGMA assignments and VACUUM INTO
 * (SQLite counts ATTACH as read-only, so the open mode alone would let it through). A client's
 * statement runs only after its bytecode shows it reads nothing the policy masks or denies
 * (read-guard.ts), inside the same read transaction.
 */
import { isAbsolute, resolve } from 'node:path';
import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadOnlyDriver, ReadOnlySession, ReadOptions } from '../adapter.js';
import { parseDbUrl } from '../url.js';
import { quoteIdent } from './compile.js';
import { sqliteGuard } from './read-guard.js';

type Database = import('better-sqlite3').Database;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function open(target: DbTarget, options: ReadOptions): Promise<ReadOnlySession> {
  const { default: Sqlite } = await import('better-sqlite3');
  const path = parseDbUrl(target.url).path as string;
  const file = isAbsolute(path) ? path : resolve(target.cwd, path);
  let db: Database;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
  } catch (e) {
    throw errors.dbUnreachable(target.name, message(e), 'file').because(e);
  }
  // An iterator left open keeps the connection busy, and close() would fail.
  let reading: IterableIterator<unknown[]> | undefined;
  return {
    async query(sql) {
      try {
        // One read transaction: the schema the guard reads is the one the statement runs against.
        db.exec('BEGIN');
        const guard = options.trusted === true ? undefined : sqliteGuard(db, options.policy);
        const statement = db.prepare(sql);
        if (!statement.reader) throw new Error('the statement returns no rows; only queries may run');
        guard?.check(sql);
        const columns = statement.columns().map((c) => ({
          name: c.name,
          source:
            c.table === null || c.column === null
              ? undefined
              : { schema: c.database === 'main' ? undefined : (c.database ?? undefined), table: c.table, column: c.column },
        }));
        const iterator = statement.raw(true).iterate() as IterableIterator<unknown[]>;
        reading = iterator;
        async function* rows(): AsyncGenerator<unknown[]> {
          try {
            yield* iterator;
          } catch (e) {
            throw errors.mcpQueryFailed(target.name, message(e)).because(e);
          }
        }
        return { columns, rows: rows() };
      } catch (e) {
        if (e instanceof RedbError) throw e;
        throw errors.mcpQueryFailed(target.name, message(e)).because(e);
      }
    },
    close: async () => {
      reading?.return?.();
      db.close();
    },
  };
}

export const sqliteReadOnly: ReadOnlyDriver = { open, quote: quoteIdent };
