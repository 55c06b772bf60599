import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '../errors.js';
import { daemonPaths } from './daemon-files.js';
import { findStore, type OpContext } from './find-store.js';

/**
 * The daemon's log lines, oldest first: the last `lines` of them (all by default), then, with
 * `follow`, every new one as it is written, across rotations, until the signal aborts.
 */
export async function daemonLogs(
  ctx: OpContext & { lines?: number | undefined; follow?: boolean; onLine: (line: string) => void; pollMs?: number },
): Promise<void> {
  const store = findStore(ctx);
  const file = daemonPaths(store).log;
  const fs = store.fs.promises;
  let handle: FileHandle | undefined;
  let offset = 0;
  let pending = '';
  const emit = (text: string) => {
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) if (line !== '') ctx.onLine(line);
  };
  /** Read what was added since the last read. */
  const drain = async () => {
    if (handle === undefined) return;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      emit(buffer.subarray(0, bytesRead).toString('utf8'));
    }
  };
  const openLog = async (): Promise<boolean> => {
    try {
      handle = await fs.open(file, 'r');
      offset = 0;
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  };
  try {
    if (await openLog()) {
      const text = await (handle as FileHandle).readFile('utf8');
      offset = Buffer.byteLength(text);
      const lines = text.split('\n').filter((l) => l !== '');
      for (const line of ctx.lines === undefined ? lines : lines.slice(Math.max(0, lines.length - ctx.lines))) ctx.onLine(line);
    }
    if (ctx.follow !== true) return;
    while (ctx.signal?.aborted !== true) {
      await drain();
      // Rotated (the name is another file now) or truncated: finish the old one, then read the new one from its start.
      const now = await fs.stat(file).catch(() => undefined);
      const current = handle === undefined ? undefined : await handle.stat();
      if (now !== undefined && (current === undefined || now.ino !== current.ino || now.size < offset)) {
        await drain();
        await handle?.close();
        handle = undefined;
        pending = '';
        await openLog();
        continue;
      }
      try {
        await sleep(ctx.pollMs ?? 200, undefined, ctx.signal === undefined ? undefined : { signal: ctx.signal });
      } catch {
        return;
      }
    }
  } finally {
    await handle?.close();
  }
}
