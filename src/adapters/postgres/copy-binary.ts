import type { Row } from '../rows.js';

/**
 * Rows of a `COPY ... TO STDOUT (FORMAT binary)` stream. Every field is a length and its bytes, so
 * nothing is escaped or searched for: a bytea column arrives as its bytes (half the size of its
 * hex text, which a 50 MB value would make 100 MB of), every other column as text its reader asked
 * for. The stream is parsed chunk by chunk; a field larger than a chunk is gathered once, never
 * re-copied for each chunk that adds to it.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Past this many bytes, a fill copies into a buffer of the size needed as the bytes arrive. */
const LARGE = 1 << 20;

/** A tuple parsed from `buf` at `at`: its values and where it ends; or how many bytes from `at` are needed first; or the end. */
type Parsed = { readonly row: Row; readonly end: number } | { readonly need: number } | 'trailer';

function parseTuple(buf: Buffer, at: number, binary: readonly boolean[]): Parsed {
  if (buf.length - at < 2) return { need: 2 };
  const fields = buf.readInt16BE(at);
  if (fields === -1) return 'trailer';
  if (fields !== binary.length) throw new Error(`COPY sent ${fields} fields where ${binary.length} were asked for`);
  let p = at + 2;
  const row: Row = new Array(fields);
  for (let i = 0; i < fields; i++) {
    if (buf.length - p < 4) return { need: p - at + 4 };
    const length = buf.readInt32BE(p);
    p += 4;
    if (length === -1) {
      row[i] = null;
      continue;
    }
    if (buf.length - p < length) return { need: p - at + length };
    if (!binary[i]) row[i] = buf.toString('utf8', p, p + length);
    // A small value is copied, so that it does not hold a whole chunk in memory; a large one is that chunk.
    else row[i] = length * 2 < buf.length ? Buffer.from(buf.subarray(p, p + length)) : buf.subarray(p, p + length);
    p += length;
  }
  return { row, end: p };
}

/** The rows of a binary COPY stream whose columns are text, or bytes where `binary` says. */
export async function* copyBinaryRows(stream: AsyncIterable<Buffer>, binary: readonly boolean[]): AsyncGenerator<Row> {
  const chunks = stream[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let at = 0;
  let ended = false;
  /** Bytes read past what a large fill needed, to be used first by the next fill. */
  let rest: Buffer | undefined;
  const next = async (): Promise<Buffer | undefined> => {
    if (rest !== undefined) {
      const r = rest;
      rest = undefined;
      return r;
    }
    if (ended) return undefined;
    const r = await chunks.next();
    if (r.done === true) ended = true;
    return r.done === true ? undefined : r.value;
  };
  /**
   * At least `n` bytes from `at` in `buf`; false when the stream ends first. A large value's bytes
   * are copied once into a buffer of its size as they arrive, rather than gathered and then joined
   * (which would hold them twice).
   */
  const fill = async (n: number): Promise<boolean> => {
    if (n > LARGE) {
      const out = Buffer.allocUnsafe(n);
      let have = buf.copy(out, 0, at);
      while (have < n) {
        const chunk = await next();
        if (chunk === undefined) break;
        const used = Math.min(chunk.length, n - have);
        chunk.copy(out, have, 0, used);
        have += used;
        if (used < chunk.length) rest = chunk.subarray(used);
      }
      buf = have === n ? out : out.subarray(0, have);
      at = 0;
      return have >= n;
    }
    const parts: Buffer[] = [buf.subarray(at)];
    let have = parts[0]?.length ?? 0;
    while (have < n) {
      const chunk = await next();
      if (chunk === undefined) break;
      parts.push(chunk);
      have += chunk.length;
    }
    buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, have);
    at = 0;
    return have >= n;
  };

  // Header: signature, flags, and an extension area to skip.
  if (!(await fill(SIGNATURE.length + 8))) return;
  if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  const extension = buf.readInt32BE(SIGNATURE.length + 4);
  if (!(await fill(SIGNATURE.length + 8 + extension))) throw new Error('binary COPY stream ended in its header');
  at = SIGNATURE.length + 8 + extension;

  for (;;) {
    const parsed = parseTuple(buf, at, binary);
    if (parsed === 'trailer') return;
    if ('need' in parsed) {
      if (!(await fill(parsed.need))) {
        if (buf.length - at === 0) return;
        throw new Error('binary COPY stream ended inside a row');
      }
      continue;
    }
    at = parsed.end;
    yield parsed.row;
  }
}
