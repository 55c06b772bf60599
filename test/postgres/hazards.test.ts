import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/adapters/postgres/index.js';
import { changesBetween } from '../../src/ops/changes.js';
import { planHazards, type HazardName, type Rename, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

const BASE = `CREATE TABLE t (id int PRIMARY KEY, name varchar(28), qty int, note text);
  CREATE TABLE u (id int PRIMARY KEY, t_id int)`;

/** Each hazard named by a real plan: the change is made for real on a copy of the base, then planned. */
const CASES: { name: string; change: string; renames?: Rename[]; present: HazardName[]; absent: HazardName[] }[] = [
  {
    name: 'widening varchar(28) to varchar(30) is safe',
    change: 'ALTER TABLE t ALTER name TYPE varchar(30)',
    present: [],
    absent: ['drops-data', 'data-dependent', 'rewrites-table'],
  },
  { name: 'narrowing a column depends on the data', change: 'ALTER TABLE t ALTER name TYPE varchar(20)', present: ['data-dependent'], absent: ['drops-data'] },
  {
    name: 'dropping a column drops data and breaks old readers',
    change: 'ALTER TABLE t DROP COLUMN note',
    present: ['drops-data', 'breaks-compatibility'],
    absent: [],
  },
  { name: 'dropping a table drops data', change: 'DROP TABLE u', present: ['drops-data', 'breaks-compatibility'], absent: [] },
  {
    name: 'a NOT NULL column without a default depends on the data',
    change: 'ALTER TABLE t ADD COLUMN code text NOT NULL',
    present: ['data-dependent'],
    absent: ['drops-data'],
  },
  {
    name: 'a nullable column with no default is safe',
    change: 'ALTER TABLE t ADD COLUMN code text',
    present: [],
    absent: ['data-dependent', 'drops-data', 'rewrites-table'],
  },
  { name: 'SET NOT NULL depends on the data', change: 'ALTER TABLE t ALTER qty SET NOT NULL', present: ['data-dependent'], absent: [] },
  {
    name: 'a new unique constraint depends on the data',
    change: 'ALTER TABLE t ADD CONSTRAINT t_name_key UNIQUE (name)',
    present: ['data-dependent'],
    absent: [],
  },
  { name: 'a new check depends on the data', change: 'ALTER TABLE t ADD CONSTRAINT qty_pos CHECK (qty > 0)', present: ['data-dependent'], absent: [] },
  {
    name: 'a new foreign key depends on the data',
    change: 'ALTER TABLE u ADD CONSTRAINT u_t FOREIGN KEY (t_id) REFERENCES t (id)',
    present: ['data-dependent'],
    absent: [],
  },
  {
    name: 'int to bigint rewrites the table but loses nothing',
    change: 'ALTER TABLE t ALTER qty TYPE bigint',
    present: ['rewrites-table'],
    absent: ['drops-data', 'data-dependent'],
  },
  { name: 'a new index takes a blocking lock', change: 'CREATE INDEX t_qty ON t (qty)', present: ['blocking-lock'], absent: ['drops-data'] },
  {
    name: 'a recorded rename breaks old application versions, and drops nothing',
    change: 'ALTER TABLE u RENAME TO v',
    renames: [{ kind: 'table', schema: 'public', from: 'u', to: 'v' }],
    present: ['breaks-compatibility'],
    absent: ['drops-data'],
  },
  { name: 'the same rename unrecorded drops data', change: 'ALTER TABLE u RENAME TO v', present: ['drops-data'], absent: [] },
];

describe('hazards of real PostgreSQL plans', () => {
  let base: Schema;
  let db: ScratchDb;
  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(BASE);
    base = await introspectUrl(postgresEngine, db.url);
  });
  afterAll(async () => db.drop());

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const changed = await postgresEngine.create();
    try {
      await changed.exec(`${BASE}; ${c.change}`);
      const to = await introspectUrl(postgresEngine, changed.url);
      const { operations, from } = changesBetween(base, to, c.renames ?? []);
      const names = new Set(planHazards(postgresAdapter.dialect.compile({ operations, from, to })).map((h) => h.name));
      for (const h of c.present) expect(names, `${h} expected`).toContain(h);
      for (const h of c.absent) expect(names, `${h} not expected`).not.toContain(h);
      if (c.present.length === 0) expect(operations.length).toBeGreaterThan(0);
    } finally {
      await changed.drop();
    }
  });
});
