import { describe, expect, it } from 'vitest';
import { BIG, bigTransaction } from './big-transaction.js';
import { pairName, TARGETS } from './pairs.js';

/**
 * A PostgreSQL source commits one transaction of a million rows while a job streams it to each
 * target (real servers); one file per source, so the suite spreads them. Into PostgreSQL the
 * replicator's peak memory stays well under the 200 MB goal (it was 190 to 205 MiB when V8 let
 * its heap grow fourfold between full collections).
 */
const PEAK_MIB = 160;

describe.concurrent(`a ${BIG}-row transaction from PostgreSQL, streamed to every target (real servers)`, () => {
  for (const t of TARGETS)
    it(pairName('postgres', t), async () => {
      const { commitS, applyS, peakMiB } = await bigTransaction('postgres', t);
      console.info(`${pairName('postgres', t)}: ${BIG} rows committed in ${commitS} s, on the target ${applyS} s later, peak ${peakMiB?.toFixed(0)} MiB`);
      if (t === 'postgres' && peakMiB !== undefined) expect(peakMiB).toBeLessThan(PEAK_MIB);
    }, 1_500_000);
});
