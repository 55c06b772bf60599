import type { ChunkRecord, PageChunking, PageRange, ReadOptions, RowReader, RowTarget, TableName } from '../adapters/rows.js';
import type { Checkpoints } from './checkpoints.js';
import { type OnEvent, rowsProgress } from './events.js';
import { nameOf, type TablePair } from './pairing.js';

/**
 * A table copied in physical order, a range of pages at a time, as raw bulk bytes (same engine,
 * same types): like a plain `COPY` of the whole table, no index is walked, yet a killed copy goes on
 * where it stopped. Each chunk's rows and the record that it is done commit in one target
 * transaction, so a resume neither doubles nor loses a chunk; it reads the pages no record covers,
 * in a new snapshot.
 *
 * Pages are not keys: a row updated between the two snapshots may have moved from a page not yet
 * read into one already copied (lost), or the other way (doubled). So a resume goes on only when the
 * source says no row was written or moved in the table since the oldest recorded chunk's snapshot
 * (deletions aside: a deleted row is copied or gone, as with a key-range resume); otherwise that
 * table alone starts over, in the new snapshot. The promise is the one a key-range resume keeps:
 * every row of the target is a row of the source, once.
 */

/**
 * A replication job's initial copy (job.ts), which a stream from the hand-off's position follows.
 * Its chunks are recorded under `id` from the first run on. A run that resumes a copy a crash cut
 * short reads in a later snapshot than the hand-off's, so it may keep what earlier runs committed
 * where it can tell the rows apart: a table whose copy finished stays as it is (the stream from the
 * hand-off is exact for it); for a table begun by pages, with a key, the rows an earlier snapshot
 * copied and that changed or went since are deleted, the changed ones copied again, and the pages
 * no chunk covers read, all in the later snapshot, which the table then is exactly; any other
 * table starts over in it. The stream then skips, for those tables, the transactions that snapshot
 * saw (`later` records which).
 */
export interface CatchUp {
  /** Under which the target records the copy's chunks. */
  readonly id: string;
  /** A crash cut the copy short: this run reads in a later snapshot. */
  readonly resumed: boolean;
  /** Called (and awaited) before a table is first written in the later snapshot. */
  readonly later: (table: string) => Promise<void>;
  /** How a resumed run settled a table: kept as it was, continued (keeping `chunks` chunks, `rows` rows), or restarted. */
  readonly settled: (table: string, how: 'kept' | 'continued' | 'restarted', chunks: number, rows: number) => void;
}

export interface PageIo {
  readRaw(table: TableName, options: ReadOptions): Promise<import('node:stream').Readable>;
  writeRaw(table: TableName, columns: readonly string[], rows: import('node:stream').Readable, record?: Omit<ChunkRecord, 'rows'>): Promise<number>;
}

export interface PageCopyOptions {
  readonly chunking: PageChunking;
  /** The clone's id, under which the target records its chunks; absent when the clone cannot be resumed (nothing recorded). */
  readonly job: string | undefined;
  readonly where?: string | undefined;
  readonly batchRows: number;
  readonly checkpoints: Checkpoints;
  readonly catchUp?: CatchUp | undefined;
  readonly onEvent: OnEvent;
  readonly signal?: AbortSignal | undefined;
}

/** The pages no done chunk covers, cut in chunks of `chunking.pagesPerChunk`; the last chunk has no end. */
export function remainingChunks(done: readonly PageRange[], chunking: Pick<PageChunking, 'pages' | 'pagesPerChunk'>): PageRange[] {
  const gaps: PageRange[] = [];
  let at = 0;
  for (const d of [...done].sort((a, b) => a.from - b.from)) {
    if (d.from > at) gaps.push({ from: at, to: d.from });
    if (d.to === undefined) return split(gaps, chunking);
    at = Math.max(at, d.to);
  }
  gaps.push({ from: at });
  return split(gaps, chunking);
}

function split(gaps: readonly PageRange[], { pages, pagesPerChunk }: Pick<PageChunking, 'pages' | 'pagesPerChunk'>): PageRange[] {
  const out: PageRange[] = [];
  for (const gap of gaps) {
    let from = gap.from;
    const end = gap.to ?? Math.max(pages, from + pagesPerChunk);
    while (end - from > pagesPerChunk) {
      out.push({ from, to: from + pagesPerChunk });
      from += pagesPerChunk;
    }
    out.push(gap.to === undefined ? { from } : { from, to: end });
  }
  return out;
}

/** The mark of the earliest snapshot among the records (`filenode:xmin`); undefined when they name different files (rewritten between). */
export function oldestMark(records: readonly ChunkRecord[]): string | undefined {
  const parsed = records.map((r) => {
    const [node, xmin] = r.mark.split(':');
    return { node, xmin: BigInt(xmin ?? '0') };
  });
  const first = parsed[0];
  if (first === undefined || parsed.some((p) => p.node !== first.node)) return undefined;
  // Bigints: Math.min does not take them.
  const min = parsed.map((p) => p.xmin).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] as bigint;
  return `${first.node}:${min}`;
}

/** Copy the table by pages (see above); resolves to the rows it holds in the target. */
export async function copyPages(pair: TablePair, reader: RowReader, target: RowTarget, io: PageIo, options: PageCopyOptions): Promise<number> {
  const { checkpoints, job, chunking } = options;
  const from = nameOf(pair.source);
  const to = nameOf(pair.target);
  const state = checkpoints.table(pair.id);
  // Asked even when nothing can be recorded yet: the place for the records is made here.
  const recorded = job !== undefined ? await target.chunksDone?.(job, pair.id) : undefined;
  // Without records a resume starts the table over: its pages cannot be told apart.
  const record = recorded !== undefined;
  let done: ChunkRecord[] = recorded ?? [];
  /** Rows a resumed replication copy wrote again, or deleted, besides its kept chunks'. */
  let again = 0;
  if (options.catchUp !== undefined) {
    const settled = await settleCatchUp(pair, reader, target, io, options, options.catchUp, done);
    if (settled.finished) return settled.rows;
    done = settled.done;
    again = settled.again;
  } else if (state === undefined && done.length > 0) {
    // Left by an abandoned run under the same id, of a table emptied since.
    await target.forgetChunks?.(job as string, pair.id);
    done = [];
  }
  if (state !== undefined) {
    // Started by an earlier run: what it committed stands if no row can have moved since.
    const mark = oldestMark(done);
    const keep = done.length > 0 && mark !== undefined && reader.changedSince !== undefined && !(await reader.changedSince(from, mark));
    if (!keep) {
      await target.truncate([to]);
      if (done.length > 0) await target.forgetChunks?.(job as string, pair.id);
      done = [];
    }
  }
  let rows = done.reduce((sum, d) => sum + d.rows, 0) + again;
  const total = (options.where === undefined ? await reader.estimate?.(from) : undefined) ?? (await reader.count(from, options.where));
  const started = Date.now();
  const startRows = rows;
  options.onEvent({ type: 'table', table: pair.id, state: 'start', rows, total, rowsPerSecond: 0 });
  // Recorded before the first chunk is written: a resume must know the table was begun, and how.
  if (state === undefined) await checkpoints.update(pair.id, { done: false, rows: 0, pages: true });
  const columns = pair.columns.map((c) => c.source.name);
  const targetColumns = pair.columns.map((c) => c.target.name);
  for (const pages of remainingChunks(
    done.map((d) => d.pages),
    chunking,
  )) {
    if (options.signal?.aborted) throw new Error('cancelled');
    const stream = await io.readRaw(from, { columns, where: options.where, batchRows: options.batchRows, pages });
    rows += await io.writeRaw(to, targetColumns, stream, record ? { job: job as string, table: pair.id, pages, mark: chunking.mark } : undefined);
    options.onEvent(rowsProgress(pair.id, rows, startRows, total, started));
  }
  await target.finishTable(pair.target);
  await checkpoints.update(pair.id, { done: true, rows });
  const seconds = (Date.now() - started) / 1000;
  options.onEvent({ type: 'table', table: pair.id, state: 'done', rows, total, rowsPerSecond: Math.round(seconds > 0 ? (rows - startRows) / seconds : 0) });
  return rows;
}

/** A replication copy's table before its chunks: what stays of earlier runs (CatchUp). */
async function settleCatchUp(
  pair: TablePair,
  reader: RowReader,
  target: RowTarget,
  io: PageIo,
  options: PageCopyOptions,
  catchUp: CatchUp,
  recorded: ChunkRecord[],
): Promise<{ finished: true; rows: number } | { finished: false; done: ChunkRecord[]; again: number }> {
  const from = nameOf(pair.source);
  const to = nameOf(pair.target);
  if (!catchUp.resumed) {
    // A first run finds no chunk of its own: any under its id are an abandoned copy's.
    if (recorded.length > 0) await target.forgetChunks?.(catchUp.id, pair.id);
    return { finished: false, done: [], again: 0 };
  }
  const kept = recorded.reduce((sum, d) => sum + d.rows, 0);
  if (
    recorded.length > 0 &&
    remainingChunks(
      recorded.map((d) => d.pages),
      options.chunking,
    ).length === 0
  ) {
    catchUp.settled(pair.id, 'kept', recorded.length, kept);
    await options.checkpoints.update(pair.id, { done: true, rows: kept, pages: true });
    options.onEvent({ type: 'table', table: pair.id, state: 'done', rows: kept, total: kept, rowsPerSecond: 0 });
    return { finished: true, rows: kept };
  }
  await catchUp.later(pair.id);
  const mark = oldestMark(recorded);
  const key = pair.key?.map((i) => pair.columns[i]?.source.name as string);
  const targetKey = pair.key?.map((i) => pair.columns[i]?.target.name as string);
  const sameFile = mark !== undefined && mark.split(':')[0] === options.chunking.mark.split(':')[0];
  if (
    recorded.length === 0 ||
    !sameFile ||
    key === undefined ||
    targetKey === undefined ||
    reader.markCondition === undefined ||
    target.keepOnly === undefined
  ) {
    // No rows to keep, a table rewritten since (VACUUM FULL, TRUNCATE), or no key to tell its rows apart by: it starts over.
    await target.truncate([to]);
    if (recorded.length > 0) await target.forgetChunks?.(catchUp.id, pair.id);
    catchUp.settled(pair.id, 'restarted', 0, 0);
    return { finished: false, done: [], again: 0 };
  }
  const and = (condition: string) => (options.where === undefined ? condition : `(${options.where}) AND ${condition}`);
  // Rows written before the oldest chunk's snapshot and still there are what the target holds of
  // them (once: no other row had their key meanwhile); every other row it holds is gone or changed.
  const unchanged = and(reader.markCondition(mark, false));
  const gone = await target.keepOnly(to, targetKey, async (keys) =>
    io.writeRaw(keys, targetKey, await io.readRaw(from, { columns: key, where: unchanged, batchRows: options.batchRows })),
  );
  // The changed ones in the kept pages, as they are now (those in pages no chunk covers come with them).
  const columns = pair.columns.map((c) => c.source.name);
  const targetColumns = pair.columns.map((c) => c.target.name);
  const changed = and(reader.markCondition(mark, true));
  let again = 0;
  for (const d of recorded) {
    options.signal?.throwIfAborted();
    again += await io.writeRaw(to, targetColumns, await io.readRaw(from, { columns, where: changed, batchRows: options.batchRows, pages: d.pages }));
  }
  catchUp.settled(pair.id, 'continued', recorded.length, kept);
  return { finished: false, done: recorded, again: again - gone };
}
