import { describe, it } from 'vitest';
import { BIG, bigTransaction } from './big-transaction.js';
import { pairName, TARGETS } from './pairs.js';

/** A PostgreSQL source commits one transaction of a million rows while a job streams it to each target (real servers); one file per source, so the suite spreads them. */
describe.concurrent(`a ${BIG}-row transaction from PostgreSQL, streamed to every target (real servers)`, () => {
  for (const t of TARGETS)
    it(pairName('postgres', t), async () => {
      const { commitS, applyS } = await bigTransaction('postgres', t);
      console.info(`${pairName('postgres', t)}: ${BIG} rows committed in ${commitS} s, on the target ${applyS} s later`);
    }, 1_500_000);
});
