import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { safeFsOf } from '../repo/safe-fs.js';
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
  // Never through a link: not in the folders on the way (checked), not as the log itself (O_NOFOLLOW).
  await safeFsOf(store).realDir(dirname(path), { create: true });
  const { O_APPEND, O_CREAT, O_WRONLY, O_NOFOLLOW } = constants;
  const handle = await store.fs.promises.open(path, O_APPEND | O_CREAT | O_WRONLY | O_NOFOLLOW, 0o644);
  try {
    await handle.write(`${JSON.stringify(entry)}\n`);
  } finally {
    await handle.close();
  }
}
