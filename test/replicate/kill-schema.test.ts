import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type TestEngine } from '../support/scratch.js';
import { exec, killReplicators, side, sleep, type Side } from './helpers.js';
import { killLoop, seedLedger, transfers } from './load.js';

/**
 * The kill -9 loop across schema changes: while a writer commits transfers on the source and
 * `redb replicate` is killed at random moments, the source's schema changes three times (a column
 * added, a column retyped, a new table), and each change's own writes follow it (the new column
 * set, values only the new type holds, rows in the new table). A kill can land between a change
 * and the rows after it; the last run must still end with the target's counts and sums the
 * source's, and `redb verify` equal.
 */

const LOOP_MS = Number(process.env.REDB_TEST_LOOP_MS ?? 36_000);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** The three changes in the source's SQL. SQLite retypes by rebuilding the table, as its users do. */
const changes = (s: Side): readonly string[] =>
  s.engine === 'sqlite'
    ? [
        'ALTER TABLE items ADD COLUMN color VARCHAR(20)',
        `BEGIN IMMEDIATE;
         CREATE TABLE items_new (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty BIGINT NOT NULL, price DECIMAL(10,2), note TEXT, color VARCHAR(20));
         INSERT INTO items_new SELECT id, name, qty, price, note, color FROM items;
         DROP TABLE items;
         ALTER TABLE items_new RENAME TO items;
         COMMIT;`,
        'CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(100))',
      ]
    : [
        'ALTER TABLE items ADD COLUMN color VARCHAR(20)',
        'ALTER TABLE items MODIFY qty BIGINT NOT NULL',
        'CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(100))',
      ];

async function schemaUnderKills(from: TestEngine, to: TestEngine): Promise<void> {
  const source = side(from.engine, await from.create());
  const target = side(to.engine, await to.create());
  const project = tempDir('redb-replicate-kill-schema-');
  cleanups.push(async () => {
    await source.db.drop();
    await target.db.drop();
    project.cleanup();
  });
  expect(redb(project.path, ['init']).code).toBe(0);
  await seedLedger(source);

  let phase = 0;
  const load = async (stop: { now: boolean }) => {
    const writing = transfers(source, stop, async (run, n) => {
      const a = 1 + (n % 200);
      if (phase >= 1) await run('UPDATE items SET color = ? WHERE id = ?', [`c${n % 7}`, a]);
      // Four billion moved there and back between two accounts: the total holds, the values need BIGINT.
      if (phase >= 2 && n % 3 === 0) {
        await run('UPDATE items SET qty = qty + 4000000000 WHERE id = ?', [a]);
        await run('UPDATE items SET qty = qty - 4000000000 WHERE id = ?', [1 + ((a + 100) % 200)]);
      }
      if (phase >= 3) await run('INSERT INTO tags (id, label) VALUES (?, ?)', [n, `tag ${n}`]);
    });
    // Each change at its own moment of the loop, the writer going on around it.
    for (const [i, ddl] of changes(source).entries()) {
      await sleep(LOOP_MS / 4);
      if (stop.now) break;
      await exec(source, ddl);
      phase = i + 1;
    }
    return writing;
  };
  await killLoop(LOOP_MS, project.path, source, target, load, ['items', 'ledger', 'tags']);
  expect(phase).toBe(3);
}

describe.concurrent('redb replicate under kill -9 through schema changes (real servers)', () => {
  // Killed between an ALTER and the rows after it, the job names those rows by the shapes stored with its position.
  it('MariaDB → PostgreSQL: column added, retyped, new table', () => schemaUnderKills(mysqlEngine, postgresEngine), 300_000);
  it('SQLite → MariaDB: column added, retyped, new table', () => schemaUnderKills(sqliteEngine, mysqlEngine), 300_000);
});
