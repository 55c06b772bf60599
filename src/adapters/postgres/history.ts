import type { ClientBase } from 'pg';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_COLUMNS, historyValues, interruptedNote, recordFromRow, type HistoryLog, type HistoryRow } from '../history-rows.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';

/** `redb.migrations` in the migrated database: a schema of its own, which the introspector skips. */
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${HISTORY_SCHEMA}.migrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, commit_id text, plan_hash text NOT NULL, statements jsonb NOT NULL,
  started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, outcome text NOT NULL, error text, executed integer);
ALTER TABLE ${HISTORY_SCHEMA}.migrations ADD COLUMN IF NOT EXISTS executed integer`;

/** Make the table (outside any migration's transaction, so a failure here never costs the migration). */
export async function ensureHistory(client: ClientBase): Promise<void> {
  await client.query(CREATE);
}

/** The rows of a migration; in a transaction, they commit or vanish with it. */
export const historyLog = (client: ClientBase): HistoryLog => ({
  insert: async (r) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO ${HISTORY_SCHEMA}.migrations (${HISTORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      historyValues(r),
    );
    return Number(rows[0]?.id);
  },
  update: async (id, p) => {
    await client.query(`UPDATE ${HISTORY_SCHEMA}.migrations SET outcome = $2, executed = $3, error = $4, finished_at = now() WHERE id = $1`, [
      id,
      p.outcome,
      p.executed,
      p.error ?? null,
    ]);
  },
});

export async function recordMigration(client: ClientBase, r: MigrationRecord): Promise<void> {
  await ensureHistory(client);
  await historyLog(client).insert(r);
}

/** Rows left `running` by a process that ended; called while holding the migrate lock, so none is live. */
export async function settleHistory(client: ClientBase): Promise<void> {
  // Only rows written with `executed` can be running: a table made before it has none.
  if (!(await hasExecuted(client))) return;
  const { rows } = await client.query<{ id: string; statements: string[]; executed: number | null }>(
    `SELECT id, statements, executed FROM ${HISTORY_SCHEMA}.migrations WHERE outcome = 'running'`,
  );
  for (const row of rows) {
    await client.query(`UPDATE ${HISTORY_SCHEMA}.migrations SET outcome = 'interrupted', error = $2 WHERE id = $1`, [
      row.id,
      interruptedNote(row.statements, row.executed ?? 0),
    ]);
  }
}

const hasTable = async (client: ClientBase): Promise<boolean> =>
  (await client.query<{ present: boolean }>(`SELECT to_regclass('${HISTORY_SCHEMA}.migrations') IS NOT NULL AS present`)).rows[0]?.present === true;

const hasExecuted = async (client: ClientBase): Promise<boolean> =>
  (await hasTable(client)) &&
  ((await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = '${HISTORY_SCHEMA}.migrations'::regclass AND attname = 'executed' AND NOT attisdropped`))
    .rowCount ?? 0) > 0;

export async function readHistory(client: ClientBase): Promise<MigrationRecord[]> {
  if (!(await hasTable(client))) return [];
  const select = (await hasExecuted(client)) ? HISTORY_COLUMNS : HISTORY_COLUMNS.replace(', executed', ', NULL AS executed');
  const { rows } = await client.query<HistoryRow>(`SELECT ${select} FROM ${HISTORY_SCHEMA}.migrations ORDER BY id DESC`);
  return rows.map(recordFromRow);
}
