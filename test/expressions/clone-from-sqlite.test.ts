import { afterAll, beforeAll, describe, it } from 'vitest';
import { tempDir } from '../support/scratch.js';
import { createDb, type TestDb } from './databases.js';
import { clonePair, sourceFacts, type SourceFacts } from './pair.js';
import { SOURCES } from './schemas.js';

// Server databases are created and dropped per case; on a busy shared server that alone can take minutes.

describe.concurrent('clone from sqlite carries checks, defaults, generated columns, partial indexes and views, or lists them lost (real servers)', () => {
  const dir = tempDir();
  let src: TestDb;
  let facts: SourceFacts;
  beforeAll(async () => {
    src = await createDb('sqlite');
    await src.exec(SOURCES.sqlite);
    facts = await sourceFacts(src, 'sqlite');
  }, 300_000);
  afterAll(async () => {
    await src?.drop();
    dir.cleanup();
  }, 300_000);

  for (const target of (['postgres', 'mysql', 'sqlite', 'duckdb'] as const).filter((t) => t !== 'sqlite')) {
    it(`into ${target}`, () => clonePair(src, 'sqlite', target, facts, dir.path), 300_000);
  }
});
