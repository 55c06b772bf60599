import { spawn } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../src/adapters/registry.js';
import type { RowWriter } from '../../src/adapters/rows.js';
import { openCheckpoints } from '../../src/replicate/checkpoints.js';
import { copyTable } from '../../src/replicate/copy-table.js';
import { pairTable } from '../../src/replicate/pairing.js';
import { safeFs } from '../../src/repo/safe-fs.js';
import { CLI, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { introspectUrl } from '../conformance/round-trip.js';
import { sqliteEngine } from '../support/scratch.js';
import { cloneResult, envUrl, PASSWORD_ENV, redbPw } from './helpers.js';

const ROWS = 300_000;

/** Start `redb clone` and SIGKILL it once it has committed `killAfter` rows of `table`. */
function cloneUntilKilled(
  cwd: string,
  args: readonly string[],
  table: string,
  killAfter: number,
): Promise<{ killedAt: number; progress: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let killedAt = -1;
    const progress: number[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      // Progress events are single lines; an error is printed as an indented document.
      for (const line of lines.filter((l) => l.startsWith('{"'))) {
        const event = JSON.parse(line) as { type: string; table?: string; rows?: number; state?: string };
        if (killedAt < 0 && event.type === 'table' && event.table === table && event.state === 'rows') progress.push(event.rows ?? 0);
        if (killedAt < 0 && event.type === 'table' && event.table === table && (event.rows ?? 0) >= killAfter) {
          killedAt = event.rows ?? 0;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      killedAt < 0 ? reject(new Error(`clone ended before it could be killed: ${stderr}`)) : resolve({ killedAt, progress, signal }),
    );
  });
}

describe('a clone killed with SIGKILL resumes exactly (real PostgreSQL and MariaDB)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  let mysqlTarget: ScratchDb;
  let pgTarget: ScratchDb;

  beforeAll(async () => {
    dir = tempDir('redb-resume-');
    redbOk(dir.path, ['init']);
    [source, mysqlTarget, pgTarget] = await Promise.all([postgresEngine.create(), mysqlEngine.create(), postgresEngine.create()]);
    await pgExec(
      source.url,
      `CREATE TABLE big (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2), at timestamptz, flag boolean);
       INSERT INTO big SELECT i, 'row ' || i || repeat('x', i % 40), (i * 7 % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute', i % 3 = 0 FROM generate_series(1, ${ROWS}) i;
       CREATE TABLE small (id int PRIMARY KEY, big_id bigint REFERENCES big (id));
       INSERT INTO small SELECT i, i * 10 FROM generate_series(1, 500) i;`,
    );
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), mysqlTarget?.drop(), pgTarget?.drop()]);
    dir?.cleanup();
  });

  /** Kill the clone into `target` after `killAfter` rows of big, check what it left, resume it; the progress counts seen before the kill. */
  async function killAndResume(target: ScratchDb, count: (sql: string) => Promise<Record<string, unknown> | undefined>, killAfter: number): Promise<number[]> {
    const args = [
      'clone',
      envUrl(source.url),
      envUrl(target.url),
      '--batch-rows',
      '2000',
      '--jobs',
      '1',
      '--tables',
      'big,small',
      '--allow',
      'lossy',
      '--json',
    ];
    const { killedAt, progress, signal } = await cloneUntilKilled(dir.path, args, 'public.big', killAfter);
    expect(signal).toBe('SIGKILL');
    const partial = Number((await count('SELECT count(*) AS n FROM big'))?.n);
    expect(partial).toBeGreaterThanOrEqual(killedAt);
    expect(partial).toBeLessThan(ROWS);
    // One clone's state (a kill in the middle of a save may also leave its .tmp beside it).
    const states = readdirSync(join(dir.path, '.redb', 'state', 'clone')).filter((f) => f.endsWith('.json'));
    expect(states).toHaveLength(1);
    const saved = JSON.parse(readFileSync(join(dir.path, '.redb', 'state', 'clone', states[0] as string), 'utf8')) as {
      tables: Record<string, { done: boolean; rows: number }>;
    };
    expect(saved.tables['public.big']?.done).toBe(false);

    // Without --resume the half-filled table is refused, not mixed.
    const again = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--tables', 'big,small', '--allow', 'lossy']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('REDB_CLONE_TARGET_NOT_EMPTY');

    const resumed = redbPw(dir.path, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = cloneResult(resumed);
    expect(result.resumed).toBe(true);
    expect(result.verify?.every((v) => v.match && !v.countsOnly)).toBe(true);
    expect(result.tables.find((t) => t.table === 'public.big')?.rows).toBe(ROWS);
    const counts = await count('SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM big');
    expect(Object.fromEntries(Object.entries(counts ?? {}).map(([k, v]) => [k, Number(v)]))).toEqual({ n: ROWS, ids: ROWS, lo: 1, hi: ROWS });
    // A finished clone leaves nothing to resume.
    expect(existsSync(join(dir.path, '.redb', 'state', 'clone')) ? readdirSync(join(dir.path, '.redb', 'state', 'clone')) : []).toEqual([]);
    return progress;
  }

  it('continues where it stopped, with no row lost or doubled (PostgreSQL → MariaDB, row by row)', async () => {
    await killAndResume(mysqlTarget, async (sql) => (await mysqlRows<Record<string, unknown>>(mysqlTarget, sql))[0], 40_000);
  });

  it('continues where it stopped when rows move as raw COPY chunks of 50 batches (PostgreSQL → PostgreSQL)', async () => {
    const progress = await killAndResume(pgTarget, async (sql) => (await pgQuery<Record<string, unknown>>(pgTarget.url, sql))[0], 100_000);
    // Progress comes per committed chunk of about 50 × 2000 rows (page ranges cut by the table's
    // statistics), not per batch of 2000: no row was parsed on the way.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((rows, i) => rows - (progress[i - 1] ?? 0) > 50_000)).toBe(true);
  });
});

describe('a batch committed just before the crash, but not yet recorded', () => {
  it('is deleted and copied again on resume (SQLite to SQLite)', async () => {
    const [src, dst] = await Promise.all([sqliteEngine.create(), sqliteEngine.create()]);
    const dir = tempDir('redb-pending-');
    try {
      await src.exec(
        `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT i, 'v' || i FROM n;`,
      );
      // No key on the target: a doubled row would show in the count instead of failing loudly.
      await dst.exec('CREATE TABLE t (id INTEGER, v TEXT)');
      const pair = pairTable((await introspectUrl(sqliteEngine, src.url)).tables[0] as never, await introspectUrl(sqliteEngine, dst.url), 'dst', false);
      const rows = await loadRows('sqlite');
      const file = join(dir.path, 'state.json');
      const run = async (resume: boolean, crashAfter?: number) => {
        const source = await rows.openSource({ name: 'src', url: src.url, cwd: dir.path }, { jobs: 1 });
        const target = await rows.openTarget({ name: 'dst', url: dst.url, cwd: dir.path }, { jobs: 1 });
        const real = target.writers[0] as RowWriter;
        let writes = 0;
        // Commits the batch, then dies before the checkpoint after it is saved.
        const writer: RowWriter = {
          ...real,
          write: async (...a) => (await real.write(...a), ++writes === crashAfter ? Promise.reject(new Error('killed')) : undefined),
        };
        try {
          const job = {
            source: 'src',
            target: 'dst',
            mode: 'schema-and-data',
            tables: ['t'],
            denied: [],
            where: {},
            mask: null,
            batchRows: 100,
            allowLossy: false,
            truncate: false,
            schema: 'x',
          } as const;
          const checkpoints = await openCheckpoints(file, { ...job, tables: [...job.tables], denied: [] }, resume, () => safeFs(nodeFs, dir.path));
          return await copyTable(pair, source.readers[0] as never, writer, target, {
            sourceEngine: 'sqlite',
            targetEngine: 'sqlite',
            batchRows: 100,
            checkpoints,
            onEvent: () => undefined,
          });
        } finally {
          await source.close();
          await target.close();
        }
      };
      await expect(run(false, 3)).rejects.toThrow('killed');
      const state = JSON.parse(readFileSync(file, 'utf8')) as { tables: Record<string, { rows: number; after: unknown; pending: unknown }> };
      expect(state.tables.t).toEqual({ done: false, rows: 200, after: [{ bigint: '200' }], pending: [{ bigint: '300' }] });
      const count = (f: string) =>
        new Sqlite(f.replace(/^sqlite:/, ''), { readonly: true }).prepare('SELECT count(*) AS n, count(DISTINCT id) AS d FROM t').get();
      expect(count(dst.url)).toEqual({ n: 300, d: 300 });
      expect(await run(true)).toBe(1000);
      expect(count(dst.url)).toEqual({ n: 1000, d: 1000 });
      expect(existsSync(file)).toBe(true);
    } finally {
      await Promise.all([src.drop(), dst.drop()]);
      dir.cleanup();
    }
  });
});
