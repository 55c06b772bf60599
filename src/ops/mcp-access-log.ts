import { join } from 'node:path';
import type { Store } from '../repo/index.js';

/** One line of `.redb/state/mcp-access.log`. */
export interface AccessEntry {
  /** ISO 8601. */
  readonly time: string;
  /** The bearer token's id over HTTP; `stdio` for a local client. */
  readonly token: string;
  readonly tool: string;
  readonly database?: string | undefined;
  readonly outcome: 'ok' | 'error';
  /** The error code, for outcome `error`. */
  readonly code?: string | undefined;
}

export const ACCESS_LOG = join('state', 'mcp-access.log');

/** Append one JSON line; appends of a line this short are atomic, so concurrent calls do not interleave. */
export async function appendAccess(store: Store, entry: AccessEntry): Promise<void> {
  const path = join(store.gitdir, ACCESS_LOG);
  await store.fs.promises.mkdir(join(path, '..'), { recursive: true });
  await store.fs.promises.appendFile(path, `${JSON.stringify(entry)}\n`);
}
