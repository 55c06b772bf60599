import { describe, expect, it } from 'vitest';
import type { ChunkRecord } from '../../src/adapters/rows.js';
import { oldestMark, remainingChunks } from '../../src/replicate/page-copy.js';

describe('the pages a resumed copy still reads', () => {
  it('cuts a fresh table into chunks, the last one without an end (rows in pages added since are in it)', () => {
    expect(remainingChunks([], { pages: 25, pagesPerChunk: 10 })).toEqual([{ from: 0, to: 10 }, { from: 10, to: 20 }, { from: 20 }]);
    expect(remainingChunks([], { pages: 0, pagesPerChunk: 10 })).toEqual([{ from: 0 }]);
  });

  it('reads exactly the pages no committed chunk covers, in any order the records come', () => {
    const done = [
      { from: 20, to: 30 },
      { from: 0, to: 10 },
    ];
    expect(remainingChunks(done, { pages: 45, pagesPerChunk: 10 })).toEqual([{ from: 10, to: 20 }, { from: 30, to: 40 }, { from: 40 }]);
    // A chunk size that differs from the first run's still leaves no page out and reads none twice.
    expect(remainingChunks(done, { pages: 45, pagesPerChunk: 4 })).toEqual([
      { from: 10, to: 14 },
      { from: 14, to: 18 },
      { from: 18, to: 20 },
      { from: 30, to: 34 },
      { from: 34, to: 38 },
      { from: 38, to: 42 },
      { from: 42 },
    ]);
    // The last chunk, which had no end, was committed: nothing is left.
    expect(remainingChunks([{ from: 0, to: 10 }, { from: 10 }], { pages: 45, pagesPerChunk: 10 })).toEqual([]);
  });

  it("keeps the earliest snapshot's mark, and none when the table was rewritten between chunks", () => {
    const record = (mark: string): ChunkRecord => ({ job: 'j', table: 't', pages: { from: 0 }, rows: 1, mark });
    expect(oldestMark([record('16384:900'), record('16384:12345678901'), record('16384:899')])).toBe('16384:899');
    expect(oldestMark([record('16384:900'), record('16999:950')])).toBeUndefined();
    expect(oldestMark([])).toBeUndefined();
  });
});
