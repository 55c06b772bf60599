import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, redbOk } from '../support/cli.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV, redbPw } from './helpers.js';

/**
 * PostgreSQL → PostgreSQL clones read tables in chunks of pages, each recorded in the target with
 * its rows. A real `redb clone` is SIGKILLed once the target has some of a table's rows, then
 * resumed: a table without a key goes on from its committed chunks (it used to start over), and a
 * table whose rows were updated on the source in between (rows that may have moved between pages)
 * starts over in the new snapshot rather than losing or doubling one.
 */

const ROWS = 200_000;

interface Event {
  readonly type: string;
  readonly table?: string;
  readonly state?: string;
  readonly rows?: number;
}

/** Start a clone and SIGKILL it once `table` has rows in the target but not all; undefined if it finished first. */
function cloneKilledMidTable(cwd: string, args: readonly string[], target: string, table: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let exited = false;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const poll = async (): Promise<void> => {
      while (!exited) {
        const n = Number((await pgQuery<{ n: string }>(target, `SELECT count(*) AS n FROM ${table}`).catch(() => [{ n: '0' }]))[0]?.n);
        if (n > 0 && n < ROWS) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') {
        pgQuery<{ n: string }>(target, `SELECT count(*) AS n FROM ${table}`).then((r) => resolve(Number(r[0]?.n)), reject);
      } else if (code === 0) resolve(undefined);
      else reject(new Error(`clone failed: ${stderr}`));
    });
    void poll();
  });
}

/** The `start` event of `table` in a clone's JSON lines: the rows it found already copied. */
const startOf = (stdout: string, table: string): Event | undefined =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l) as Event)
    .find((e) => e.type === 'table' && e.table === table && e.state === 'start');

describe('a PostgreSQL → PostgreSQL clone copies by pages and resumes from the chunks the target committed (real servers, SIGKILL)', () => {
  let source: ScratchDb;
  const targets: ScratchDb[] = [];
  const dirs: ReturnType<typeof tempDir>[] = [];
  beforeAll(async () => {
    source = await postgresEngine.create();
    // No key: before pages, such a table could only start over.
    await pgExec(
      source.url,
      `CREATE TABLE loose (id bigint, label text);
       INSERT INTO loose SELECT i, 'row ' || i || repeat('y', i % 50) FROM generate_series(1, ${ROWS}) i;
       ANALYZE loose;`,
    );
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), ...targets.map((t) => t.drop())]);
    for (const d of dirs) d.cleanup();
  });

  /** Kill a clone into a fresh target mid-copy (tried again into another target if it finished first); the target, the project and the arguments. */
  async function killed(): Promise<{ target: ScratchDb; dir: string; args: string[]; partial: number }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const target = await postgresEngine.create();
      targets.push(target);
      const dir = tempDir('redb-pages-');
      dirs.push(dir);
      redbOk(dir.path, ['init']);
      // 40 rows a batch, 2,000 a chunk: a hundred chunks, so the kill lands between two of them.
      const args = ['clone', envUrl(source.url), envUrl(target.url), '--batch-rows', '40', '--jobs', '1', '--json'];
      const partial = await cloneKilledMidTable(dir.path, args, target.url, 'loose');
      if (partial !== undefined) return { target, dir: dir.path, args, partial };
    }
    throw new Error('every clone finished before it could be killed');
  }

  const figures = async (url: string) =>
    (
      await pgQuery<Record<string, string>>(
        url,
        "SELECT count(*)::text AS n, count(DISTINCT id)::text AS ids, sum(id)::text AS s, md5(string_agg(label, ',' ORDER BY id)) AS h FROM loose",
      )
    )[0];

  it('goes on from the committed chunks of a table without a key: no row lost, none doubled', async () => {
    const { target, dir, args, partial } = await killed();
    expect(partial).toBeGreaterThan(0);
    const resumed = redbPw(dir, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The rows committed before the kill are kept, not copied again.
    expect(startOf(resumed.stdout, 'public.loose')?.rows).toBe(partial);
    expect(await figures(target.url)).toEqual(await figures(source.url));
    // The records of the chunks leave with the finished clone.
    expect(await pgQuery(target.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'redb'")).toEqual([]);
  });

  it('starts the table over when rows were updated on the source in between (they may have moved between pages)', async () => {
    const { target, dir, args, partial } = await killed();
    expect(partial).toBeGreaterThan(0);
    // Updated rows get new versions at the end of the table: without the restart, those copied
    // already would be copied again from their new pages.
    await pgExec(source.url, "UPDATE loose SET label = label || '!' WHERE id % 3 = 0");
    const resumed = redbPw(dir, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(startOf(resumed.stdout, 'public.loose')?.rows).toBe(0);
    expect(await figures(target.url)).toEqual(await figures(source.url));
  });
});
