import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/adapters/postgres/index.js';
import type { RedbError } from '../../src/errors.js';
import { rehearse } from '../../src/ops/shadow.js';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { diffSchemas, type Plan, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

describe('shadow rehearsal against a real PostgreSQL server', () => {
  let live: ScratchDb;
  let wanted: ScratchDb;
  let from: Schema;
  let to: Schema;
  const target = () => ({ name: 'app', url: live.url, cwd: process.cwd() });
  // Only this test's shadows: other test files may rehearse at the same time.
  const shadows = async () =>
    pgQuery<{ n: string }>(
      live.url,
      `SELECT count(*) AS n FROM pg_database WHERE starts_with(datname, '${shadowPrefix(new URL(live.url).pathname.slice(1))}')`,
    );

  beforeAll(async () => {
    live = await postgresEngine.create();
    wanted = await postgresEngine.create();
    await live.exec('CREATE TABLE t (id int PRIMARY KEY, price numeric(10,2))');
    // The check as a person writes it; PostgreSQL stores it as ((price > (0)::numeric)).
    await wanted.exec('CREATE TABLE t (id int PRIMARY KEY, price numeric(10,2) CHECK (price > 0), note text)');
    from = await introspectUrl(postgresEngine, live.url);
    to = await introspectUrl(postgresEngine, wanted.url);
  });
  afterAll(async () => {
    await live.drop();
    await wanted.drop();
  });

  it('verifies a good plan on a scratch database and drops it afterwards', async () => {
    const before = await shadows();
    const plan = postgresAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
    expect(await rehearse(postgresAdapter, target(), from, plan, to)).toBe('verified');
    expect(await shadows()).toEqual(before);
  });

  it('compares with the target as the engine spells it, so a hand-written check is no mismatch', async () => {
    const handWritten: Schema = { ...to, tables: to.tables.map((t) => ({ ...t, checks: t.checks.map((c) => ({ ...c, expression: 'price > 0' })) })) };
    const plan = postgresAdapter.dialect.compile({ operations: diffSchemas(from, handWritten), from, to: handWritten });
    expect(await rehearse(postgresAdapter, target(), from, plan, handWritten)).toBe('verified');
  });

  it('catches a plan that does not produce the target, touching nothing', async () => {
    const good = postgresAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
    const bad: Plan = { ...good, steps: good.steps.filter((s) => !s.statements.some((sql) => sql.includes('"note"'))) };
    const error = await rehearse(postgresAdapter, target(), from, bad, to).catch((e: unknown) => e);
    expect((error as RedbError).code).toBe('REDB_SHADOW_MISMATCH');
    expect((error as RedbError).data.differences).toEqual(['- column public.t.note text']);
    expect(await introspectUrl(postgresEngine, live.url)).toEqual(from);
  });
});
