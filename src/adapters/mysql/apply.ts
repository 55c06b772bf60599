import { createHash } from 'node:crypto';
import { errors } from '../../errors.js';
import { planStatements, type Plan } from '../../unified/index.js';
import type { ApplyOptions, ApplyResult, LockOptions, MigrationOutcome } from '../adapter.js';
import type { HistoryLog } from '../history-rows.js';
import { statementLine, waitForLock } from '../migrate-lock.js';
import type { Query } from './catalog-queries.js';
import { ensureHistory, historyLog, settleHistory } from './history.js';

type Driver = import('mysql2/promise').Connection;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** User-level locks are server-wide: the name carries the database (hashed, as names are at most 64 characters). */
const lockName = (database: string): string => `redb:migrate:${createHash('sha1').update(database).digest('hex')}`;

/**
 * Hold the database for this migrate with a user-level lock, which the server releases when the
 * session ends, and so only after a killed client's last statement has finished.
 */
export async function lockMigrations(query: Query, database: string, name: string, options: LockOptions): Promise<void> {
  const lock = lockName(database);
  await waitForLock(
    name,
    // Without waiting in the server, so the wait is ours to bound and a Ctrl-C is noticed.
    async () => Number((await query<{ ok: unknown }>('SELECT GET_LOCK(?, 0) AS ok', [lock]))[0]?.ok) === 1,
    async () => {
      const id = (await query<{ id: unknown }>('SELECT IS_USED_LOCK(?) AS id', [lock]))[0]?.id;
      if (id === null || id === undefined) return 'a session that has just ended';
      const rows = await query<{ COMMAND: string; TIME: number; STATE: string | null; INFO: string | null }>(
        'SELECT COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST WHERE ID = ?',
        [Number(id)],
      );
      const p = rows[0];
      if (p === undefined) return `session ${String(id)}`;
      return `session ${String(id)}, ${p.COMMAND.toLowerCase()} for ${p.TIME} s${p.STATE ? ` (${p.STATE})` : ''}${p.INFO ? `: ${statementLine(p.INFO)}` : ''}`;
    },
    options,
  );
  await settleHistory(query, database);
}

/**
 * Run a plan statement by statement. MariaDB/MySQL commit every DDL statement on its own, so a
 * failure leaves the earlier statements applied: the error lists exactly which ran. The history
 * row is written before the first statement and updated after each one, so whatever stops the run
 * (an error, Ctrl-C, a kill) leaves a record of exactly what ran, and of the one that was running.
 */
export async function applyPlan(driver: Driver, query: Query, database: string, plan: Plan, name: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const statements = planStatements(plan);
  let historyProblem: string | undefined;
  let log: HistoryLog | undefined;
  let row: number | undefined;
  const entry = options.history;
  if (entry !== undefined) {
    try {
      await ensureHistory(query);
      log = historyLog(query, database);
      row = await log.insert({ ...entry, finishedAt: new Date().toISOString(), outcome: 'running', executed: 0 });
    } catch (e) {
      historyProblem = `the migration history could not be kept: ${message(e)}`;
      log = undefined;
    }
  }
  const write = async (outcome: MigrationOutcome, executed: number, error?: string) => {
    if (log !== undefined && row !== undefined) await log.update(row, { outcome, executed, error });
  };

  const executed: string[] = [];
  for (const sql of statements) {
    if (options.signal?.aborted === true) {
      await write('interrupted', executed.length, `interrupted before: ${statementLine(sql)}`).catch(() => undefined);
      throw errors.migrateInterrupted(name, executed.length, statements.length, executed.length === 0);
    }
    try {
      await driver.query(sql);
    } catch (e) {
      await write('failed', executed.length, `${statementLine(sql)}: ${message(e)}`).catch(() => undefined);
      throw errors.migrateFailed(name, sql, message(e), false, executed).because(e);
    }
    executed.push(sql);
    try {
      await write(executed.length === statements.length ? 'applied' : 'running', executed.length);
    } catch (e) {
      // The statement ran; the record of it did not (the connection is gone): say so, with what ran.
      throw errors.migrateFailed(name, sql, `it ran, but its record in the history could not be written: ${message(e)}`, false, executed).because(e);
    }
  }
  return historyProblem === undefined ? { executed } : { executed, historyProblem };
}
