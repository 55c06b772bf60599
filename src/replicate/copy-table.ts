import type { Readable } from 'node:stream';
import {
  BATCH_BYTES,
  rowBytes,
  type ChunkRecord,
  type ReadOptions,
  type Row,
  type RowReader,
  type RowTarget,
  type RowWriter,
  type TableName,
} from '../adapters/rows.js';
import type { Engine } from '../unified/index.js';
import { decodeKey, encodeKey, type Checkpoints } from './checkpoints.js';
import { type OnEvent, rowsProgress } from './events.js';
import { copyPages, type CatchUp } from './page-copy.js';
import { nameOf, type TablePair } from './pairing.js';
import { coercer, crossing, decoder } from './values.js';

export interface CopyOptions {
  readonly sourceEngine: Engine;
  readonly targetEngine: Engine;
  readonly batchRows: number;
  readonly where?: string | undefined;
  /** Masks a row of portable values in place (src/policy). */
  readonly mask?: ((row: unknown[]) => void) | undefined;
  readonly checkpoints: Checkpoints;
  /** The clone's id, under which a target records the page chunks it committed (absent: not resumable, nothing recorded). */
  readonly job?: string | undefined;
  /** A replication job's copy (page-copy.ts): what a resumed run keeps of earlier ones. */
  readonly catchUp?: CatchUp | undefined;
  readonly onEvent: OnEvent;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A function that changes a row in place from the source driver's values to what the target writer
 * takes: same-engine copies pass values through untouched (exact, whatever the type), others go
 * through the portable form (values.ts), and masking always works on that form.
 */
function converter(pair: TablePair, options: CopyOptions): (row: Row) => Row {
  const { mask } = options;
  if (options.sourceEngine === options.targetEngine && mask === undefined) return (row) => row;
  const decode = pair.columns.map((c) => decoder(options.sourceEngine, c.source.type));
  // A portable value is already what a column of its own kind takes (masks keep the kind), but
  // for a double going into a 32-bit float: rounded here once, never twice (through its digits).
  const narrows = (c: TablePair['columns'][number]) =>
    c.target.type.kind === 'float' && c.target.type.bits === 32 && c.source.type.kind === 'float' && c.source.type.bits === 64;
  const coerce = pair.columns.map(
    (c) =>
      crossing({ engine: options.sourceEngine, type: c.source.type }, { engine: options.targetEngine, type: c.target.type }) ??
      (c.source.type.kind === c.target.type.kind && !narrows(c) ? undefined : coercer(c.target.type)),
  );
  return (row) => {
    for (let i = 0; i < row.length; i++) row[i] = (decode[i] as (v: unknown) => unknown)(row[i]);
    mask?.(row);
    for (let i = 0; i < row.length; i++) {
      const c = coerce[i];
      if (c !== undefined) row[i] = c(row[i]);
    }
    return row;
  };
}

/** Rows to write as one committed unit: `last` is its last key (on a keyed table), `write` commits it and counts its rows. */
interface Chunk {
  readonly last: unknown[] | undefined;
  write(): Promise<number>;
}

/** The adapter calls a raw copy makes, in the format agreed on. */
interface RawIo {
  readonly chunkEnd: NonNullable<RowReader['chunkEnd']>;
  readRaw(table: TableName, options: ReadOptions): Promise<Readable>;
  writeRaw(table: TableName, columns: readonly string[], rows: Readable, record?: Omit<ChunkRecord, 'rows'>): Promise<number>;
}

/**
 * Same engine, same column types, nothing masked, and an adapter that can move its own bulk
 * format: rows go from source to target as the source's bytes, never parsed, in the first format
 * the reader offers that the writer takes.
 */
async function rawIo(pair: TablePair, reader: RowReader, writer: RowWriter, options: CopyOptions): Promise<RawIo | undefined> {
  const sameTypes = pair.columns.every((c) => c.source.type.native === c.target.type.native);
  if (options.sourceEngine !== options.targetEngine || options.mask !== undefined || !sameTypes) return undefined;
  const { chunkEnd, readRaw } = reader;
  const { writeRaw } = writer;
  if (chunkEnd === undefined || readRaw === undefined || writeRaw === undefined || reader.rawFormats === undefined || writer.rawFormats === undefined)
    return undefined;
  const [offered, taken] = await Promise.all([
    reader.rawFormats(
      nameOf(pair.source),
      pair.columns.map((c) => c.source.name),
    ),
    writer.rawFormats(
      nameOf(pair.target),
      pair.columns.map((c) => c.target.name),
    ),
  ]);
  const format = offered.find((f) => taken.includes(f));
  if (format === undefined) return undefined;
  return {
    chunkEnd: chunkEnd.bind(reader),
    readRaw: (table, read) => readRaw.call(reader, table, read, format),
    writeRaw: (table, columns, rows, record) => writeRaw.call(writer, table, columns, rows, format, record),
  };
}

/** A raw chunk stands for this many batches: no row of it is held in memory, and each costs a key lookup and a commit. */
const RAW_CHUNK_BATCHES = 50;

/** Chunks of raw rows ending at keys looked up first (the checkpoint needs the last key before the write); a table without a key is one chunk. */
async function* rawChunks(io: RawIo, from: TableName, to: TableName, targetColumns: readonly string[], read: ReadOptions): AsyncGenerator<Chunk> {
  const { chunkEnd, readRaw, writeRaw } = io;
  let after = read.after;
  for (;;) {
    const last = read.key === undefined ? undefined : await chunkEnd(from, { ...read, after, batchRows: read.batchRows * RAW_CHUNK_BATCHES });
    if (read.key !== undefined && last === undefined) return;
    const bounds = { ...read, after, until: last, anyOrder: true };
    yield { last, write: async () => writeRaw(to, targetColumns, await readRaw(from, bounds)) };
    if (last === undefined) return;
    after = last;
  }
}

/** Chunks of one batch each, converted on the way (converter), the next read while one is written. */
async function* rowChunks(
  reader: RowReader,
  writer: RowWriter,
  from: TableName,
  to: TableName,
  targetColumns: readonly string[],
  read: ReadOptions,
  convert: (row: Row) => Row,
  keyOf: (row: Row) => unknown[],
): AsyncGenerator<Chunk> {
  // A batch of large values is written before the next is read: two of them would double the memory a copy takes.
  const small = (batch: Row[]) => batch.reduce((sum, row) => sum + rowBytes(row), 0) < BATCH_BYTES / 2;
  for await (const batch of readAhead(reader.readBatches(from, read), small)) {
    yield {
      last: read.key === undefined ? undefined : keyOf(batch[batch.length - 1] as Row),
      write: async () => {
        await writer.write(to, targetColumns, batch.map(convert));
        return batch.length;
      },
    };
  }
}

/**
 * The items of `items`, the next one being read while the caller works on the current one, unless
 * `ahead` says the current one is too large to hold another beside.
 */
export async function* readAhead<T>(items: AsyncIterable<T>, ahead: (item: T) => boolean = () => true): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined = it.next();
  try {
    for (;;) {
      const r: IteratorResult<T> = await (next ?? it.next());
      if (r.done === true) return;
      next = ahead(r.value) ? it.next() : undefined;
      // A failure of the read ahead surfaces at the next await; it must not go unhandled meanwhile.
      next?.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * Copy one table in key order, batch by batch: one batch is written while the next is read, and
 * no more are held, so memory stays flat however large the table. Before each batch the checkpoint records the batch's last key as
 * pending; after the target commits it, that key becomes `after`. A resumed copy first deletes
 * the rows of a pending batch from the target, then reads on from `after`.
 */
export async function copyTable(pair: TablePair, reader: RowReader, writer: RowWriter, target: RowTarget, options: CopyOptions): Promise<number> {
  const { checkpoints } = options;
  const state = checkpoints.table(pair.id);
  if (state?.done) {
    options.onEvent({ type: 'table', table: pair.id, state: 'done', rows: state.rows, total: state.rows, rowsPerSecond: 0 });
    return state.rows;
  }
  const from = nameOf(pair.source);
  const to = nameOf(pair.target);
  const columns = pair.columns.map((c) => c.source.name);
  const targetColumns = pair.columns.map((c) => c.target.name);
  const key = pair.key?.map((i) => columns[i] as string);
  const targetKey = pair.key?.map((i) => targetColumns[i] as string);
  const convert = converter(pair, options);
  const keyOf = (row: Row): unknown[] => (pair.key ?? []).map((i) => row[i]);

  const io = await rawIo(pair, reader, writer, options);
  // Raw bytes in physical order where the engine can, begun so or not begun yet (a copy begun by key ranges goes on by them).
  if (io !== undefined && (state === undefined || state.pages === true)) {
    const chunking = await reader.pageChunks?.(from, options.batchRows * RAW_CHUNK_BATCHES);
    if (chunking !== undefined)
      return copyPages(
        pair,
        reader,
        target,
        { readRaw: io.readRaw, writeRaw: io.writeRaw },
        {
          chunking,
          job: options.catchUp?.id ?? options.job,
          where: options.where,
          batchRows: options.batchRows,
          checkpoints,
          catchUp: options.catchUp,
          onEvent: options.onEvent,
          signal: options.signal,
        },
      );
  }
  if (options.catchUp?.resumed === true) {
    // Copied by keys, of which no record is kept in the target: a resumed replication copy starts the table over, in its later snapshot.
    await options.catchUp.later(pair.id);
    await target.truncate([to]);
    await target.forgetChunks?.(options.catchUp.id, pair.id);
    options.catchUp.settled(pair.id, 'restarted', 0, 0);
  }

  let rows = 0;
  let after: unknown[] | undefined;
  if (state?.pages === true) {
    // Begun by pages, which key bounds cannot tell apart: this table starts over.
    await target.truncate([to]);
    if (options.job !== undefined) await target.forgetChunks?.(options.job, pair.id);
  } else if (state !== undefined && key !== undefined && targetKey !== undefined) {
    rows = state.rows;
    after = state.after === undefined ? undefined : decodeKey(state.after);
    if (state.pending !== undefined) {
      const until = decodeKey(state.pending);
      for await (const batch of reader.readBatches(from, { columns, key, after, until, where: options.where, batchRows: options.batchRows })) {
        await writer.deleteKeys(
          to,
          targetKey,
          batch.map((row) => keyOf(convert(row))),
        );
      }
    }
  } else if (state !== undefined) {
    // Without a key there is no telling which rows arrived: this table starts over.
    await target.truncate([to]);
  }

  // The total is for progress: statistics serve where they exist, saving a count of the whole table.
  const total = (options.where === undefined ? await reader.estimate?.(from) : undefined) ?? (await reader.count(from, options.where));
  const started = Date.now();
  const startRows = rows;
  options.onEvent({ type: 'table', table: pair.id, state: 'start', rows, total, rowsPerSecond: 0 });
  const read: ReadOptions = { columns, key, after, where: options.where, batchRows: options.batchRows };
  const chunks = io !== undefined ? rawChunks(io, from, to, targetColumns, read) : rowChunks(reader, writer, from, to, targetColumns, read, convert, keyOf);
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new Error('cancelled');
    const last = chunk.last === undefined ? undefined : encodeKey(chunk.last);
    if (last !== undefined) await checkpoints.update(pair.id, { done: false, rows, after: after === undefined ? undefined : encodeKey(after), pending: last });
    else if (rows === 0) await checkpoints.update(pair.id, { done: false, rows });
    after = chunk.last;
    rows += await chunk.write();
    await checkpoints.update(pair.id, { done: false, rows, after: last });
    options.onEvent(rowsProgress(pair.id, rows, startRows, total, started));
    // Embedded engines read and write synchronously: a turn of the event loop lets the progress display draw.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await target.finishTable(pair.target);
  await checkpoints.update(pair.id, { done: true, rows });
  const seconds = (Date.now() - started) / 1000;
  options.onEvent({ type: 'table', table: pair.id, state: 'done', rows, total, rowsPerSecond: Math.round(seconds > 0 ? (rows - startRows) / seconds : 0) });
  return rows;
}
