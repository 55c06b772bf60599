import type { ReadableOptions } from 'node:stream';
import type { CopyToStreamQuery } from 'pg-copy-streams';

/**
 * `COPY ... TO STDOUT` as a stream, as pg-copy-streams' `to` gives it, with a cheaper reading of
 * the server's messages. The server sends each row as a CopyData message of its own; `to` cuts
 * every one out of a buffer list (a Buffer object and a copy per row), which costs the copy of a
 * large table more CPU in Node than the servers spend on either end. Here the payloads of the rows
 * that arrived in one socket read are moved together in that read's own buffer and handed on as
 * one chunk; a row longer than a read streams through as it arrives (never held whole).
 */

const ERROR_RESPONSE = 0x45;
const COPY_DATA = 0x64;
/** Messages a server may send between CopyData ones; any other (CopyDone, ...) ends the copy. */
const INTERSPERSED: ReadonlySet<number> = new Set([0x48, COPY_DATA, 0x53, 0x4e, 0x41]);

/** The parts of pg-copy-streams' stream that this one reads or overrides. */
interface Internals {
  _buffer: { push(chunk: Buffer): void };
  _detach(): void;
  _cleanup(): void;
  push(chunk: Buffer | null): boolean;
}

type Parser = (this: Internals & Fast, chunk: Buffer) => boolean | undefined;

interface Fast {
  /** A message header cut by the end of a read (fewer than its five bytes). */
  head?: Buffer | undefined;
  /** Bytes of the current message still to come in later reads. */
  left: number;
  /** The current message is a row's (its bytes are passed on) rather than one skipped. */
  passing: boolean;
  /** The current message ends the copy once its last byte is in. */
  ending: boolean;
}

/** The same parse contract as pg-copy-streams' `_parse`: false when the reader wants no more for now. */
const parse: Parser = function (chunk) {
  let buf = chunk;
  if (this.head !== undefined) {
    buf = Buffer.concat([this.head, chunk]);
    this.head = undefined;
  }
  const n = buf.length;
  let pos = 0;
  // Row bytes are moved down over the headers between them, into buf[0, out).
  let out = 0;
  let done = false;
  if (this.left > 0) {
    const take = Math.min(this.left, n);
    if (this.passing) out = take;
    pos = take;
    this.left -= take;
    if (this.left === 0 && this.ending) done = true;
  }
  while (!done && this.left === 0 && pos < n) {
    if (n - pos < 5) {
      // Copied: the rest of buf is handed on below.
      this.head = Buffer.from(buf.subarray(pos));
      pos = n;
      break;
    }
    const code = buf[pos] as number;
    if (code === ERROR_RESPONSE) {
      // Handed back to pg, which reads the error and fails the query.
      if (out > 0) this.push(buf.subarray(0, out));
      this._buffer.push(buf.subarray(pos));
      this._detach();
      return undefined;
    }
    const length = buf.readUInt32BE(pos + 1) - 4;
    pos += 5;
    const take = Math.min(length, n - pos);
    this.passing = code === COPY_DATA;
    this.ending = !INTERSPERSED.has(code);
    if (this.passing) {
      if (out !== pos) buf.copyWithin(out, pos, pos + take);
      out += take;
    }
    pos += take;
    this.left = length - take;
    if (this.left === 0 && this.ending) done = true;
  }
  let drained = true;
  if (out > 0) drained = this.push(buf.subarray(0, out));
  if (done) {
    // What follows the copy (CommandComplete, ReadyForQuery) is pg's to read.
    if (pos < n) this._buffer.push(buf.subarray(pos));
    this._detach();
    this.push(null);
    this._cleanup();
  }
  return drained;
};

/** `to(text)` of pg-copy-streams, reading the server's messages as above. */
export async function copyOut(text: string, options?: ReadableOptions): Promise<CopyToStreamQuery> {
  const { to } = await import('pg-copy-streams');
  const stream = to(text, options);
  Object.assign(stream, { left: 0, passing: false, ending: false, head: undefined, _parse: parse });
  return stream;
}
