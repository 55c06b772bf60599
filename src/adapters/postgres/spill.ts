import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Streamed transactions (pgoutput protocol 2) arrive in pieces before they commit, and may still
 * abort, whole or a subtransaction at a time. Their messages go to a file per transaction, as
 * length-prefixed records, and are read back only at Stream Commit: memory stays flat whatever the
 * transaction's size, and nothing of an aborted transaction ever surfaces. The files live in a
 * private temporary folder removed on close.
 */

const FLUSH_BYTES = 1 << 20;

interface SpillFile {
  readonly path: string;
  readonly handle: FileHandle;
  pending: Buffer[];
  pendingBytes: number;
  /** Subtransactions that aborted: their records are skipped on replay (ids are never reused). */
  readonly aborted: Set<number>;
}

export interface SpillRecordFilter {
  /** The (sub)transaction a record belongs to. */
  xidOf(record: Buffer): number;
  /** Records kept even when their subtransaction aborted. */
  keep(record: Buffer): boolean;
}

export class Spill {
  private dir: string | undefined;
  private readonly files = new Map<number, SpillFile>();

  constructor(
    private readonly parent: string,
    private readonly filter: SpillRecordFilter,
  ) {}

  static async create(filter: SpillRecordFilter, parent = tmpdir()): Promise<Spill> {
    return new Spill(parent, filter);
  }

  private async file(xid: number): Promise<SpillFile> {
    let file = this.files.get(xid);
    if (file === undefined) {
      this.dir ??= await mkdtemp(join(this.parent, 'redb-changes-'));
      const path = join(this.dir, `${xid}.spill`);
      file = { path, handle: await open(path, 'w+'), pending: [], pendingBytes: 0, aborted: new Set() };
      this.files.set(xid, file);
    }
    return file;
  }

  async append(xid: number, record: Buffer): Promise<void> {
    const file = await this.file(xid);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(record.length);
    // The frame's buffer may be reused by the stream: keep a copy.
    file.pending.push(head, Buffer.from(record));
    file.pendingBytes += record.length + 4;
    if (file.pendingBytes >= FLUSH_BYTES) await flush(file);
  }

  /** A subtransaction (or, when `subxid` is the transaction, all of it) aborted. */
  async abort(xid: number, subxid: number): Promise<void> {
    if (xid === subxid) return this.discard(xid);
    this.files.get(xid)?.aborted.add(subxid);
  }

  async discard(xid: number): Promise<void> {
    const file = this.files.get(xid);
    if (file === undefined) return;
    this.files.delete(xid);
    await file.handle.close().catch(() => undefined);
    await rm(file.path, { force: true });
  }

  /** The committed transaction's records in order, then its file is removed. */
  async *replay(xid: number): AsyncGenerator<Buffer> {
    const file = this.files.get(xid);
    if (file === undefined) return;
    try {
      await flush(file);
      const chunk = Buffer.allocUnsafe(FLUSH_BYTES);
      let rest: Buffer = Buffer.alloc(0);
      let position = 0;
      for (;;) {
        const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const data: Buffer = rest.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
        let offset = 0;
        while (offset + 4 <= data.length) {
          const length = data.readUInt32BE(offset);
          if (offset + 4 + length > data.length) break;
          const record = data.subarray(offset + 4, offset + 4 + length);
          offset += 4 + length;
          if (file.aborted.size === 0 || this.filter.keep(record) || !file.aborted.has(this.filter.xidOf(record))) yield record;
        }
        // What is left belongs to the next record: copied, since `chunk` is read into again.
        rest = Buffer.from(data.subarray(offset));
      }
    } finally {
      await this.discard(xid);
    }
  }

  async close(): Promise<void> {
    for (const xid of [...this.files.keys()]) await this.discard(xid);
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

async function flush(file: SpillFile): Promise<void> {
  if (file.pending.length === 0) return;
  const data = Buffer.concat(file.pending, file.pendingBytes);
  file.pending = [];
  file.pendingBytes = 0;
  await file.handle.appendFile(data);
}
