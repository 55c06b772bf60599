import { totalmem } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { firstLineOf } from '../../errors.js';

/**
 * DuckDB's memory limit for a copy. Left alone, DuckDB caches up to 80% of the machine's memory;
 * a copy streams through, so the limit starts small (DuckDB spills to the file instead) and is
 * raised when values need more: a batch is held two or three times over as it is appended and
 * committed, and one value read needs twice its size (a 50 MB value, over 100 MB). A value larger
 * than a storage block stays in memory as a whole: each checkpoint of its row group (after each
 * commit, every 4 MB of log) reads its earlier large values again, so room grows by each one
 * written (ten 50 MB values failed at any fixed limit below 630 MB). The limit is the instance's,
 * shared by its connections; each sets it through its own (a connection runs one statement at a
 * time).
 */
export const BASE_MEMORY_MB = 64;
/** DuckDB's own default: past it, the machine cannot give more. */
const CEILING_MB = Math.floor((totalmem() * 0.8) / (1 << 20));

export const isOutOfMemory = (e: unknown): boolean => /out of memory|could not allocate/i.test(firstLineOf(e));

export class MemoryLimit {
  private current = BASE_MEMORY_MB;
  /** Bytes of large values written so far, which checkpoints read again. */
  private large = 0;

  get mb(): number {
    return this.current;
  }

  async atLeast(connection: DuckDBConnection, mb: number): Promise<void> {
    const wanted = Math.min(CEILING_MB, Math.ceil(mb));
    if (wanted <= this.current) return;
    this.current = wanted;
    await connection.run(`SET memory_limit = '${wanted}MiB'`);
  }

  /**
   * Room for a batch of this many bytes, `large` of them in values past a storage block, to be
   * appended and committed, beside the large values written before.
   */
  forBatch(connection: DuckDBConnection, bytes: number, large: number): Promise<void> {
    this.large += large;
    return this.atLeast(connection, (3 * bytes + this.large) / (1 << 20) + 32);
  }

  /** More room after running out; false when there is no more to give. */
  async raise(connection: DuckDBConnection): Promise<boolean> {
    if (this.current >= CEILING_MB) return false;
    await this.atLeast(connection, this.current * 4);
    return true;
  }
}

/**
 * Run a read in a reader's snapshot transaction, raising the limit and running it again when
 * DuckDB runs out of memory. The failed statement ends the transaction; the file is open in this
 * process only, so a new one sees the same rows.
 */
export async function reading<T>(connection: DuckDBConnection, memory: MemoryLimit, read: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (e) {
      if (!isOutOfMemory(e)) throw e;
      await renew(connection);
      if (!(await memory.raise(connection))) throw e;
    }
  }
}

/** A new snapshot transaction after a failed one. */
export async function renew(connection: DuckDBConnection): Promise<void> {
  await connection.run('ROLLBACK').catch(() => undefined);
  await connection.run('BEGIN TRANSACTION');
}
