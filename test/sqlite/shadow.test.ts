import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteAdapter } from '../../src/adapters/sqlite/index.js';
import { introspectSqlite } from '../../src/adapters/sqlite/introspect.js';
import { RedbError } from '../../src/errors.js';
import { rehearse } from '../../src/ops/shadow.js';
import { diffSchemas, type Plan, type Schema } from '../../src/unified/index.js';

const schemaOf = (sql: string): Schema => {
  const db = new Sqlite(':memory:');
  db.exec(sql);
  const schema = introspectSqlite(db);
  db.close();
  return schema;
};
const target = { name: 'app', url: 'sqlite::memory:', cwd: process.cwd() };
const plan = (from: Schema, to: Schema): Plan => sqliteAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });

describe('the shadow rehearsal', () => {
  const live = schemaOf('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); CREATE INDEX t_a ON t (a)');
  const desired = schemaOf(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL DEFAULT 0); CREATE INDEX t_a ON t (a); CREATE VIEW v AS SELECT b FROM t',
  );

  it('verifies a plan that produces the target', async () => {
    expect(await rehearse(sqliteAdapter, target, live, plan(live, desired), desired)).toBe('verified');
  });

  it('catches a plan that leaves something out, naming what differs', async () => {
    const good = plan(live, desired);
    const bad: Plan = { ...good, steps: good.steps.filter((s) => !s.statements.some((sql) => sql.includes('CREATE VIEW'))) };
    const error = await rehearse(sqliteAdapter, target, live, bad, desired).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedbError);
    expect((error as RedbError).code).toBe('REDB_SHADOW_MISMATCH');
    expect((error as RedbError).data.differences).toEqual(['- view v']);
  });

  it('catches a plan that does something else than asked', async () => {
    const wrong: Plan = {
      engine: 'sqlite',
      transactional: true,
      steps: [{ summary: 'wrong', operations: [], statements: ['ALTER TABLE "t" ADD COLUMN "c" TEXT'], hazards: [] }],
    };
    const error = await rehearse(sqliteAdapter, target, live, wrong, desired).catch((e: unknown) => e);
    expect((error as RedbError).code).toBe('REDB_SHADOW_MISMATCH');
    expect((error as RedbError).message).toContain('nothing was changed');
  });
});
