import { createHash } from 'node:crypto';
import type { CanonicalForm, Checksum } from '../adapters/canonical-sql.js';
import type { RowReader } from '../adapters/rows.js';
import type { ColumnType, Engine } from '../unified/index.js';
import type { TableCheck } from '../errors.js';
import type { OnEvent } from './events.js';
import { canonicalForm, comparisonType, normalizer } from './normalize.js';
import { nameOf, type TablePair } from './pairing.js';
import { tableId } from './schema-phases.js';
import { runLanes } from './parallel.js';
import { crossing, decoder, floatText } from './values.js';

export type { TableCheck } from '../errors.js';

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
/** A value as the driver gave it, as text: how two columns of one engine and one type compare (a double by its bits, bytes by their md5). */
const rawText = (v: unknown): string =>
  v === null || v === undefined ? '\u0000N' : Buffer.isBuffer(v) ? createHash('md5').update(v).digest('hex') : typeof v === 'number' ? floatText(v) : String(v);

/** `exact[i]`: both sides are the same engine and the same native type, so values compare as read. `mask` masks the portable values of a row in place. */
async function checksum(
  reader: RowReader,
  engines: { readonly source: Engine; readonly target: Engine },
  pair: TablePair,
  side: 'source' | 'target',
  types: readonly ColumnType[],
  exact: readonly boolean[],
  where: string | undefined,
  batchRows: number,
  mask?: (row: unknown[]) => void,
) {
  const table = nameOf(pair[side]);
  const columns = pair.columns.map((c) => c[side].name);
  const decode = pair.columns.map((c) => {
    const read = decoder(engines[side], c[side].type);
    // The source's values as the target's columns hold them where engines write them differently (a PostgreSQL array as JSON).
    const cross = side === 'source' ? crossing({ engine: engines.source, type: c.source.type }, { engine: engines.target, type: c.target.type }) : undefined;
    return cross === undefined ? read : (v: unknown) => cross(read(v));
  });
  const normalize = types.map((t, i) => (exact[i] ? rawText : normalizer(t)));
  let hi = 0;
  let lo = 0;
  let rows = 0;
  for await (const batch of reader.readBatches(table, { columns, where, batchRows })) {
    for (const row of batch) {
      if (mask !== undefined) {
        for (let i = 0; i < row.length; i++) row[i] = (decode[i] as (x: unknown) => unknown)(row[i]);
        mask(row);
      }
      const text = row
        .map((v, i) => (normalize[i] as (x: unknown) => string)(exact[i] || mask !== undefined ? v : (decode[i] as (x: unknown) => unknown)(v)))
        .join('\u0001');
      const [a, b] = rowHash(text);
      hi = (hi + a) >>> 0;
      lo = (lo + b) >>> 0;
    }
    rows += batch.length;
  }
  return { rows, checksum: `${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}` };
}

const same = (a: Checksum | undefined, b: Checksum | undefined): boolean =>
  a !== undefined && b !== undefined && a.rows === b.rows && a.checksum === b.checksum;

export interface VerifyOptions {
  readonly where?: ReadonlyMap<string, string>;
  /** Tables compared by count only. */
  readonly countsOnly?: ReadonlySet<string>;
  /** How a pair's source rows are masked before they are compared (portable values, in place); undefined for an unmasked pair. */
  readonly mask?: ((pair: TablePair) => ((row: unknown[]) => void) | undefined) | undefined;
  readonly batchRows: number;
  readonly onEvent?: OnEvent | undefined;
}

/**
 * How a pair is compared, cheapest first: by each server hashing its own values when both sides are
 * one engine with the same types; by each server hashing canonical text (canonical-sql.ts) when
 * both can write every column so; else by reading the rows here and normalising them
 * (normalize.ts), which also decides whenever the servers' sums differ.
 */
interface Plan {
  readonly pair: TablePair;
  readonly where: string | undefined;
  readonly countsOnly: boolean;
  readonly mask?: ((row: unknown[]) => void) | undefined;
  readonly exact: readonly boolean[];
  /** Both sides hash values on the server. */
  readonly byHash: boolean;
  /** Both sides hash canonical text on the server, in these forms. */
  readonly forms?: readonly CanonicalForm[] | undefined;
}

/** The plan for a pair, from the source's readers (the target's are of the same kind when the engines are). */
function plan(pair: TablePair, source: Side, targetEngine: Engine, options: VerifyOptions): Plan {
  // Masked values exist only in JavaScript: such a pair is compared row by row.
  const mask = options.mask?.(pair);
  const exact = pair.columns.map((c) => mask === undefined && source.engine === targetEngine && c.source.type.native === c.target.type.native);
  const reader = source.readers[0];
  const forms = pair.columns.map((c, i) => canonicalForm(c.source.type, c.target.type, exact[i] as boolean));
  return {
    pair,
    where: options.where?.get(pair.id),
    countsOnly: options.countsOnly?.has(pair.id) ?? false,
    mask,
    exact,
    byHash: exact.every(Boolean) && reader?.checksum !== undefined,
    forms: mask === undefined && forms.every((f) => f !== undefined) && reader?.portableChecksum !== undefined ? (forms as CanonicalForm[]) : undefined,
  };
}

/** One side's first, server-computed figure for a pair: a count, a hash of values, or a sum of canonical text. */
async function serverSide(p: Plan, reader: RowReader, side: 'source' | 'target'): Promise<Checksum | undefined> {
  const table = nameOf(p.pair[side]);
  const where = side === 'source' ? p.where : undefined;
  if (p.countsOnly) return { rows: await reader.count(table, where), checksum: '' };
  if (p.byHash)
    return reader.checksum?.(
      table,
      p.pair.columns.map((c) => c[side].name),
      where,
      'value',
    );
  if (p.forms === undefined) return undefined;
  const forms = p.forms;
  return reader.portableChecksum?.(
    table,
    p.pair.columns.map((c, i) => ({ name: c[side].name, type: c[side].type, form: forms[i] as CanonicalForm })),
    where,
  );
}

/** Both sides' checksums when the servers' first figures do not settle it. */
async function decide(
  p: Plan,
  src: RowReader,
  dst: RowReader,
  source: Side,
  target: Side,
  batchRows: number,
): Promise<[Checksum, Checksum, NonNullable<TableCheck['method']>]> {
  const { pair } = p;
  if (p.byHash) {
    // A type without a hash function (json, point, ...): the rows' text, hashed by each server.
    const [a, b] = await Promise.all([
      src.checksum?.(
        nameOf(pair.source),
        pair.columns.map((c) => c.source.name),
        p.where,
        'text',
      ),
      dst.checksum?.(
        nameOf(pair.target),
        pair.columns.map((c) => c.target.name),
        undefined,
        'text',
      ),
    ]);
    if (a !== undefined && b !== undefined) return [a, b, 'server-hash'];
  }
  const types = pair.columns.map((c) => comparisonType(c.source.type, c.target.type));
  const engines = { source: source.engine, target: target.engine };
  const [a, b] = await Promise.all([
    checksum(src, engines, pair, 'source', types, p.exact, p.where, batchRows, p.mask),
    checksum(dst, engines, pair, 'target', types, p.exact, undefined, batchRows),
  ]);
  return [a, b, 'rows'];
}

/**
 * Compare each pair's rows on both sides. The source's server-side figures start at once, spread
 * over its readers, so they can run while the target is still being finished (indexes, keys); the
 * target's follow when `against` is called, and the two are compared table by table.
 */
export function verifySource(
  pairs: readonly TablePair[],
  source: Side,
  targetEngine: Engine,
  options: VerifyOptions,
): { against(target: Side): Promise<TableCheck[]> } {
  const plans = pairs.map((pair) => plan(pair, source, targetEngine, options));
  // Each pair's source figure, settled when its lane gets to it: the target's figure for a pair
  // waits for that pair's alone, so the two sides are hashed at once, table by table.
  const early = new Map<string, Promise<Checksum | undefined>>();
  const settle = new Map<string, (figure: Promise<Checksum | undefined>) => void>();
  for (const p of plans) {
    const figure = new Promise<Checksum | undefined>((resolve) => settle.set(p.pair.id, resolve));
    // A failure surfaces when the results are asked for; meanwhile it must not go unhandled.
    figure.catch(() => undefined);
    early.set(p.pair.id, figure);
  }
  const started = runLanes(plans, source.readers.length, async (p, lane) => {
    const result = serverSide(p, source.readers[lane] as RowReader, 'source');
    settle.get(p.pair.id)?.(result);
    await result.catch(() => undefined);
  });
  return {
    async against(targetSide) {
      const results = new Map<string, TableCheck>();
      // A source reader serves one query at a time: the rows of a pair the servers' figures do not
      // settle are read from it once every source figure is in, by one target lane at a time.
      const turns = source.readers.map(() => Promise.resolve());
      const onSource = <T>(lane: number, work: () => Promise<T>): Promise<T> => {
        const i = lane % source.readers.length;
        const run = Promise.all([started, turns[i]]).then(work);
        turns[i] = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      };
      await runLanes(plans, targetSide.readers.length, async (p, lane) => {
        const src = source.readers[lane % source.readers.length] as RowReader;
        const dst = targetSide.readers[lane] as RowReader;
        const [a, b] = await Promise.all([early.get(p.pair.id), serverSide(p, dst, 'target')]);
        const base = { table: p.pair.id, target: tableId(p.pair.target), countsOnly: p.countsOnly, ...(p.mask === undefined ? {} : { masked: true }) };
        let check: TableCheck;
        if (p.countsOnly) {
          check = { ...base, sourceRows: a?.rows ?? 0, targetRows: b?.rows ?? 0, match: a !== undefined && a.rows === b?.rows };
        } else {
          // Hashes of values settle it either way; equal canonical sums settle it; else the rows decide.
          const settled = a !== undefined && b !== undefined && (p.byHash || same(a, b));
          const [x, y, method] = settled
            ? [a, b, p.byHash ? ('server-hash' as const) : ('server-canonical' as const)]
            : await onSource(lane, () => decide(p, src, dst, source, targetSide, options.batchRows));
          check = { ...base, sourceRows: x.rows, targetRows: y.rows, sourceChecksum: x.checksum, targetChecksum: y.checksum, method, match: same(x, y) };
        }
        results.set(p.pair.id, check);
        options.onEvent?.({ type: 'verify', table: p.pair.id, match: check.match, countsOnly: p.countsOnly });
      });
      return pairs.map((p) => results.get(p.id) as TableCheck);
    },
  };
}

/** Compare each pair's rows on both sides, tables in parallel over the readers both sides have. */
export function verifyPairs(pairs: readonly TablePair[], source: Side, target: Side, options: VerifyOptions): Promise<TableCheck[]> {
  return verifySource(pairs, source, target.engine, options).against(target);
}
