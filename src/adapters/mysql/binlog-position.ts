import { z } from 'zod';
import { errors } from '../../errors.js';
import type { Position } from '../changes.js';

/**
 * A place in a MariaDB/MySQL server's binary log: the file and byte offset (what orders it, on
 * that server), and the GTID position there when the server keeps one (MariaDB always does:
 * `domain-server-sequence` per replication domain), which is what a stream resumes from. Stored
 * as JSON text. Pure functions, no driver.
 */

export const BinlogPosition = z
  .object({
    file: z.string().min(1),
    pos: z.number().int().nonnegative(),
    gtid: z.string().optional(),
  })
  .strict();
export type BinlogPosition = z.infer<typeof BinlogPosition>;

export function parseBinlogPosition(text: string): BinlogPosition {
  try {
    return BinlogPosition.parse(JSON.parse(text));
  } catch {
    throw errors.changesBadPosition('MariaDB/MySQL', text);
  }
}

export const binlogPosition = (p: BinlogPosition): Position =>
  JSON.stringify(p.gtid === undefined ? { file: p.file, pos: p.pos } : { file: p.file, pos: p.pos, gtid: p.gtid }) as Position;

/** `mysql-bin.000012` → its base name and sequence number (the server numbers its files in order). */
function fileOrder(file: string): [string, number] {
  const m = /^(.*)\.(\d+)$/.exec(file);
  return m === null ? [file, 0] : [m[1] as string, Number(m[2])];
}

export function compareBinlog(a: BinlogPosition, b: BinlogPosition): number {
  const [baseA, seqA] = fileOrder(a.file);
  const [baseB, seqB] = fileOrder(b.file);
  if (baseA !== baseB) return baseA < baseB ? -1 : 1;
  if (seqA !== seqB) return seqA - seqB;
  return a.pos - b.pos;
}

/** The last transaction of each MariaDB replication domain: `0-1-100,1-2-7`. */
export class GtidState {
  private readonly domains = new Map<number, { server: number; seq: bigint }>();

  constructor(text: string | undefined) {
    for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
      const m = /^(\d+)-(\d+)-(\d+)$/.exec(part.trim());
      if (m === null) throw errors.changesBadPosition('MariaDB', text ?? '');
      this.domains.set(Number(m[1]), { server: Number(m[2]), seq: BigInt(m[3] as string) });
    }
  }

  add(domain: number, server: number, seq: bigint | number | string): void {
    this.domains.set(domain, { server, seq: BigInt(seq) });
  }

  get empty(): boolean {
    return this.domains.size === 0;
  }

  toString(): string {
    return [...this.domains.entries()]
      .sort(([a], [b]) => a - b)
      .map(([domain, { server, seq }]) => `${domain}-${server}-${seq}`)
      .join(',');
  }
}
