import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, errorCode } from '../support/cli.js';
import { duckdbEngine, duckdbRows } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV, sqliteQuery } from './helpers.js';

/**
 * `redb clone` killed with SIGKILL at random moments (while it reads the schemas, creates the
 * tables, copies, adds the keys, verifies or removes its checkpoint), again and again for a bounded
 * time, each run started with --resume; then one last --resume. The copy must hold every row once
 * (counts, distinct keys and sums of keys, read straight from each engine), `redb verify` must
 * agree, no checkpoint may be left, and a resume after the finished clone must say it finished.
 */

const LOOP_MS = 22_000;

interface Outcome {
  readonly killed: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/** When to kill: `delayMs` after the start, or after this run writes a checkpoint in the folder `afterFile` (it is copying). */
type KillAt = { readonly delayMs: number; readonly afterFile?: string | undefined } | undefined;

/**
 * Run the CLI and SIGKILL it when `at` says, unless it ends first. Never spawnSync here: the
 * pairs run side by side, and a blocked event loop would hold back the other pairs' kills.
 */
function runKilled(cwd: string, args: readonly string[], at: KillAt): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    const { delayMs, afterFile } = at ?? { delayMs: Number.NaN };
    if (afterFile !== undefined) {
      // Written by this run, not left by the one killed before it.
      const started = Date.now();
      const written = () => {
        try {
          return readdirSync(afterFile).some((f) => f.endsWith('.json') && statSync(join(afterFile, f)).mtimeMs > started);
        } catch {
          return false; // not there yet, or removed by a clone that finished
        }
      };
      const poll = () => (written() ? (timer = setTimeout(kill, delayMs)) : (timer = setTimeout(poll, 50)));
      poll();
    } else if (Number.isFinite(delayMs)) timer = setTimeout(kill, delayMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed, code, stderr });
    });
  });
}

interface Figures {
  readonly n: number;
  readonly ids: number;
  readonly sum: string;
}

/** The tables each pair copies: one keyed by an integer, one referring to it, one without a key. */
const TABLES = ['big', 'small', 'loose'] as const;
const BIG = 150_000;
const SMALL = 3_000;
const LOOSE = 8_000;
const expected: Record<(typeof TABLES)[number], Figures> = {
  big: { n: BIG, ids: BIG, sum: String((BIG * (BIG + 1)) / 2) },
  small: { n: SMALL, ids: SMALL, sum: String((SMALL * (SMALL + 1)) / 2) },
  loose: { n: LOOSE, ids: LOOSE, sum: String((LOOSE * (LOOSE + 1)) / 2) },
};
const figuresSql = (table: string, quote: (n: string) => string) =>
  `SELECT count(*) AS n, count(DISTINCT ${quote('id')}) AS ids, CAST(sum(${quote('id')}) AS CHAR(40)) AS sum FROM ${quote(table)}`;

interface Pair {
  readonly name: string;
  readonly source: () => Promise<ScratchDb>;
  readonly target: () => Promise<ScratchDb>;
  readonly figures: (db: ScratchDb, table: string) => Promise<Figures>;
}

const norm = (r: Record<string, unknown> | undefined): Figures => ({ n: Number(r?.n), ids: Number(r?.ids), sum: String(r?.sum).replace(/\.0+$/, '') });

const pairs: Pair[] = [
  {
    name: 'PostgreSQL → SQLite',
    async source() {
      const db = await postgresEngine.create();
      await db.exec(`
        CREATE TABLE big (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2), at timestamptz);
        INSERT INTO big SELECT i, 'row ' || i || repeat('é', i % 30), (i * 7 % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' FROM generate_series(1, ${BIG}) i;
        CREATE TABLE small (id int PRIMARY KEY, big_id bigint NOT NULL REFERENCES big (id));
        INSERT INTO small SELECT i, i * 3 FROM generate_series(1, ${SMALL}) i;
        CREATE TABLE loose (id int, note text);
        INSERT INTO loose SELECT i, 'n' || i FROM generate_series(1, ${LOOSE}) i;`);
      return db;
    },
    target: () => sqliteEngine.create(),
    figures: async (db, table) =>
      norm(sqliteQuery<Record<string, unknown>>(db.url.slice('sqlite:'.length), figuresSql(table, (n) => `"${n}"`).replace('CHAR(40)', 'TEXT'))[0]),
  },
  {
    // Raw COPY chunks of pages, each recorded in the target with its rows.
    name: 'PostgreSQL → PostgreSQL',
    async source() {
      const db = await postgresEngine.create();
      await db.exec(`
        CREATE TABLE big (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2), at timestamptz);
        INSERT INTO big SELECT i, 'row ' || i || repeat('é', i % 30), (i * 7 % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' FROM generate_series(1, ${BIG}) i;
        CREATE TABLE small (id int PRIMARY KEY, big_id bigint NOT NULL REFERENCES big (id));
        INSERT INTO small SELECT i, i * 3 FROM generate_series(1, ${SMALL}) i;
        CREATE TABLE loose (id int, note text);
        INSERT INTO loose SELECT i, 'n' || i FROM generate_series(1, ${LOOSE}) i;
        ANALYZE;`);
      return db;
    },
    target: () => postgresEngine.create(),
    figures: async (db, table) => norm((await pgQuery<Record<string, unknown>>(db.url, figuresSql(table, (n) => `"${n}"`).replace('CHAR(40)', 'text')))[0]),
  },
  {
    name: 'MariaDB → PostgreSQL',
    async source() {
      const db = await mysqlEngine.create();
      await db.exec(`
        SET SESSION max_recursive_iterations = 100000000;
        CREATE TABLE big (id bigint PRIMARY KEY, label varchar(200) NOT NULL, amount decimal(12,2), at datetime(6)) DEFAULT CHARSET=utf8mb4;
        INSERT INTO big WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BIG}) SELECT i, CONCAT('row ', i, REPEAT('ж', i % 30)), (i * 7 % 100000) / 100, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL i SECOND FROM n;
        CREATE TABLE small (id int PRIMARY KEY, big_id bigint NOT NULL, FOREIGN KEY (big_id) REFERENCES big (id));
        INSERT INTO small WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SMALL}) SELECT i, i * 3 FROM n;
        CREATE TABLE loose (id int, note text);
        INSERT INTO loose WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${LOOSE}) SELECT i, CONCAT('n', i) FROM n;`);
      return db;
    },
    target: () => postgresEngine.create(),
    figures: async (db, table) => norm((await pgQuery<Record<string, unknown>>(db.url, figuresSql(table, (n) => `"${n}"`).replace('CHAR(40)', 'text')))[0]),
  },
  {
    name: 'SQLite → DuckDB',
    async source() {
      const db = await sqliteEngine.create();
      await db.exec(`
        CREATE TABLE big (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount NUMERIC(12,2), at TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BIG}) INSERT INTO big SELECT i, 'row ' || i, (i * 7 % 100000) / 100.0, datetime('2024-01-01', '+' || i || ' seconds') FROM n;
        CREATE TABLE small (id INTEGER PRIMARY KEY, big_id INTEGER NOT NULL REFERENCES big (id));
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SMALL}) INSERT INTO small SELECT i, i * 3 FROM n;
        CREATE TABLE loose (id INTEGER, note TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${LOOSE}) INSERT INTO loose SELECT i, 'n' || i FROM n;`);
      return db;
    },
    target: () => duckdbEngine.create(),
    figures: async (db, table) =>
      norm((await duckdbRows(db.url.slice('duckdb:'.length), figuresSql(table, (n) => `"${n}"`).replace('CHAR(40)', 'VARCHAR')))[0]),
  },
];

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
}, 300_000);

describe.concurrent('clone killed with SIGKILL at random moments, then resumed: nothing lost, nothing doubled (real servers, real processes)', () => {
  for (const pair of pairs) {
    it(`${pair.name}`, { timeout: 400_000 }, async () => {
      const source = await pair.source();
      let target = await pair.target();
      const dir = tempDir('redb-kill-loop-');
      cleanups.push(
        () => source.drop(),
        () => target.drop(),
        () => dir.cleanup(),
      );
      const run = async (a: readonly string[]) => {
        const r = await runKilled(dir.path, a, undefined);
        return { code: r.code ?? -1, stdout: '', stderr: r.stderr };
      };
      expect((await run(['init'])).code).toBe(0);
      const src = source.url.startsWith('sqlite:') ? source.url : envUrl(source.url);
      const dstOf = (t: ScratchDb) => (t.url.startsWith('duckdb:') || t.url.startsWith('sqlite:') ? t.url : envUrl(t.url));
      const argsOf = (dst: string) => ['clone', src, dst, '--batch-rows', '700', '--jobs', '2', '--allow', 'lossy', '--yes', '--resume'];
      let dst = dstOf(target);
      let args = argsOf(dst);
      const stateDir = join(dir.path, '.redb', 'state', 'clone');

      // Every other kill lands anywhere in the first seconds of a run (reading the schemas, creating
      // the tables, copying, adding keys, verifying, removing the checkpoint); the others within 4 s
      // of the moment the checkpoint appears, so that some land in the copy however slowly a loaded
      // machine starts. A clone that ends before enough kills landed (a fast machine) is started
      // over into a fresh target with a shorter window, so the test never depends on the speed of
      // the machine it runs on.
      const deadline = Date.now() + LOOP_MS;
      let window = 12_000;
      let kills = 0;
      let killsAfterStart = 0;
      let finished = false;
      const log: string[] = [];
      while ((Date.now() < deadline || kills < 3 || killsAfterStart < 1) && !finished) {
        const inCopy = kills % 2 === 1;
        const delay = inCopy ? Math.floor(Math.random() * Math.min(4_000, window)) : 300 + Math.floor(Math.random() * window);
        const outcome = await runKilled(dir.path, args, { delayMs: delay, afterFile: inCopy ? stateDir : undefined });
        log.push(
          `${delay} ms${inCopy ? ' after the checkpoint' : ''}: ${outcome.killed ? 'killed' : `exit ${outcome.code}`}${existsSync(stateDir) ? ` [${readdirSync(stateDir).join(' ')}]` : ''}`,
        );
        if (!outcome.killed) {
          // It ran to its end before the kill came: either it finished, or it found nothing to resume after an earlier run had.
          expect([0, 1], outcome.stderr).toContain(outcome.code);
          if (outcome.code === 1) expect(errorCode({ code: 1, stdout: '', stderr: outcome.stderr }), outcome.stderr).toBe('REDB_CLONE_FINISHED');
          if (kills >= 3 && killsAfterStart >= 1) {
            finished = true;
            continue;
          }
          // Too fast for the kills asked for: over again, into a fresh target, with half the window.
          window = Math.max(500, Math.floor(window / 2));
          log.push(`finished before enough kills: again into a fresh target, kills within ${window} ms`);
          await target.drop();
          target = await pair.target();
          dst = dstOf(target);
          args = argsOf(dst);
          if (existsSync(stateDir)) for (const f of readdirSync(stateDir)) rmSync(join(stateDir, f), { force: true });
          kills = 0;
          killsAfterStart = 0;
          continue;
        }
        kills++;
        if (existsSync(stateDir) && readdirSync(stateDir).some((f) => f.endsWith('.json'))) killsAfterStart++;
      }
      if (!finished) {
        const last = await run(args);
        expect([0, 1], last.stderr).toContain(last.code);
        if (last.code === 1) expect(errorCode(last), last.stderr).toBe('REDB_CLONE_FINISHED');
      }
      expect(kills, log.join('\n')).toBeGreaterThanOrEqual(3);
      expect(killsAfterStart, log.join('\n')).toBeGreaterThanOrEqual(1);

      for (const table of TABLES) expect(await pair.figures(target, table), table).toEqual(expected[table]);
      const verified = await run(['verify', src, dst]);
      expect(verified.code, verified.stderr).toBe(0);
      // Nothing left behind, and a resume now says the clone finished.
      expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
      const again = await run(args);
      expect(again.code).toBe(1);
      expect(errorCode(again)).toBe('REDB_CLONE_FINISHED');
    });
  }
});
