import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redb, redbOk, type CliResult } from '../support/cli.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { dropPgCapture, exec, side, until } from '../replicate/helpers.js';
import { kill, markedPids, type StatusView } from './support.js';

/**
 * A real daemon job whose target already has the job's table, shaped otherwise than the source's.
 * Nobody can be asked in the daemon, so without the user's `--yes` the job stops before changing
 * anything and says why (`daemon status`, the job's last exit); handed over again with `--yes`, the
 * plan is applied and the rows flow.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

interface LiveJob {
  name: string;
  lastExit: { reason: string } | null;
}

const columns = async (url: string): Promise<string> =>
  (
    await pgQuery<{ c: string; t: string }>(
      url,
      "SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'items' ORDER BY column_name",
    )
  )
    .map((r) => `${r.c}:${r.t}`)
    .join(' ');

describe('a daemon job into a target shaped otherwise', () => {
  it('changes nothing without --yes and says why; with --yes applies the plan and streams', async () => {
    const source = side('postgres', await postgresEngine.create());
    const target = side('postgres', await postgresEngine.create());
    const dir = tempDir('redb-daemon-plan-');
    const gitdir = join(dir.path, '.redb');
    const run = (args: readonly string[]): CliResult => redb(dir.path, args, { ...PASSWORD_ENV, CI: 'true' });
    const ok = (args: readonly string[]): CliResult => redbOk(dir.path, args, { ...PASSWORD_ENV, CI: 'true' });
    cleanups.push(async () => {
      run(['daemon', 'stop']);
      for (const pid of markedPids(gitdir)) kill(pid, 'SIGKILL');
      await dropPgCapture(source.db);
      await source.db.drop();
      await target.db.drop();
      dir.cleanup();
    });
    ok(['init']);
    await exec(
      source,
      "CREATE TABLE items (id INTEGER PRIMARY KEY, v VARCHAR(20), qty BIGINT NOT NULL); INSERT INTO items VALUES (1, 'one', 5000000000), (2, NULL, 7);",
    );
    await exec(target, 'CREATE TABLE items (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL);');
    const before = await columns(target.db.url);
    const job = `plan_${randomBytes(3).toString('hex')}`;
    const jobOf = (): LiveJob | undefined =>
      (JSON.parse(ok(['daemon', 'status', '--json']).stdout) as StatusView).jobs.find((j) => j.name === job) as LiveJob | undefined;

    ok(['replicate', source.url, target.url, '--name', job, '--daemon']);
    await until(async () => jobOf()?.lastExit != null, 'the job to stop on the target plan', 120_000);
    const stopped = jobOf()?.lastExit as { reason: string };
    expect(stopped.reason).toMatch(/error\[REDB_REPLICATE_TARGET_DIFFERS\]/);
    expect(stopped.reason).toContain('--yes');
    expect(await columns(target.db.url)).toBe(before);
    expect(await pgQuery(target.db.url, 'SELECT id FROM items')).toEqual([]);

    // The same job handed over again with --yes: the plan is applied, the rows copied, then streamed.
    expect(ok(['replicate', source.url, target.url, '--name', job, '--daemon', '--yes']).stdout).toContain(`updated job ${job}`);
    await until(async () => (await pgQuery<{ n: string }>(target.db.url, 'SELECT count(*)::text AS n FROM items'))[0]?.n === '2', 'the copy', 120_000);
    expect(await columns(target.db.url)).toBe('id:integer qty:bigint v:character varying');
    await exec(source, "INSERT INTO items VALUES (3, 'three', 6000000000)");
    await until(
      async () => (await pgQuery<{ q: string }>(target.db.url, 'SELECT qty::text AS q FROM items WHERE id = 3'))[0]?.q === '6000000000',
      'the streamed row',
      120_000,
    );
  }, 300_000);
});
