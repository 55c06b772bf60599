import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, redbOk } from '../support/cli.js';
import { mysqlKillTarget, postgresKillTarget } from '../support/kill-targets.js';
import { tablesAfter, twoCommits, type KillTarget, type TwoCommits } from '../support/migrate-kill.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb, TestEngine } from '../support/scratch.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ctrl-C in the middle of a migrate's statements: the run stops after the statement in progress,
 * records what ran, and exits 130. Transactional engines roll back; MariaDB keeps what ran, and the
 * history says exactly how much.
 */
describe.each([
  { engine: mysqlEngine, open: mysqlKillTarget, transactional: false },
  { engine: postgresEngine, open: postgresKillTarget, transactional: true },
] as { engine: TestEngine; open: (db: ScratchDb) => Promise<KillTarget>; transactional: boolean }[])(
  'Ctrl-C during a migrate ($engine.engine)',
  ({ engine, open, transactional }) => {
    let db: ScratchDb;
    let target: KillTarget;
    let project: TwoCommits;

    beforeAll(async () => {
      db = await engine.create();
      await db.exec('CREATE TABLE base (id int PRIMARY KEY)');
      target = await open(db);
      project = await twoCommits(target);
    }, 180_000);
    afterAll(async () => {
      await target?.close();
      await db?.drop();
      project?.dir.cleanup();
    });

    it('stops at a statement boundary, records the outcome and exits 130; the next run finishes', async () => {
      const child = spawn(process.execPath, [CLI, 'migrate', 'app', '--to', 'B', '--yes'], {
        cwd: project.dir.path,
        env: { ...process.env, ...target.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const until = Date.now() + 60_000;
      while (Date.now() < until && child.exitCode === null && !(await target.applying?.())) await sleep(10);
      child.kill('SIGINT');
      const code = await exited;
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('error[REDB_MIGRATE_INTERRUPTED]');

      const [row] = await target.history();
      expect(row?.outcome, stderr).toBe('interrupted');
      expect(row?.commit).toBe(project.commits.B);
      const now = await target.tables();
      if (transactional) {
        expect(stderr).toContain('the database was left as it was');
        expect(now).toEqual([]);
      } else {
        // The statement that was running finished before the run stopped, so the count is exact.
        expect(now).toEqual(tablesAfter([], (row?.statements ?? []).slice(0, row?.executed ?? -1)));
        expect(stderr).toContain(`interrupted after ${row?.executed ?? -1} of`);
      }

      redbOk(project.dir.path, ['migrate', 'app', '--to', 'B', '--yes'], target.env);
      expect(await target.tables()).toEqual(project.wanted.B);
      const status = JSON.parse(redbOk(project.dir.path, ['status', '--json'], target.env).stdout) as { databases: { state: string; at?: string }[] };
      expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync', at: project.commits.B })]);
    }, 180_000);
  },
);
