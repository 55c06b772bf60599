import { join } from 'node:path';
import { safeFsOf } from '../repo/safe-fs.js';
import type { Store } from '../repo/index.js';

/** What a client asked for, as it wrote it (never expanded): logged with every call. */
export interface AccessInput {
  readonly database?: string | undefined;
  /** The refs the call names, in argument order. */
  readonly refs?: readonly string[] | undefined;
  readonly table?: string | undefined;
  readonly sql?: string | undefined;
}

/** One line of `.redb/state/mcp-access.log`. */
export interface AccessEntry extends AccessInput {
  /** ISO 8601. */
  readonly time: string;
  /** The bearer token's id over HTTP; `stdio` for a local client; `-` for a request without a valid token. */
  readonly token: string;
  readonly tool: string;
  readonly outcome: 'ok' | 'error';
  /** The error code, for outcome `error`. */
  readonly code?: string | undefined;
  /** What the access policy refused during the call (tables left out, columns withheld, the refusal it ended with). */
  readonly refused?: readonly string[] | undefined;
}

export const ACCESS_LOG = join('state', 'mcp-access.log');

/** Client text is kept, but cut: a line stays short enough to append atomically. */
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The entry as written: long client input cut, empty fields left out. */
function bounded(entry: AccessEntry): AccessEntry {
  return {
    ...entry,
    database: entry.database === undefined ? undefined : cut(entry.database, 200),
    refs: entry.refs === undefined || entry.refs.length === 0 ? undefined : entry.refs.map((r) => cut(r, 200)),
    table: entry.table === undefined ? undefined : cut(entry.table, 200),
    sql: entry.sql === undefined ? undefined : cut(entry.sql, 2000),
    refused:
      entry.refused === undefined
        ? undefined
        : [...entry.refused.slice(0, 10).map((r) => cut(r, 300)), ...(entry.refused.length > 10 ? [`… ${entry.refused.length - 10} more`] : [])],
  };
}

/** Append one JSON line (JSON escapes newlines, so client text cannot forge a line). */
export async function appendAccess(store: Store, entry: AccessEntry): Promise<void> {
  const path = join(store.gitdir, ACCESS_LOG);
  // Never through a link: not in the folders on the way, not as the log itself.
  await safeFsOf(store).appendFile(path, `${JSON.stringify(bounded(entry))}\n`);
}
