import type { Client } from 'pg';
import { errors } from '../../errors.js';
import { message } from './connect.js';
import type { Plan } from '../../unified/index.js';
import type { ApplyOptions, ApplyResult, LockOptions, MigrationOutcome } from '../adapter.js';
import type { HistoryLog } from '../history-rows.js';
import { statementLine, waitForLock } from '../migrate-lock.js';
import { ensureHistory, historyLog, settleHistory } from './history.js';

/**
 * Whether a failure at COMMIT leaves its outcome unknown: the connection went away (no SQLSTATE, or
 * the server ended the session) rather than the server refusing the commit (a deferred constraint).
 */
const connectionLost = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
};

/** The key of redb's advisory lock: 'redb' as a 32-bit number, and 1 for migrate. Advisory locks are per database. */
const LOCK = '1919247458, 1';

/** Hold the database for this migrate (the session's advisory lock, released when it ends). */
export async function lockMigrations(client: Client, name: string, options: LockOptions): Promise<void> {
  // Other sessions (and a person looking at pg_stat_activity) can tell a migrate from redb's other work.
  await client.query("SET application_name = 'redb migrate'");
  await waitForLock(
    name,
    async () => (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK}) AS ok`)).rows[0]?.ok === true,
    async () => {
      const { rows } = await client.query<{ pid: number; application_name: string; state: string | null; query: string | null; seconds: number | null }>(
        `SELECT a.pid, a.application_name, a.state, a.query, extract(epoch FROM now() - a.query_start)::int AS seconds
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1919247458 AND l.objid = 1 AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      const h = rows[0];
      if (h === undefined) return 'a session that has just ended';
      return `backend ${h.pid}, ${h.application_name || 'no application name'}, ${h.state ?? 'unknown state'}${h.seconds === null ? '' : ` for ${h.seconds} s`}${h.query ? `: ${statementLine(h.query)}` : ''}`;
    },
    options,
  );
  await settleHistory(client);
}

/**
 * Run a plan: its steps outside the transaction first (session settings, concurrent drops), then
 * the rest in one transaction, then what must follow a commit (concurrent builds, validations).
 * PostgreSQL DDL is transactional, so a plan without outside steps is all or nothing, and its
 * history row is written in the same transaction: the changes never land without it. Outside
 * steps are recorded one by one in a row written before the first of them. Function bodies
 * are not checked at creation (as pg_dump does), because a body may name objects that later steps
 * create; literals are compiled for standard-conforming strings.
 */
export async function applyPlan(client: Client, plan: Plan, name: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { signal } = options;
  const before = plan.steps.filter((s) => s.outsideTransaction === 'before');
  const inside = plan.steps.filter((s) => s.outsideTransaction === undefined).flatMap((s) => s.statements);
  const after = plan.steps.filter((s) => s.outsideTransaction === 'after');
  const total = [...before.flatMap((s) => s.statements), ...inside, ...after.flatMap((s) => s.statements)].length;

  let historyProblem: string | undefined;
  let log: HistoryLog | undefined;
  if (options.history !== undefined) {
    try {
      await ensureHistory(client);
      log = historyLog(client);
    } catch (e) {
      historyProblem = `the migration history could not be kept: ${message(e)}`;
    }
  }
  const entry = options.history;
  let row: number | undefined;
  const now = () => new Date().toISOString();
  const write = async (outcome: MigrationOutcome, executedCount: number, error?: string) => {
    if (log === undefined || entry === undefined) return;
    if (row === undefined) row = await log.insert({ ...entry, finishedAt: now(), outcome, executed: executedCount, error });
    else await log.update(row, { outcome, executed: executedCount, error });
  };
  /** After a failure the row is written on its own; a second failure (the connection is gone) must not hide the first. */
  const writeAfter = (outcome: MigrationOutcome, executedCount: number, error: string) => write(outcome, executedCount, error).catch(() => undefined);

  const executed: string[] = [];
  // Statements that stay applied whatever happens next: outside ones, and the transaction once committed.
  const kept: string[] = [];
  let current = '';
  const run = async (sql: string) => {
    current = sql;
    if (signal?.aborted === true) throw new Interrupted();
    await client.query(sql);
    executed.push(sql);
  };
  const fail = async (e: unknown) => {
    if (e instanceof Interrupted) {
      await writeAfter('interrupted', kept.length, `interrupted before: ${statementLine(current)}`);
      return errors.migrateInterrupted(name, kept.length, total, kept.length === 0);
    }
    await writeAfter('failed', kept.length, `${statementLine(current)}: ${message(e)}`);
    return errors.migrateFailed(name, current, message(e), kept.length === 0, kept.length === 0 ? undefined : kept).because(e);
  };

  const outside = async (steps: typeof before) => {
    for (const step of steps) {
      for (const sql of step.statements) {
        try {
          await run(sql);
        } catch (e) {
          for (const undo of step.onFailure ?? []) await client.query(undo).catch(() => undefined);
          throw await fail(e);
        }
        kept.push(sql);
        await write('running', kept.length).catch(async (e: unknown) => {
          throw await fail(e);
        });
      }
    }
  };

  if (before.length > 0)
    await write('running', 0).catch(async (e: unknown) => {
      throw await fail(e);
    });
  await outside(before);
  if (inside.length > 0) {
    try {
      current = 'BEGIN';
      await client.query('BEGIN');
      await client.query('SET LOCAL check_function_bodies = false');
      await client.query('SET LOCAL standard_conforming_strings = on');
      for (const sql of inside) await run(sql);
      await write(after.length > 0 ? 'running' : 'applied', kept.length + inside.length);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A row written in the rolled-back transaction is gone with it.
      if (before.length === 0) row = undefined;
      throw await fail(e);
    }
    current = 'COMMIT';
    try {
      await client.query('COMMIT');
    } catch (e) {
      if (connectionLost(e)) throw errors.migrateOutcomeUnknown(name, message(e)).because(e);
      if (before.length === 0) row = undefined;
      throw await fail(e);
    }
    kept.push(...inside);
  } else if (before.length === 0 && after.length > 0) await write('running', 0);
  await outside(after);
  if (after.length > 0 || (inside.length === 0 && before.length > 0)) await write('applied', kept.length);
  return historyProblem === undefined ? { executed } : { executed, historyProblem };
}

class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}
