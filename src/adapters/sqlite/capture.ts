import { ownedName } from '../changes.js';
import { quoteIdent } from './compile.js';

/**
 * What a job installs in a SQLite file, as SQL text (no driver here).
 *
 * - `redb_changes_<job>`: one row per changed row, in commit order (AUTOINCREMENT: a sequence never
 *   reused, even after acknowledged rows are deleted): the table, the operation, and the row's key
 *   before and after, as quote() literals joined by commas.
 * - `redb_capture_<job>`: the tables the job captures, so that a table whose triggers vanished
 *   (a table rebuild drops them) is noticed.
 * - Three AFTER triggers per table that write those rows.
 *
 * The triggers record keys, not values: values are read from the table when the changes are read,
 * in the same read transaction. A trigger that named every column would make SQLite refuse to drop
 * any of them (and miss columns added later); keys (the primary key, or rowid) cannot be dropped.
 * Only quote() and concatenation are used, so any SQLite that writes to the file runs them.
 */

export const changeTable = (job: string): string => `redb_changes_${job}`;
export const captureTable = (job: string): string => `redb_capture_${job}`;

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export const OPS = { insert: 'I', update: 'U', delete: 'D' } as const;

export function createCaptureTablesSql(job: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(changeTable(job))} (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL, old_key TEXT, new_key TEXT)`,
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(captureTable(job))} (tbl TEXT PRIMARY KEY) WITHOUT ROWID`,
  ];
}

/** Trigger names: `redb_<job>_<i|u|d>_<table>` (quoted, so any table name will do). */
export const triggerName = (job: string, op: 'i' | 'u' | 'd', table: string): string => `${ownedName(job)}_${op}_${table}`;

const keyOf = (row: 'NEW' | 'OLD', key: readonly string[]): string => key.map((k) => `quote(${row}.${quoteIdent(k)})`).join(` || ',' || `);

export function createTriggersSql(job: string, table: string, key: readonly string[]): string[] {
  const into = `INSERT INTO ${quoteIdent(changeTable(job))} (tbl, op, old_key, new_key)`;
  const t = quoteIdent(table);
  const name = literal(table);
  return [
    `CREATE TRIGGER ${quoteIdent(triggerName(job, 'i', table))} AFTER INSERT ON ${t} BEGIN ${into} VALUES (${name}, '${OPS.insert}', NULL, ${keyOf('NEW', key)}); END`,
    `CREATE TRIGGER ${quoteIdent(triggerName(job, 'u', table))} AFTER UPDATE ON ${t} BEGIN ${into} VALUES (${name}, '${OPS.update}', ${keyOf('OLD', key)}, ${keyOf('NEW', key)}); END`,
    `CREATE TRIGGER ${quoteIdent(triggerName(job, 'd', table))} AFTER DELETE ON ${t} BEGIN ${into} VALUES (${name}, '${OPS.delete}', ${keyOf('OLD', key)}, NULL); END`,
  ];
}

/** The job's triggers, found by the change table they write to (a name prefix could be another job's). */
export const jobTriggersSql = (job: string): string =>
  `SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'trigger' AND instr(sql, ${literal(quoteIdent(changeTable(job)))}) > 0`;
