import { errors } from '../errors.js';
import type { LockOptions } from './adapter.js';

/**
 * Take a database's migrate lock, trying again until `waitMs` has passed. A migrate killed in the
 * middle of a statement leaves its session on the server until that statement ends; the lock is that
 * session's, so waiting for it means the next migrate plans from a database nobody is changing.
 */
export async function waitForLock(dbName: string, tryLock: () => Promise<boolean>, holder: () => Promise<string>, options: LockOptions): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await tryLock()) return;
    if (options.signal?.aborted === true) throw errors.migrateInterrupted(dbName, 0, 0, true);
    const waited = Date.now() - started;
    if (waited >= options.waitMs) throw errors.migrateBusy(dbName, await holder(), Math.round(waited / 1000));
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, options.waitMs - waited)));
  }
}

/** A statement as a holder's description shows it: its first line, shortened. */
export const statementLine = (sql: string | null | undefined): string => {
  const line = (sql ?? '').trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
};
