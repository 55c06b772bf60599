import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { translateSchema, normalizeSchema } from '../../src/unified/index.js';
import { envUrl, redbPw } from './helpers.js';
import { factsOf } from '../../src/adapters/registry.js';

describe("a MariaDB table's engine and charset are notes, not losses", () => {
  it('storage options are notes; row-level security and a column collation stay losses', () => {
    const columns = [{ name: 'id', type: { kind: 'integer', native: 'int(11)', bits: 32 }, nullable: false }];
    const maria = normalizeSchema({
      version: 1,
      engine: 'mysql',
      tables: [{ name: 't', columns, options: { engine: 'InnoDB', charset: 'utf8mb4', collation: 'utf8mb4_general_ci' } }],
    } as never);
    const out = translateSchema(maria, factsOf('postgres'));
    expect(out.losses).toEqual([]);
    expect(out.notes).toEqual([
      {
        object: 'table t',
        from: 'engine InnoDB, charset utf8mb4, collation utf8mb4_general_ci',
        to: "(postgres's own)",
        reason: 'storage options are specific to mysql; every value arrives',
      },
    ]);
    const cased = normalizeSchema({
      version: 1,
      engine: 'mysql',
      tables: [{ name: 't', columns: [{ ...columns[0], collation: 'utf8mb4_bin' }], options: { engine: 'InnoDB' } }],
    } as never);
    expect(translateSchema(cased, factsOf('sqlite')).losses.map((l) => l.from)).toEqual(['collation utf8mb4_bin']);
    const rls = normalizeSchema({
      version: 1,
      engine: 'postgres',
      tables: [
        {
          schema: 'public',
          name: 't',
          columns: [{ name: 'id', type: { kind: 'integer', native: 'integer', bits: 32 }, nullable: false }],
          options: { rowLevelSecurity: true, with: 'fillfactor=70' },
        },
      ],
    } as never);
    const fromPg = translateSchema(rls, factsOf('mysql'));
    expect(fromPg.losses.map((l) => l.from)).toEqual(['{"rowLevelSecurity":true}']);
    expect(fromPg.notes.map((l) => l.from)).toEqual(['with fillfactor=70']);
  });
});

describe('a plain MariaDB database clones without --allow lossy (real MariaDB server)', () => {
  let source: ScratchDb;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    source = await mysqlEngine.create();
    await source.exec(
      "CREATE TABLE artist (id INT PRIMARY KEY, name VARCHAR(120) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; INSERT INTO artist VALUES (1, 'Ådne'), (2, 'Björk')",
    );
    dir = tempDir();
  });
  afterAll(async () => {
    dir.cleanup();
    await source.drop();
  });

  it.each(['sqlite:copy.db', 'duckdb:copy.duckdb'])('into %s: copied and verified, the storage options reported as notes', (target) => {
    const r = redbPw(dir.path, ['clone', envUrl(source.url), target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: table artist: engine InnoDB, charset utf8mb4, collation utf8mb4\S* → \(\w+'s own\)/);
    expect(r.stderr).not.toContain('lossy');
    expect(redb(dir.path, ['verify', envUrl(source.url), target], { REDB_TEST_PW: 'redb' }).code).toBe(0);
  });
});
