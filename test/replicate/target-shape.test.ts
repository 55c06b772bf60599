import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import type { Engine } from '../../src/unified/index.js';
import { dropPgCapture, exec, killReplicators, Replicator, rows, side, until, type Side, replicationSetup } from './helpers.js';

/**
 * A target that has the job's tables already, shaped otherwise than the source's (a column the
 * source lacks, a column it lacks, a column of another type): `redb replicate` shows the plan that
 * brings them to the source's shape and changes nothing without `--yes` (and `--allow drops-data`
 * for the dropped column); with them it applies the plan, copies, streams, and ends equal.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const SOURCE = `CREATE TABLE a_extra (id INTEGER PRIMARY KEY, v VARCHAR(20));
CREATE TABLE b_missing (id INTEGER PRIMARY KEY, v VARCHAR(20), note VARCHAR(50));
CREATE TABLE c_retyped (id INTEGER PRIMARY KEY, qty BIGINT NOT NULL);
INSERT INTO a_extra VALUES (1, 'one'), (2, 'two');
INSERT INTO b_missing VALUES (1, 'one', 'n1'), (2, NULL, NULL);
INSERT INTO c_retyped VALUES (1, 5000000000), (2, 7);`;

const TARGET = `CREATE TABLE a_extra (id INTEGER PRIMARY KEY, v VARCHAR(20), legacy VARCHAR(10));
CREATE TABLE b_missing (id INTEGER PRIMARY KEY, v VARCHAR(20));
CREATE TABLE c_retyped (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL);`;

/** The target's columns and types, as its catalog has them: what must not move while refused. */
async function shape(s: Side): Promise<string> {
  const where = s.engine === 'postgres' ? "table_schema = 'public'" : 'table_schema = database()';
  const cols = await rows(
    s,
    `SELECT table_name AS t, column_name AS c, data_type AS d FROM information_schema.columns WHERE ${where} AND table_name IN ('a_extra', 'b_missing', 'c_retyped') ORDER BY table_name, column_name`,
  );
  return cols.map((r) => `${String(r.t ?? r.T ?? r.TABLE_NAME)}.${String(r.c ?? r.C ?? r.COLUMN_NAME)}:${String(r.d ?? r.D ?? r.DATA_TYPE)}`).join(' ');
}

const cases: readonly { readonly name: string; readonly engine: Engine }[] = [
  { name: 'PostgreSQL → PostgreSQL', engine: 'postgres' },
  { name: 'MariaDB → MariaDB', engine: 'mysql' },
];

describe.concurrent('redb replicate into a target shaped otherwise (real servers)', () => {
  for (const c of cases) {
    it(`${c.name}: shows the plan, changes nothing without --yes, applies it with --yes and ends equal`, async () => {
      const engine = c.engine === 'postgres' ? postgresEngine : mysqlEngine;
      const source = side(c.engine, await engine.create());
      const target = side(c.engine, await engine.create());
      const project = tempDir('redb-replicate-shape-');
      cleanups.push(async () => {
        if (c.engine === 'postgres') await dropPgCapture(source.db);
        await source.db.drop();
        await target.db.drop();
        project.cleanup();
      });
      expect(redb(project.path, ['init']).code).toBe(0);
      await exec(source, SOURCE);
      await exec(target, TARGET);
      const before = await shape(target);
      const job = `s_${randomBytes(4).toString('hex')}`;
      const args = ['replicate', source.url, target.url, '--name', job];

      // No terminal, no --yes: the plan is shown, a coded error names --yes, and the target is as it was.
      const refused = redb(project.path, [...args, '--allow', 'drops-data'], { ...PASSWORD_ENV, CI: 'true' });
      expect(refused.code, refused.stderr).toBe(1);
      expect(errorCode(refused)).toBe('REDB_REPLICATE_TARGET_DIFFERS');
      expect(refused.stderr).toContain('--yes');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      for (const t of ['a_extra', 'b_missing', 'c_retyped']) expect(refused.stderr).toContain(t);
      expect(refused.stderr).toMatch(/DROP COLUMN\s+\S*legacy/i);
      expect(refused.stderr).toMatch(/ADD (COLUMN\s+)?\S*note/i);
      expect(await shape(target)).toBe(before);
      expect(await rows(target, 'SELECT id FROM a_extra')).toEqual([]);

      // --yes alone does not allow the dropped column's values to go: --allow drops-data is named.
      const blocked = redb(project.path, [...args, '--yes', '--json'], PASSWORD_ENV);
      expect(blocked.code, blocked.stderr).toBe(1);
      expect(errorCode(blocked)).toBe('REDB_REPLICATE_TARGET_DIFFERS');
      expect(blocked.stderr).toContain('--allow drops-data');
      const plan = blocked.stdout
        .split('\n')
        .filter((l) => l.startsWith('{"type"'))
        .map((l) => JSON.parse(l) as { type: string; blocked?: string[]; statements?: string[] })
        .find((e) => e.type === 'plan');
      expect(plan?.blocked).toEqual(['drops-data']);
      expect(plan?.statements?.length).toBeGreaterThanOrEqual(3);
      expect(await shape(target)).toBe(before);

      // With both, the plan runs, the rows are copied, and changes stream.
      const running = new Replicator(project.path, [source.url, target.url, '--name', job, '--allow', 'drops-data', '--yes', '--heartbeat-ms', '500']);
      await running.until('streaming');
      await exec(source, `INSERT INTO b_missing VALUES (3, 'three', 'n3');\nUPDATE c_retyped SET qty = 6000000000 WHERE id = 2;`);
      await until(async () => (await rows(target, 'SELECT count(*) AS n FROM b_missing'))[0]?.n?.toString() === '3', 'the change to arrive');
      await until(async () => String((await rows(target, 'SELECT qty FROM c_retyped WHERE id = 2'))[0]?.qty) === '6000000000', 'the update to arrive');
      expect(await running.stop('SIGTERM')).toBe(143);
      expect(await shape(target)).not.toBe(before);
      expect(await shape(target)).not.toContain('legacy');
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
    }, 180_000);
  }

  it('PostgreSQL → MariaDB: a target already in the source shape (made by clone --schema-only) shows no plan', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, mysqlEngine, 'redb-replicate-shape-', cleanups);
    await exec(source, SOURCE);
    const cloned = redb(project.path, ['clone', source.url, target.url, '--schema-only', '--yes'], PASSWORD_ENV);
    expect(cloned.code, cloned.stderr).toBe(0);
    const job = `s_${randomBytes(4).toString('hex')}`;
    const running = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
    await running.until('streaming');
    expect(running.events.some((e) => e.type === 'plan')).toBe(false);
    expect(await running.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
  }, 180_000);
});
