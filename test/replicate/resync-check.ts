import { expect } from 'vitest';
import { errorCode, redb } from '../support/cli.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { Replicator, until } from './helpers.js';
import { execUrl, queryUrl } from './restart-writer.js';

/** A job whose source lost what it needs, and the two tables of the resync tests: `busy` changed meanwhile, `calm` did not. */
export interface LostSource {
  readonly project: string;
  /** The replicate command's arguments (source, target, --name, ...). */
  readonly args: readonly string[];
  readonly job: string;
  /** The databases, as the test's own clients reach them. */
  readonly source: string;
  readonly target: string;
  /** A table as the job names it (`public.busy` from PostgreSQL, `busy` from MariaDB). */
  readonly table: (name: string) => string;
  /** `redb verify`'s arguments once it streams again. */
  readonly verify: readonly string[];
}

const count = async (url: string, table: string): Promise<number> => Number((await queryUrl(url, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

/**
 * The job and `replicate status` say REDB_REPLICATE_RESYNC_NEEDED with the command that goes on;
 * `redb replicate resync <job>` copies again only the table that changed, streams on, and the
 * databases end equal; the job is dropped.
 */
export async function resyncsTheChangedTable(o: LostSource): Promise<void> {
  const again = redb(o.project, ['replicate', ...o.args], PASSWORD_ENV);
  expect(again.code, again.stderr).toBe(1);
  expect(errorCode(again)).toBe('REDB_REPLICATE_RESYNC_NEEDED');
  expect(again.stderr).toContain(`redb replicate resync ${o.job}`);
  expect(again.stderr).not.toMatch(/\n\s+at /);
  const status = redb(o.project, ['replicate', 'status', o.job, '--json'], PASSWORD_ENV);
  expect(status.code, status.stderr).toBe(0);
  const [j] = (JSON.parse(status.stdout) as { jobs: { resync: { code: string; command: string } | null }[] }).jobs;
  expect(j?.resync).toMatchObject({ code: 'REDB_REPLICATE_RESYNC_NEEDED', command: `redb replicate resync ${o.job}` });
  const text = redb(o.project, ['replicate', 'status', o.job], PASSWORD_ENV);
  expect(text.stdout).toContain('REDB_REPLICATE_RESYNC_NEEDED');
  expect(text.stdout).toContain(`redb replicate resync ${o.job}`);

  const resync = new Replicator(o.project, ['resync', o.job]);
  await resync.until('streaming');
  const compared = resync.events.filter((e) => e.type === 'resync-compared');
  expect(compared.map((e) => [e.table, e.match]).sort()).toEqual([
    [o.table('busy'), false],
    [o.table('calm'), true],
  ]);
  expect(resync.events.filter((e) => e.type === 'resync-recopied').map((e) => e.table)).toEqual([o.table('busy')]);
  expect(await count(o.target, 'busy')).toBe(await count(o.source, 'busy'));

  // Only the table that changed was copied again; it streams on from the new hand-off.
  await execUrl(o.source, `INSERT INTO calm VALUES (201, 'c201'); UPDATE busy SET v = 'again' WHERE id = 1;`);
  await until(async () => (await count(o.target, 'calm')) === 201, 'calm to follow');
  await until(async () => (await queryUrl(o.target, 'SELECT v FROM busy WHERE id = 1'))[0]?.v === 'again', 'busy to follow');
  expect(await resync.stop('SIGTERM')).toBe(143);
  const verify = redb(o.project, ['verify', ...o.verify], PASSWORD_ENV);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  const after = redb(o.project, ['replicate', 'status', o.job, '--json'], PASSWORD_ENV);
  expect((JSON.parse(after.stdout) as { jobs: { resync: unknown }[] }).jobs[0]?.resync).toBeNull();
  expect(redb(o.project, ['replicate', 'drop', o.job], PASSWORD_ENV).code).toBe(0);
}
