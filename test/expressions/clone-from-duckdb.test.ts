import { afterAll, beforeAll, describe, it } from 'vitest';
import { tempDir } from '../support/scratch.js';
import { createDb, type TestDb } from './databases.js';
import { clonePair, sourceFacts, type SourceFacts } from './pair.js';
import { SOURCES } from './schemas.js';

// Server databases are created and dropped per case; on a busy shared server that alone can take minutes.

// One process at a time may open a DuckDB file, so the clones from it run one after another.
describe('clone from duckdb carries checks, defaults, generated columns, partial indexes and views, or lists them lost (real servers)', () => {
  const dir = tempDir();
  let src: TestDb;
  let facts: SourceFacts;
  beforeAll(async () => {
    src = await createDb('duckdb');
    await src.exec(SOURCES.duckdb);
    facts = await sourceFacts(src, 'duckdb');
  }, 300_000);
  afterAll(async () => {
    await src?.drop();
    dir.cleanup();
  }, 300_000);

  for (const target of (['postgres', 'mysql', 'sqlite', 'duckdb'] as const).filter((t) => t !== 'duckdb')) {
    it(`into ${target}`, () => clonePair(src, 'duckdb', target, facts, dir.path), 300_000);
  }
});
