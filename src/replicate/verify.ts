import type { RowReader } from '../adapters/rows.js';
import type { ColumnType, Engine } from '../unified/index.js';
import type { OnEvent } from './events.js';
import { comparisonType, normalizer } from './normalize.js';
import { nameOf, type TablePair } from './pairing.js';
import { tableId } from './schema-phases.js';
import { runLanes } from './parallel.js';
import { decoder } from './values.js';

/** How one table compares: counts always, checksums unless the copy was masked. */
export interface TableCheck {
  readonly table: string;
  readonly target: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly sourceChecksum?: string | undefined;
  readonly targetChecksum?: string | undefined;
  /** Masked tables differ by design: only their counts are compared. */
  readonly countsOnly: boolean;
  readonly match: boolean;
}

export interface Side {
  readonly engine: Engine;
  readonly readers: readonly RowReader[];
}

/** Two independent 32-bit hashes of a string (cyrb53's mixing): cheap enough to run on every row. */
function rowHash(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * Count and checksum one side of a table. The checksum is the sum, modulo 2^32 in each half, of a
 * 64-bit hash of every row's normalised values (normalize.ts): independent of row order, and
 * unlike XOR it still sees a row that appears twice.
 */
/** A value as the driver gave it, as text: how two columns of one engine and one type compare. */
const rawText = (v: unknown): string => (v === null || v === undefined ? '\u0000N' : Buffer.isBuffer(v) ? v.toString('hex') : String(v));

/** `exact[i]`: both sides are the same engine and the same native type, so values compare as read. */
async function checksum(reader: RowReader, engine: Engine, pair: TablePair, side: 'source' | 'target', types: readonly ColumnType[], exact: readonly boolean[], where: string | undefined, batchRows: number) {
  const table = nameOf(pair[side]);
  const columns = pair.columns.map((c) => c[side].name);
  const decode = pair.columns.map((c) => decoder(engine, c[side].type));
  const normalize = types.map((t, i) => (exact[i] ? rawText : normalizer(t)));
  let hi = 0;
  let lo = 0;
  let rows = 0;
  for await (const batch of reader.readBatches(table, { columns, where, batchRows })) {
    for (const row of batch) {
      const text = row.map((v, i) => (normalize[i] as (x: unknown) => string)(exact[i] ? v : (decode[i] as (x: unknown) => unknown)(v))).join('\u0001');
      const [a, b] = rowHash(text);
      hi = (hi + a) >>> 0;
      lo = (lo + b) >>> 0;
    }
    rows += batch.length;
  }
  return { rows, checksum: `${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}` };
}

export interface VerifyOptions {
  readonly where?: ReadonlyMap<string, string>;
  /** Tables compared by count only (masked copies). */
  readonly countsOnly?: ReadonlySet<string>;
  readonly batchRows: number;
  readonly onEvent?: OnEvent | undefined;
}

/** Compare each pair's rows on both sides, tables in parallel over the readers both sides have. */
export async function verifyPairs(pairs: readonly TablePair[], source: Side, target: Side, options: VerifyOptions): Promise<TableCheck[]> {
  const results = new Map<string, TableCheck>();
  const lanes = Math.min(source.readers.length, target.readers.length);
  await runLanes(pairs, lanes, async (pair, lane) => {
    const src = source.readers[lane] as RowReader;
    const dst = target.readers[lane] as RowReader;
    const where = options.where?.get(pair.id);
    const countsOnly = options.countsOnly?.has(pair.id) ?? false;
    let check: TableCheck;
    if (countsOnly) {
      const [sourceRows, targetRows] = await Promise.all([src.count(nameOf(pair.source), where), dst.count(nameOf(pair.target))]);
      check = { table: pair.id, target: tableId(pair.target), sourceRows, targetRows, countsOnly, match: sourceRows === targetRows };
    } else {
      const types = pair.columns.map((c) => comparisonType(c.source.type, c.target.type));
      const exact = pair.columns.map((c) => source.engine === target.engine && c.source.type.native === c.target.type.native);
      // Same engine, same types: each server can hash its own rows, and nothing crosses the wire.
      const byServer = exact.every(Boolean) && src.checksum !== undefined && dst.checksum !== undefined;
      const [a, b] = await Promise.all([
        byServer ? (src.checksum as NonNullable<RowReader['checksum']>)(nameOf(pair.source), pair.columns.map((c) => c.source.name), where) : checksum(src, source.engine, pair, 'source', types, exact, where, options.batchRows),
        byServer ? (dst.checksum as NonNullable<RowReader['checksum']>)(nameOf(pair.target), pair.columns.map((c) => c.target.name)) : checksum(dst, target.engine, pair, 'target', types, exact, undefined, options.batchRows),
      ]);
      check = {
        table: pair.id,
        target: tableId(pair.target),
        sourceRows: a.rows,
        targetRows: b.rows,
        sourceChecksum: a.checksum,
        targetChecksum: b.checksum,
        countsOnly,
        match: a.rows === b.rows && a.checksum === b.checksum,
      };
    }
    results.set(pair.id, check);
    options.onEvent?.({ type: 'verify', table: pair.id, match: check.match, countsOnly });
  });
  return pairs.map((p) => results.get(p.id) as TableCheck);
}
