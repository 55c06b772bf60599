import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { CLI, redb, redbOk } from './cli.js';
import { tempDir, type ScratchDb } from './scratch.js';

/**
 * Kill `redb migrate` with SIGKILL at random moments and check, after every kill, what a user relies
 * on: the database's history says exactly what the database has, the next migrate finishes (or says
 * the database is there already), status shows no drift, and no shadow database is left behind.
 *
 * The project has two commits: A (one table) and B (A and KILL_TABLES more tables). Runs alternate
 * A → B and B → A, so every migrate creates or drops those tables one statement at a time, and which
 * of them exist says exactly which statements ran.
 */
export const KILL_TABLES = Array.from({ length: 24 }, (_, i) => `k${String(i + 1).padStart(2, '0')}`);

export interface HistoryView {
  readonly commit: string | null;
  readonly outcome: string;
  readonly executed: number | null;
  readonly statements: readonly string[];
}

export interface KillTarget {
  readonly db: ScratchDb;
  /** The URL to bind (the password as `${REDB_TEST_PASSWORD}`) and the environment that fills it in. */
  readonly bind: string;
  readonly env: NodeJS.ProcessEnv;
  /** SQL creating one of the tables. */
  createTable(name: string): string;
  /** Which of KILL_TABLES exist, sorted. */
  tables(): Promise<string[]>;
  /** The database's migration history, newest first. */
  history(): Promise<HistoryView[]>;
  /** Whether a migrate is running a statement on the database itself (not on a shadow): aims a kill at the apply. */
  applying?(): Promise<boolean>;
  /** Shadow databases beside this database that exist now. */
  shadows(): Promise<string[]>;
  /** False where shadows are in memory (nothing to aim a kill at). */
  readonly hasShadow?: boolean;
  close(): Promise<void>;
}

const TABLE_STATEMENT = /^\s*(CREATE|DROP)\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:[`"]?\w+[`"]?\.)?[`"]?(k\d\d)[`"]?/i;

/** The tables that exist after `statements` ran on a database that had `before`. */
export function tablesAfter(before: readonly string[], statements: readonly string[]): string[] {
  const out = new Set(before);
  for (const sql of statements) {
    const m = TABLE_STATEMENT.exec(sql);
    if (m === null) continue;
    if ((m[1] as string).toUpperCase() === 'CREATE') out.add(m[2] as string);
    else out.delete(m[2] as string);
  }
  return [...out].sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start a migrate and SIGKILL it at `when` (or let it finish first); resolves once the process is gone. */
async function killedMigrate(cwd: string, env: NodeJS.ProcessEnv, to: string, when: () => Promise<void>): Promise<{ killed: boolean; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'migrate', 'app', '--to', to, '--yes', '--allow', 'all'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', REDB_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  await Promise.race([when(), exited]);
  const killed = !done && child.kill('SIGKILL');
  await exited;
  return { killed, stderr };
}

export interface KillLoopResult {
  readonly iterations: number;
  /** Kills that landed while statements were running on the database (a history row says so). */
  readonly midApply: number;
}

export interface TwoCommits {
  readonly dir: ReturnType<typeof tempDir>;
  /** Commit ids of tags A and B. */
  readonly commits: Readonly<Record<'A' | 'B', string>>;
  /** The tables each commit has. */
  readonly wanted: Readonly<Record<'A' | 'B', readonly string[]>>;
  /** How long a whole migrate from B to A took, to spread kills over. */
  readonly full: number;
}

/** A project bound to the target with commits A and B (see KILL_TABLES); the database is left at A. */
export async function twoCommits(target: KillTarget): Promise<TwoCommits> {
  const dir = tempDir('redb-kill-');
  const { env } = target;
  redbOk(dir.path, ['init']);
  redbOk(dir.path, ['db', 'add', 'app', target.bind], env);
  redbOk(dir.path, ['pull', 'app'], env);
  redbOk(dir.path, ['commit', '-m', 'A'], env);
  redbOk(dir.path, ['tag', 'A'], env);
  await target.db.exec(KILL_TABLES.map((t) => target.createTable(t)).join(';\n'));
  redbOk(dir.path, ['pull', 'app'], env);
  redbOk(dir.path, ['commit', '-m', 'B'], env);
  redbOk(dir.path, ['tag', 'B'], env);
  const id = (tag: string) => (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1', tag], env).stdout) as { id: string }[])[0]?.id as string;
  const started = Date.now();
  redbOk(dir.path, ['migrate', 'app', '--to', 'A', '--yes', '--allow', 'all'], env);
  const full = Date.now() - started;
  expect(await target.tables()).toEqual([]);
  return { dir, commits: { A: id('A'), B: id('B') }, wanted: { A: [], B: [...KILL_TABLES] }, full };
}

/** The loop itself; `budgetMs` bounds it (it always makes at least three runs, one of each kind of kill). */
export async function killLoop(target: KillTarget, budgetMs: number): Promise<KillLoopResult> {
  const { dir, commits, wanted, full } = await twoCommits(target);
  try {
    const { env } = target;
    let iterations = 0;
    let midApply = 0;
    const deadline = Date.now() + budgetMs;
    while (iterations < 3 || Date.now() < deadline) {
      const to: 'A' | 'B' = iterations % 2 === 0 ? 'B' : 'A';
      const before = await target.tables();
      const historyBefore = await target.history();
      // Kills take turns: aimed at the rehearsal (a shadow exists), aimed at the apply (statements run
      // on the database itself), and anywhere in a run.
      const mode = (['rehearsal', 'apply', 'anywhere'] as const)[iterations % 3];
      const until = Date.now() + full * 2;
      const when = async () => {
        if (mode === 'rehearsal' && target.hasShadow !== false) {
          while (Date.now() < until && (await target.shadows()).length === 0) await sleep(10);
        } else if (mode === 'apply' && target.applying !== undefined) {
          while (Date.now() < until && !(await target.applying())) await sleep(10);
          // A whole apply takes a few hundred milliseconds: land anywhere in its first part.
          await sleep(Math.random() * 120);
        } else await sleep(Math.random() * full);
      };
      const run = await killedMigrate(dir.path, env, to, when);
      const context = `run ${iterations} (→ ${to}, ${run.killed ? `killed, aimed at ${mode}` : 'finished first'}): ${run.stderr}`;

      // The history matches what is in the database.
      const history = await target.history();
      const now = await target.tables();
      const fresh = history.slice(0, history.length - historyBefore.length);
      expect(fresh.length, context).toBeLessThanOrEqual(1);
      const row = fresh[0];
      if (process.env.REDB_TEST_TRACE === '1')
        console.log(`${context.split(':')[0]}: ${row === undefined ? 'no row' : `${row.outcome} ${row.executed ?? '-'}/${row.statements.length}`}`);
      if (row === undefined) expect(now, context).toEqual(before);
      else if (row.outcome === 'applied') {
        expect(row.commit, context).toBe(commits[to]);
        expect(now, context).toEqual(wanted[to]);
      } else {
        // Statements ran one at a time: the row names how many, and the one that was running may have finished on the server.
        expect(row.outcome, context).toBe('running');
        expect(row.executed, context).not.toBeNull();
        const executed = row.executed ?? 0;
        expect([tablesAfter(before, row.statements.slice(0, executed)), tablesAfter(before, row.statements.slice(0, executed + 1))], context).toContainEqual(
          now,
        );
        midApply++;
      }

      // The next migrate completes, or says the database is there already.
      const next = redb(dir.path, ['migrate', 'app', '--to', to, '--yes', '--allow', 'all'], env);
      expect(next.code, `${context}\nnext: ${next.stderr}`).toBe(0);
      expect(await target.tables(), context).toEqual(wanted[to]);
      const newest = (await target.history())[0];
      expect(newest?.commit, context).toBe(commits[to]);
      expect(['applied', 'matched'], context).toContain(newest?.outcome);
      expect(
        (await target.history()).filter((h) => h.outcome === 'running'),
        context,
      ).toEqual([]);

      // Status shows no drift: the live schema is the commit its history names.
      const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string; at?: string }[] };
      expect(status.databases, context).toEqual([expect.objectContaining({ state: 'in-sync', at: commits[to] })]);
      // Nothing left behind.
      expect(await target.shadows(), context).toEqual([]);
      iterations++;
    }
    // The database compared with the target, object by object.
    const last = iterations % 2 === 0 ? 'A' : 'B';
    expect(redb(dir.path, ['diff', 'db:app', last, '--exit-code'], env).code).toBe(0);
    return { iterations, midApply };
  } finally {
    dir.cleanup();
  }
}
