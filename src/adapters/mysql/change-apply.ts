import type { DbTarget } from '../adapter.js';
import type { ApplyTransaction, ChangeTarget, StoredPosition } from '../change-apply.js';
import type { TableName } from '../rows.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { quoteIdent } from './sql-text.js';

type Driver = import('mysql2/promise').Connection;

/**
 * MariaDB/MySQL as a replication target: multi-row INSERT ... ON DUPLICATE KEY UPDATE, in one
 * InnoDB transaction with the job's row in `redb`.`replication` (the server's redb database, beside
 * the migration history, keyed by the target database's name and the job). Foreign-key checks are
 * off for the session: rows arrive in the source's commit order, which the source checked.
 */

const TABLE = '`redb`.`replication`';
const CREATE = [
  'CREATE DATABASE IF NOT EXISTS `redb`',
  `CREATE TABLE IF NOT EXISTS ${TABLE} (database_name varchar(64) NOT NULL, job varchar(64) NOT NULL, source text NOT NULL, position text NOT NULL,
    committed_at varchar(40), applied_at varchar(40) NOT NULL, source_state mediumtext, PRIMARY KEY (database_name, job)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];
/** A table made by an earlier redb has no column for the source's state (MySQL has no ADD COLUMN IF NOT EXISTS). */
const STATE_COLUMN = "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'replication' AND COLUMN_NAME = 'source_state'";
/** Statements stay well under max_allowed_packet. */
const STATEMENT_BYTES = 1 << 20;

interface PositionRow {
  job: string;
  source: string;
  position: string;
  committed_at: string | null;
  applied_at: string;
  source_state?: string | null;
}
const fromRow = (r: PositionRow): StoredPosition => ({
  job: r.job,
  source: r.source,
  position: r.position,
  committedAt: r.committed_at ?? undefined,
  appliedAt: r.applied_at,
  ...(r.source_state == null ? {} : { state: r.source_state }),
});
const name = (t: TableName): string => quoteIdent(t.name);

export async function openMysqlChangeTarget(target: DbTarget): Promise<ChangeTarget> {
  const database = parseMysqlUrl(target.url).database;
  const driver: Driver = await openMysql(target, { jsonStrings: true });
  await driver.query("SET time_zone = '+00:00'");
  await driver.query("SET SESSION foreign_key_checks = 0, sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
  const escape = (value: unknown): string => (typeof value === 'bigint' ? value.toString() : driver.escape(value === undefined ? null : value));
  const query = async <T>(sql: string, values?: unknown[]): Promise<T[]> => (await driver.query(sql, values))[0] as T[];
  let ensured = false;
  const ensure = async () => {
    if (!ensured) {
      for (const sql of CREATE) await driver.query(sql);
      if ((await query(STATE_COLUMN)).length === 0) await driver.query(`ALTER TABLE ${TABLE} ADD COLUMN source_state mediumtext`);
    }
    ensured = true;
  };
  const exists = async () => (await query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'redb' AND TABLE_NAME = 'replication'")).length > 0;
  const keyTuple = (key: readonly string[]) => (key.length === 1 ? quoteIdent(key[0] as string) : `(${key.map(quoteIdent).join(', ')})`);
  const valueTuple = (values: readonly unknown[]) => (values.length === 1 ? escape(values[0]) : `(${values.map(escape).join(', ')})`);

  const tx: ApplyTransaction = {
    async upsert(table, columns, key, rows) {
      const rest = columns.filter((c) => !key.includes(c));
      // With nothing but the key, a row already there stays as it is.
      const tail =
        rest.length === 0
          ? ` ON DUPLICATE KEY UPDATE ${quoteIdent(key[0] as string)} = ${quoteIdent(key[0] as string)}`
          : ` ON DUPLICATE KEY UPDATE ${rest.map((c) => `${quoteIdent(c)} = VALUES(${quoteIdent(c)})`).join(', ')}`;
      const head = `INSERT INTO ${name(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
      let tuples: string[] = [];
      let bytes = 0;
      for (const row of rows) {
        const tuple = `(${row.map(escape).join(', ')})`;
        if (bytes + tuple.length > STATEMENT_BYTES && tuples.length > 0) {
          await driver.query(head + tuples.join(', ') + tail);
          tuples = [];
          bytes = 0;
        }
        tuples.push(tuple);
        bytes += tuple.length + 2;
      }
      if (tuples.length > 0) await driver.query(head + tuples.join(', ') + tail);
    },
    async update(table, columns, values, key, keyValues) {
      if (columns.length === 0) return;
      const set = columns.map((c, i) => `${quoteIdent(c)} = ${escape(values[i])}`).join(', ');
      const where = key.map((k, i) => `${quoteIdent(k)} = ${escape(keyValues[i])}`).join(' AND ');
      await driver.query(`UPDATE ${name(table)} SET ${set} WHERE ${where}`);
    },
    async delete(table, key, keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        await driver.query(
          `DELETE FROM ${name(table)} WHERE ${keyTuple(key)} IN (${keys
            .slice(i, i + 1000)
            .map(valueTuple)
            .join(', ')})`,
        );
      }
    },
    async truncate(tables) {
      // TRUNCATE would commit the transaction.
      for (const t of tables) await driver.query(`DELETE FROM ${name(t)}`);
    },
    async schema(statements) {
      // Each DDL statement commits on its own: the rows before it are committed now, without a position.
      await driver.query('COMMIT');
      try {
        for (const sql of statements) await driver.query(sql);
      } finally {
        await driver.query('START TRANSACTION');
      }
    },
    async commit(p) {
      await driver.query(
        `INSERT INTO ${TABLE} (database_name, job, source, position, committed_at, applied_at, source_state) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE source = VALUES(source), position = VALUES(position), committed_at = VALUES(committed_at), applied_at = VALUES(applied_at),
           source_state = COALESCE(VALUES(source_state), source_state)`,
        [database, p.job, p.source, p.position, p.committedAt ?? null, p.appliedAt, p.state ?? null],
      );
      await driver.query('COMMIT');
    },
    async rollback() {
      await driver.query('ROLLBACK').catch(() => undefined);
    },
  };

  return {
    checksForeignKeys: false,
    async readPosition(job) {
      if (!(await exists())) return undefined;
      const [row] = await query<PositionRow>(`SELECT * FROM ${TABLE} WHERE database_name = ? AND job = ?`, [database, job]);
      return row === undefined ? undefined : fromRow(row);
    },
    async listPositions() {
      if (!(await exists())) return [];
      return (await query<PositionRow>(`SELECT * FROM ${TABLE} WHERE database_name = ? ORDER BY job`, [database])).map(fromRow);
    },
    async begin() {
      await ensure();
      await driver.query('START TRANSACTION');
      return tx;
    },
    async dropPosition(job) {
      if (await exists()) await driver.query(`DELETE FROM ${TABLE} WHERE database_name = ? AND job = ?`, [database, job]);
    },
    async close() {
      await driver.end().catch(() => undefined);
    },
  };
}
