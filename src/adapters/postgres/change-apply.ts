import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { chunksOf, type ApplyTransaction, type ChangeTarget, type StoredPosition } from '../change-apply.js';
import type { Row, TableName } from '../rows.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';
import { loadPg } from './load-pg.js';
import { copyWriter, SESSION_SETTINGS } from './rows.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * PostgreSQL as a replication target: rows upserted by key (INSERT ... ON CONFLICT), in one
 * transaction with the job's row in `redb.replication`. A large batch is copied (COPY, clone's
 * bulk path) into a temporary staging table of the batch's columns and applied from there in one
 * statement, which the server does about four times faster than the same rows as bound parameters;
 * a small one goes as one multi-row statement. Where the applier says what the source's log did,
 * rows it inserted are copied straight into their table and rows it updated are updated by key,
 * each falling back to the upsert when the target disagrees (a replay). The session runs with session_replication_role =
 * replica where the login may (as PostgreSQL's own subscriber does): the target's triggers and
 * foreign-key checks do not fire on replicated rows, which arrive in the source's commit order.
 */

const TABLE = `${HISTORY_SCHEMA}.replication`;
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${TABLE} (job text PRIMARY KEY, source text NOT NULL, position text NOT NULL, committed_at text, applied_at text NOT NULL, source_state text);
ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS source_state text`;
/** Bind parameters per statement stay well under the protocol's 65535. */
const PARAMETERS = 30_000;
/** Batches of at least this many rows are applied through a staging table. */
const STAGED_ROWS = 100;
/**
 * Savepoints (each a subtransaction once it writes) per target transaction for rows copied
 * straight into their table. Past PostgreSQL's 64 cached per backend, every snapshot taken on the
 * target while the transaction is open has to look subtransactions up: the rest go through the staging table.
 */
const DIRECT_COPIES = 32;
const UNIQUE_VIOLATION = '23505';

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
  const replica = await client.query('SET session_replication_role = replica').then(
    () => true,
    () => false,
  );
  let ensured = false;
  const ensure = async () => {
    if (!ensured) await client.query(CREATE);
    ensured = true;
  };
  const exists = async () => (await client.query<{ t: string | null }>(`SELECT to_regclass('${TABLE}')::text AS t`)).rows[0]?.t != null;
  const copy = copyWriter(client, target.name);
  /** Staging tables made in this session (a rolled-back transaction takes its own with it: they are made again, IF NOT EXISTS). */
  const stages = new Map<string, string>();
  /** An empty temporary table with the types of `columns` of `table`, named for them (so a later one of other columns is another). */
  const stage = async (table: TableName, columns: readonly string[]): Promise<string> => {
    const id = JSON.stringify([table.schema ?? null, table.name, columns]);
    let name = stages.get(id);
    if (name === undefined) {
      name = `redb_stage_${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
      await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${name} AS SELECT ${columns.map(quoteIdent).join(', ')} FROM ${qname(table)} WITH NO DATA`);
      stages.set(id, name);
    }
    return name;
  };
  /** Rows copied into a staging table for `apply`, which is emptied after (TRUNCATE: a temporary table's is cheap and leaves no dead rows). */
  const staged = async (table: TableName, columns: readonly string[], rows: readonly (readonly unknown[])[], apply: (stage: string) => string) => {
    const name = await stage(table, columns);
    // COPY only reads the rows.
    await copy.write({ name }, columns, rows as readonly Row[]);
    await client.query(apply(name));
    await client.query(`TRUNCATE ${name}`);
  };

  /** Direct copies in the open transaction. */
  let direct = 0;
  /**
   * Rows the source inserted, copied straight into their table (the bulk path clone takes) under a
   * savepoint: a key already there (a replay) rolls it back, and the caller upserts them instead.
   */
  const copyNew = async (table: TableName, columns: readonly string[], rows: readonly Row[]): Promise<boolean> => {
    direct++;
    await client.query('SAVEPOINT redb_rows');
    try {
      await copy.write(table, columns, rows);
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT redb_rows');
      await client.query('RELEASE SAVEPOINT redb_rows');
      if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
      throw e;
    }
    await client.query('RELEASE SAVEPOINT redb_rows');
    return true;
  };

  const tx: ApplyTransaction = {
    async upsert(table, columns, key, rows, expect) {
      if (rows.length === 0) return;
      const conflict = columns.filter((c) => !key.includes(c));
      const onConflict =
        conflict.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${conflict.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
      const list = columns.map(quoteIdent).join(', ');
      const upsertFrom = (s: string) =>
        `INSERT INTO ${qname(table)} (${list}) SELECT ${list} FROM ${s} ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${onConflict}`;
      if (rows.length >= STAGED_ROWS && expect === 'new' && direct < DIRECT_COPIES && (await copyNew(table, columns, rows))) return;
      // Rows the source updated: UPDATE ... FROM the staging table by key (an index probe a row, which the
      // planner would trade for a scan of the whole table), less work on the server than an upsert. A row
      // not there (a replay, or one copied after the stream's position) makes it the upsert of the batch.
      if (rows.length >= STAGED_ROWS && expect === 'existing' && conflict.length > 0) {
        const name = await stage(table, columns);
        await copy.write({ name }, columns, rows);
        const on = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
        const set = conflict.map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ');
        // The planner's join settings last for this statement alone (SET LOCAL ... TO DEFAULT after).
        const results = (await client.query(
          `SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; UPDATE ${qname(table)} AS t SET ${set} FROM ${name} AS s WHERE ${on}; SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT`,
        )) as unknown as { rowCount: number | null }[];
        if ((results[2]?.rowCount ?? 0) < rows.length) await client.query(upsertFrom(name));
        await client.query(`TRUNCATE ${name}`);
        return;
      }
      if (rows.length >= STAGED_ROWS) return staged(table, columns, rows, upsertFrom);
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
      if (keys.length >= STAGED_ROWS) {
        const on = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
        // By key, an index probe a row, as the updates above: the planner would scan the whole table for a hash join.
        return staged(
          table,
          key,
          keys,
          (s) =>
            `SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; DELETE FROM ${qname(table)} AS t USING ${s} AS s WHERE ${on}; SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT`,
        );
      }
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
        // A staging table keeps the types its table had: made again after a change.
        for (const name of stages.values()) await client.query(`DROP TABLE IF EXISTS pg_temp.${name}`);
        stages.clear();
      } catch (e) {
        await client.query('ROLLBACK TO SAVEPOINT redb_schema');
        throw e;
      } finally {
        await client.query('RELEASE SAVEPOINT redb_schema');
      }
    },
    async commit(p: StoredPosition) {
      await client.query(
        `INSERT INTO ${TABLE} (job, source, position, committed_at, applied_at, source_state) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (job) DO UPDATE SET source = EXCLUDED.source, position = EXCLUDED.position, committed_at = EXCLUDED.committed_at, applied_at = EXCLUDED.applied_at,
           source_state = COALESCE(EXCLUDED.source_state, ${TABLE}.source_state)`,
        [p.job, p.source, p.position, p.committedAt ?? null, p.appliedAt, p.state ?? null],
      );
      await client.query('COMMIT');
    },
    async rollback() {
      stages.clear();
      await client.query('ROLLBACK').catch(() => undefined);
    },
  };

  return {
    checksForeignKeys: !replica,
    async readPosition(job) {
      if (!(await exists())) return undefined;
      const { rows } = await client.query<PositionRow>(`SELECT * FROM ${TABLE} WHERE job = $1`, [job]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    async listPositions() {
      if (!(await exists())) return [];
      return (await client.query<PositionRow>(`SELECT * FROM ${TABLE} ORDER BY job`)).rows.map(fromRow);
    },
    async begin() {
      await ensure();
      await client.query('BEGIN');
      direct = 0;
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
