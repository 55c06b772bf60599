import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { chunksOf, type ApplyTransaction, type ChangeTarget, type StoredPosition } from '../change-apply.js';
import type { Row } from '../rows.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';
import { loadPg } from './load-pg.js';
import { SESSION_SETTINGS } from './rows.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * PostgreSQL as a replication target: multi-row INSERT ... ON CONFLICT by key, in one transaction
 * with the job's row in `redb.replication`. The session runs with session_replication_role =
 * replica where the login may (as PostgreSQL's own subscriber does): the target's triggers and
 * foreign-key checks do not fire on replicated rows, which arrive in the source's commit order.
 */

const TABLE = `${HISTORY_SCHEMA}.replication`;
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${TABLE} (job text PRIMARY KEY, source text NOT NULL, position text NOT NULL, committed_at text, applied_at text NOT NULL)`;
/** Bind parameters per statement stay well under the protocol's 65535. */
const PARAMETERS = 30_000;

interface PositionRow {
  job: string;
  source: string;
  position: string;
  committed_at: string | null;
  applied_at: string;
}
const fromRow = (r: PositionRow): StoredPosition => ({
  job: r.job,
  source: r.source,
  position: r.position,
  committedAt: r.committed_at ?? undefined,
  appliedAt: r.applied_at,
});

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function openPostgresChangeTarget(target: DbTarget): Promise<ChangeTarget> {
  const pg = await loadPg();
  const client: Client = new pg.Client({ connectionString: target.url, application_name: 'redb replicate', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    throw errors.dbUnreachable(target.name, message(inner)).because(e);
  }
  for (const [name, value] of Object.entries(SESSION_SETTINGS)) await client.query(`SET ${name} TO '${value}'`);
  await client.query('SET session_replication_role = replica').catch(() => undefined);
  let ensured = false;
  const ensure = async () => {
    if (!ensured) await client.query(CREATE);
    ensured = true;
  };
  const exists = async () => (await client.query<{ t: string | null }>(`SELECT to_regclass('${TABLE}')::text AS t`)).rows[0]?.t != null;

  const tx: ApplyTransaction = {
    async upsert(table, columns, key, rows) {
      if (rows.length === 0) return;
      const conflict = columns.filter((c) => !key.includes(c));
      const onConflict =
        conflict.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${conflict.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
      for (const part of chunksOf(rows, Math.max(1, Math.floor(PARAMETERS / Math.max(1, columns.length))))) {
        const values: unknown[] = [];
        const tuples = part.map((row: Row) => `(${row.map((v) => `$${values.push(v ?? null)}`).join(', ')})`);
        await client.query(
          `INSERT INTO ${qname(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${onConflict}`,
          values,
        );
      }
    },
    async update(table, columns, values, key, keyValues) {
      if (columns.length === 0) return;
      const params = [...values.map((v) => v ?? null), ...keyValues];
      const set = columns.map((c, i) => `${quoteIdent(c)} = $${i + 1}`).join(', ');
      const where = key.map((k, i) => `${quoteIdent(k)} = $${columns.length + i + 1}`).join(' AND ');
      await client.query(`UPDATE ${qname(table)} SET ${set} WHERE ${where}`, params);
    },
    async delete(table, key, keys) {
      for (const part of chunksOf(keys, Math.max(1, Math.floor(PARAMETERS / Math.max(1, key.length))))) {
        const values: unknown[] = [];
        const tuples = part.map((k) => `(${k.map((v) => `$${values.push(v)}`).join(', ')})`);
        await client.query(`DELETE FROM ${qname(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${tuples.join(', ')})`, values);
      }
    },
    async truncate(tables) {
      // TRUNCATE is transactional here, but takes a lock readers of the target would queue behind: DELETE does not.
      for (const t of tables) await client.query(`DELETE FROM ${qname(t)}`);
    },
    async schema(statements) {
      await client.query('SAVEPOINT redb_schema');
      try {
        for (const sql of statements) await client.query(sql);
      } catch (e) {
        await client.query('ROLLBACK TO SAVEPOINT redb_schema');
        throw e;
      } finally {
        await client.query('RELEASE SAVEPOINT redb_schema');
      }
    },
    async commit(p: StoredPosition) {
      await client.query(
        `INSERT INTO ${TABLE} (job, source, position, committed_at, applied_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job) DO UPDATE SET source = EXCLUDED.source, position = EXCLUDED.position, committed_at = EXCLUDED.committed_at, applied_at = EXCLUDED.applied_at`,
        [p.job, p.source, p.position, p.committedAt ?? null, p.appliedAt],
      );
      await client.query('COMMIT');
    },
    async rollback() {
      await client.query('ROLLBACK').catch(() => undefined);
    },
  };

  return {
    async readPosition(job) {
      if (!(await exists())) return undefined;
      const { rows } = await client.query<PositionRow>(`SELECT job, source, position, committed_at, applied_at FROM ${TABLE} WHERE job = $1`, [job]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    async listPositions() {
      if (!(await exists())) return [];
      return (await client.query<PositionRow>(`SELECT job, source, position, committed_at, applied_at FROM ${TABLE} ORDER BY job`)).rows.map(fromRow);
    },
    async begin() {
      await ensure();
      await client.query('BEGIN');
      return tx;
    },
    async dropPosition(job) {
      if (await exists()) await client.query(`DELETE FROM ${TABLE} WHERE job = $1`, [job]);
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
