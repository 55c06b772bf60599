import { describe, it } from 'vitest';
import { BIG, bigTransaction } from './big-transaction.js';
import { pairName, TARGETS } from './pairs.js';

/** A MariaDB source commits one transaction of a million rows while a job streams it to each target (real servers); one file per source, so the suite spreads them. */
describe.concurrent(`a ${BIG}-row transaction from MariaDB, streamed to every target (real servers)`, () => {
  for (const t of TARGETS)
    it(pairName('mysql', t), async () => {
      const { commitS, applyS } = await bigTransaction('mysql', t);
      console.info(`${pairName('mysql', t)}: ${BIG} rows committed in ${commitS} s, on the target ${applyS} s later`);
    }, 1_500_000);
});
