/**
 * Read-only queries for the MCP server on DuckDB. The engine keeps them read-only: the file is opened
 * in READ_ONLY access mode, external access (files, URLs, ATTACH) is switched off and the
 * configuration locked so the query cannot switch it back on, a string of several statements is
 * refused by DuckDB's own statement splitter, and a query running past the timeout is interrupted.
 * A client's statement runs only after its plan shows it reads nothing the policy masks or denies
 * (read-guard.ts).
 */
import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadOnlyDriver, ReadOnlySession, ReadOptions } from '../adapter.js';
import { openDuckdb } from './connect.js';
import { duckdbGuard, type DuckdbGuard } from './read-guard.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

async function open(target: DbTarget, options: ReadOptions): Promise<ReadOnlySession> {
  const handle = await openDuckdb(target, { readOnly: true });
  let guard: DuckdbGuard | undefined;
  try {
    await handle.connection.run('SET enable_external_access = false');
    guard = options.trusted === true ? undefined : await duckdbGuard(handle, options.policy);
    // The guard switches the optimizer off and on around its check: the lock waits for it.
    if (guard === undefined) await handle.connection.run('SET lock_configuration = true');
  } catch (e) {
    handle.close();
    if (e instanceof RedbError) throw e;
    throw errors.dbUnreachable(target.name, message(e), 'file').because(e);
  }
  // DuckDB has no statement timeout setting; interrupting the connection is its equivalent.
  let timer: NodeJS.Timeout | undefined;
  return {
    async query(sql) {
      timer = setTimeout(() => handle.connection.interrupt(), options.timeoutMs);
      try {
        const extracted = await handle.connection.extractStatements(sql);
        if (extracted.count !== 1) throw errors.mcpQueryFailed(target.name, `expected one statement, got ${extracted.count}`);
        if (guard !== undefined) {
          await guard.check(sql);
          await handle.connection.run('SET lock_configuration = true');
        }
        const result = await (await extracted.prepare(0)).stream();
        const columns = result.columnNames().map((name) => ({ name }));
        async function* rows(): AsyncGenerator<unknown[]> {
          try {
            for await (const batch of result.yieldRowsJs()) yield* batch as unknown[][];
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
      clearTimeout(timer);
      handle.close();
    },
  };
}

export const duckdbReadOnly: ReadOnlyDriver = { open, quote };
