/**
 * The pgoutput logical replication protocol (versions 1 and 2), decoded from message bytes into
 * plain data. Pure: no connection, no state. Inside a streamed block (between Stream Start and
 * Stream Stop) the data messages carry the id of their (sub)transaction first; `streaming` says so.
 * https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 */

/** A column's value: text, binary, null, or `undefined` for an unchanged TOAST value the server did not send. */
export type TupleValue = string | Buffer | null | undefined;

export interface PgColumn {
  readonly key: boolean;
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
}

export type PgMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTime: bigint; readonly xid: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTime: bigint }
  | { readonly tag: 'origin'; readonly name: string }
  | {
      readonly tag: 'relation';
      readonly xid: number | undefined;
      readonly oid: number;
      readonly namespace: string;
      readonly name: string;
      readonly identity: string;
      readonly columns: readonly PgColumn[];
    }
  | { readonly tag: 'type'; readonly xid: number | undefined; readonly oid: number; readonly namespace: string; readonly name: string }
  | { readonly tag: 'insert'; readonly xid: number | undefined; readonly oid: number; readonly tuple: readonly TupleValue[] }
  | {
      readonly tag: 'update';
      readonly xid: number | undefined;
      readonly oid: number;
      readonly old: OldTuple | undefined;
      readonly tuple: readonly TupleValue[];
    }
  | { readonly tag: 'delete'; readonly xid: number | undefined; readonly oid: number; readonly old: OldTuple }
  | {
      readonly tag: 'truncate';
      readonly xid: number | undefined;
      readonly oids: readonly number[];
      readonly cascade: boolean;
      readonly restartIdentity: boolean;
    }
  | { readonly tag: 'message'; readonly xid: number | undefined; readonly transactional: boolean; readonly prefix: string; readonly content: Buffer }
  | { readonly tag: 'streamStart'; readonly xid: number; readonly first: boolean }
  | { readonly tag: 'streamStop' }
  | { readonly tag: 'streamCommit'; readonly xid: number; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTime: bigint }
  | { readonly tag: 'streamAbort'; readonly xid: number; readonly subxid: number };

/** The row before: its replica identity's columns (`key`) or all of them (`full`). */
export interface OldTuple {
  readonly image: 'key' | 'full';
  readonly tuple: readonly TupleValue[];
}

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  u8(): number {
    return this.buf.readUInt8(this.offset++);
  }
  i16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(): bigint {
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  i64(): bigint {
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  /** A NUL-terminated string. */
  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
}

function tuple(r: Reader): TupleValue[] {
  const n = r.i16();
  const values: TupleValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = r.u8();
    if (kind === 0x74 /* t */) {
      const len = r.i32();
      values[i] = r.buf.toString('utf8', r.offset, r.offset + len);
      r.offset += len;
    } else if (kind === 0x6e /* n */) values[i] = null;
    else if (kind === 0x75 /* u */) values[i] = undefined;
    else if (kind === 0x62 /* b */) values[i] = Buffer.from(r.bytes(r.i32()));
    else throw new Error(`pgoutput: unknown tuple value kind 0x${kind.toString(16)}`);
  }
  return values;
}

function oldTuple(r: Reader, kind: number): OldTuple {
  return { image: kind === 0x4b /* K */ ? 'key' : 'full', tuple: tuple(r) };
}

/** Tags that open, close or end a streamed block rather than belong to one. */
export const STREAM_CONTROL = new Set([0x53 /* S */, 0x45 /* E */, 0x63 /* c */, 0x41 /* A */]);

/** A row's insert, update or delete (nearly every message of a stream). */
export type PgRowChange = Extract<PgMessage, { tag: 'insert' | 'update' | 'delete' }>;
export const isRowChange = (m: PgMessage): m is PgRowChange => m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete';

/** Whether a message inside a streamed block is schema metadata (kept whatever subtransaction aborts). */
export const isMetadata = (payload: Buffer): boolean => payload[0] === 0x52 /* R */ || payload[0] === 0x59 /* Y */;

/** The (sub)transaction id a data message inside a streamed block carries, right after its tag. */
export const streamedXid = (payload: Buffer): number => payload.readUInt32BE(1);

/** The message in `payload` from `at` on. */
export function decodePgoutput(payload: Buffer, streaming: boolean, at = 0): PgMessage {
  const r = new Reader(payload);
  r.offset = at;
  const tag = r.u8();
  const xid = (): number | undefined => (streaming ? r.u32() : undefined);
  switch (tag) {
    case 0x42 /* B */:
      {
        const finalLsn = r.u64();
        const commitTime = r.i64();
        return { tag: 'begin', finalLsn, commitTime, xid: r.u32() };
      }
    case 0x43 /* C */:
      {
        r.u8();
        const commitLsn = r.u64();
        const endLsn = r.u64();
        return { tag: 'commit', commitLsn, endLsn, commitTime: r.i64() };
      }
    case 0x4f /* O */:
      {
        r.u64();
        return { tag: 'origin', name: r.cstring() };
      }
    case 0x52 /* R */:
      {
        const x = xid();
        const oid = r.u32();
        const namespace = r.cstring();
        const name = r.cstring();
        const identity = String.fromCharCode(r.u8());
        const n = r.i16();
        const columns: PgColumn[] = [];
        for (let i = 0; i < n; i++) {
          const flags = r.u8();
          const column = r.cstring();
          const typeOid = r.u32();
          columns.push({ key: (flags & 1) === 1, name: column, typeOid, typmod: r.i32() });
        }
        return { tag: 'relation', xid: x, oid, namespace, name, identity, columns };
      }
    case 0x59 /* Y */:
      {
        const x = xid();
        const oid = r.u32();
        const namespace = r.cstring();
        return { tag: 'type', xid: x, oid, namespace, name: r.cstring() };
      }
    case 0x49 /* I */:
      {
        const x = xid();
        const oid = r.u32();
        r.u8(); // N
        return { tag: 'insert', xid: x, oid, tuple: tuple(r) };
      }
    case 0x55 /* U */:
      {
        const x = xid();
        const oid = r.u32();
        let kind = r.u8();
        let old: OldTuple | undefined;
        if (kind === 0x4b /* K */ || kind === 0x4f /* O */) {
          old = oldTuple(r, kind);
          kind = r.u8();
        }
        return { tag: 'update', xid: x, oid, old, tuple: tuple(r) };
      }
    case 0x44 /* D */:
      {
        const x = xid();
        const oid = r.u32();
        return { tag: 'delete', xid: x, oid, old: oldTuple(r, r.u8()) };
      }
    case 0x54 /* T */:
      {
        const x = xid();
        const n = r.i32();
        const options = r.u8();
        const oids: number[] = [];
        for (let i = 0; i < n; i++) oids.push(r.u32());
        return { tag: 'truncate', xid: x, oids, cascade: (options & 1) !== 0, restartIdentity: (options & 2) !== 0 };
      }
    case 0x4d /* M */:
      {
        const x = xid();
        const transactional = (r.u8() & 1) === 1;
        r.u64();
        const prefix = r.cstring();
        return { tag: 'message', xid: x, transactional, prefix, content: Buffer.from(r.bytes(r.i32())) };
      }
    case 0x53 /* S */:
      {
        const x = r.u32();
        return { tag: 'streamStart', xid: x, first: r.u8() === 1 };
      }
    case 0x45 /* E */:
      return { tag: 'streamStop' };
    case 0x63 /* c */:
      {
        const x = r.u32();
        r.u8();
        const commitLsn = r.u64();
        const endLsn = r.u64();
        return { tag: 'streamCommit', xid: x, commitLsn, endLsn, commitTime: r.i64() };
      }
    case 0x41 /* A */:
      {
        const x = r.u32();
        return { tag: 'streamAbort', xid: x, subxid: r.u32() };
      }
    default:
      throw new Error(`pgoutput: unknown message '${String.fromCharCode(tag)}'`);
  }
}
