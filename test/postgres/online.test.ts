import { describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/adapters/postgres/index.js';
import { isRedbError } from '../../src/errors.js';
import { canonicalText, diffSchemas, planHazards, planStatements, type Plan, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

const FROM = `CREATE TABLE p (id int PRIMARY KEY);
  CREATE TABLE t (id int PRIMARY KEY, p_id int, v int, code text);
  CREATE INDEX t_old ON t (code);
  INSERT INTO p SELECT g FROM generate_series(1, 200) g;
  INSERT INTO t SELECT g, g, g, 'c' || (g % 5) FROM generate_series(1, 200) g`;

const TO = `CREATE TABLE p (id int PRIMARY KEY);
  CREATE TABLE t (id int PRIMARY KEY, p_id int CONSTRAINT t_p REFERENCES p (id), v int CONSTRAINT t_v CHECK (v > 0), code text);
  CREATE INDEX t_v_idx ON t (v) WHERE v > 10;
  CREATE INDEX t_code_v ON t (code, v);
  COMMENT ON INDEX t_code_v IS 'by code'`;

/** The live schema of `db`, the schema `sql` makes elsewhere, and the online plan between them. */
async function onlinePlan(db: ScratchDb, sql: string): Promise<{ plan: Plan; target: Schema }> {
  const reference = await postgresEngine.create();
  try {
    await reference.exec(sql);
    const target = await introspectUrl(postgresEngine, reference.url);
    const live = await introspectUrl(postgresEngine, db.url);
    const plan = postgresAdapter.dialect.compile({ operations: diffSchemas(live, target), from: live, to: target, online: true });
    return { plan, target };
  } finally {
    await reference.drop();
  }
}

async function apply(db: ScratchDb, plan: Plan): Promise<Schema> {
  const connection = await postgresAdapter.connect({ name: 'test', url: db.url, cwd: process.cwd() });
  try {
    await connection.apply(plan);
    return await connection.introspect();
  } finally {
    await connection.close();
  }
}

describe('postgres: online migrations', () => {
  it('builds indexes concurrently and validates constraints after adding them NOT VALID, on a table with rows', async () => {
    const db = await postgresEngine.create();
    try {
      await db.exec(FROM);
      const { plan, target } = await onlinePlan(db, TO);
      const sql = planStatements(plan);
      expect(sql[0]).toBe("SET lock_timeout = '5s'");
      expect(sql).toContain('DROP INDEX CONCURRENTLY "public"."t_old"');
      expect(sql.some((s) => /^CREATE INDEX CONCURRENTLY "t_v_idx" ON "public"\."t" /.test(s))).toBe(true);
      expect(sql.some((s) => /^CREATE INDEX CONCURRENTLY "t_code_v" /.test(s))).toBe(true);
      expect(sql.some((s) => /ADD CONSTRAINT "t_p" FOREIGN KEY .* NOT VALID$/.test(s))).toBe(true);
      expect(sql.some((s) => /ADD CONSTRAINT "t_v" CHECK .* NOT VALID$/.test(s))).toBe(true);
      expect(sql.slice(-2).sort()).toEqual(['ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_p"', 'ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_v"']);
      // The validations and builds come after the transaction; the concurrent drop before it.
      expect(plan.steps.filter((s) => s.outsideTransaction === 'after').flatMap((s) => s.statements)).toHaveLength(5);
      expect(plan.transactional).toBe(false);
      expect(planHazards(plan).map((h) => h.name)).not.toContain('blocking-lock');

      const after = await apply(db, plan);
      expect(canonicalText(after)).toBe(canonicalText(target));
      expect(await pgQuery<{ n: string }>(db.url, 'SELECT count(*) AS n FROM t')).toEqual([{ n: '200' }]);
    } finally {
      await db.drop();
    }
  });

  it('without --online, the same change is one transaction with plain statements', async () => {
    const db = await postgresEngine.create();
    try {
      await db.exec(FROM);
      const reference = await postgresEngine.create();
      try {
        await reference.exec(TO);
        const [live, target] = await Promise.all([introspectUrl(postgresEngine, db.url), introspectUrl(postgresEngine, reference.url)]);
        const plan = postgresAdapter.dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
        const sql = planStatements(plan).join('\n');
        expect(sql).not.toMatch(/CONCURRENTLY|NOT VALID|VALIDATE|lock_timeout/);
        expect(plan.transactional).toBe(true);
      } finally {
        await reference.drop();
      }
    } finally {
      await db.drop();
    }
  });

  it('a concurrent unique build that fails on duplicates reports the error and leaves no INVALID index', async () => {
    const db = await postgresEngine.create();
    try {
      await db.exec(FROM);
      const { plan } = await onlinePlan(db, `${TO}; CREATE UNIQUE INDEX t_code_unique ON t (code)`);
      expect(planStatements(plan)).toContain('CREATE UNIQUE INDEX CONCURRENTLY "t_code_unique" ON "public"."t" ("code")');
      const error = await apply(db, plan).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isRedbError(error) && error.code).toBe('REDB_MIGRATE_FAILED');
      expect(isRedbError(error) && error.message).toMatch(/t_code_unique.*could not create unique index/);
      // What committed before the failed build stays, and says so.
      expect(isRedbError(error) && error.message).toMatch(/earlier statements ran and stay applied/);
      const leftovers = await pgQuery<{ relname: string }>(
        db.url,
        `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid OR c.relname = 't_code_unique'`,
      );
      expect(leftovers).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
