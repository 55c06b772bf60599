import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadAdapter } from '../../src/adapters/registry.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/** Connection.sampleRows on every engine (PostgreSQL and MariaDB are real test servers). */
describe.each<TestEngine>([sqliteEngine, postgresEngine, mysqlEngine])('sampleRows on $engine', (engine) => {
  const dir = tempDir();
  let db: ScratchDb;
  beforeAll(async () => {
    db = await engine.create();
    await db.exec(
      `CREATE TABLE people (id integer PRIMARY KEY, email varchar(100), "select" varchar(10));
      INSERT INTO people VALUES (1, 'a@b.co', 'x'), (2, 'c@d.co', NULL), (3, 'e@f.co', 'z');`.replaceAll('"', engine.engine === 'mysql' ? '`' : '"'),
    );
  });
  afterAll(async () => {
    await db.drop();
    dir.cleanup();
  });

  test('returns arrays of the named columns in the order asked, at most `limit` of them', async () => {
    const adapter = await loadAdapter(engine.engine);
    const connection = await adapter.connect({ name: 'scratch', url: db.url, cwd: dir.path });
    try {
      const schema = engine.engine === 'postgres' ? 'public' : undefined;
      const rows = (await connection.sampleRows?.({ schema, name: 'people', columns: ['select', 'email', 'id'] }, 2)) ?? [];
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toHaveLength(3);
        expect(row[1]).toMatch(/^[a-z]@[a-z]\.co$/);
        expect(Number(row[2])).toBeGreaterThan(0);
      }
      expect(await connection.sampleRows?.({ schema, name: 'people', columns: ['id'] }, 100)).toHaveLength(3);
    } finally {
      await connection.close();
    }
  });
});
