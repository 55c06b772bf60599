import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdapter } from '../../src/adapters/mysql/index.js';
import type { RedbError } from '../../src/errors.js';
import { rehearse } from '../../src/ops/shadow.js';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { diffSchemas, type Plan, type Schema } from '../../src/unified/index.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

describe('shadow rehearsal against a real MariaDB server', () => {
  let live: ScratchDb;
  let wanted: ScratchDb;
  let from: Schema;
  let to: Schema;
  const target = () => ({ name: 'app', url: live.url, cwd: process.cwd() });

  beforeAll(async () => {
    live = await mysqlEngine.create();
    wanted = await mysqlEngine.create();
    await live.exec('CREATE TABLE t (id int NOT NULL PRIMARY KEY, a varchar(20))');
    await wanted.exec('CREATE TABLE t (id int NOT NULL PRIMARY KEY, a varchar(40), b int NOT NULL DEFAULT 0, CHECK (b >= 0))');
    from = await introspectUrl(mysqlEngine, live.url);
    to = await introspectUrl(mysqlEngine, wanted.url);
  });
  afterAll(async () => {
    await live.drop();
    await wanted.drop();
  });

  // Only this test's shadows: other test files may rehearse at the same time.
  const shadows = async () => {
    const prefix = shadowPrefix(new URL(live.url).pathname.slice(1));
    return mysqlRows<{ n: number }>(live, `SELECT count(*) AS n FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ${prefix.length}) = '${prefix}'`);
  };

  it('verifies a good plan on a scratch database and drops it afterwards', async () => {
    const before = await shadows();
    const plan = mysqlAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
    expect(await rehearse(mysqlAdapter, target(), from, plan, to)).toBe('verified');
    expect(await shadows()).toEqual(before);
  });

  it('catches a plan that does not produce the target, touching nothing', async () => {
    const good = mysqlAdapter.dialect.compile({ operations: diffSchemas(from, to), from, to });
    const bad: Plan = { ...good, steps: good.steps.map((s) => ({ ...s, statements: s.statements.map((sql) => sql.replace('varchar(40)', 'varchar(30)')) })) };
    const error = await rehearse(mysqlAdapter, target(), from, bad, to).catch((e: unknown) => e);
    expect((error as RedbError).code).toBe('REDB_SHADOW_MISMATCH');
    expect(await introspectUrl(mysqlEngine, live.url)).toEqual(from);
  });
});
