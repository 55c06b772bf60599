import type { ClientBase } from 'pg';
import type { MigrationRecord } from '../adapter.js';
import { HISTORY_SCHEMA } from './catalog-sql.js';

/** `redb.migrations` in the migrated database: a schema of its own, which the introspector skips. */
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${HISTORY_SCHEMA}.migrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, commit_id text, plan_hash text NOT NULL, statements jsonb NOT NULL,
  started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, outcome text NOT NULL, error text)`;

interface Row {
  commit_id: string | null;
  plan_hash: string;
  statements: string[];
  started_at: Date;
  finished_at: Date;
  outcome: 'applied' | 'failed';
  error: string | null;
}

export async function recordMigration(client: ClientBase, r: MigrationRecord): Promise<void> {
  await client.query(CREATE);
  await client.query(
    `INSERT INTO ${HISTORY_SCHEMA}.migrations (commit_id, plan_hash, statements, started_at, finished_at, outcome, error) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [r.commit ?? null, r.planHash, JSON.stringify(r.statements), r.startedAt, r.finishedAt, r.outcome, r.error ?? null],
  );
}

export async function readHistory(client: ClientBase): Promise<MigrationRecord[]> {
  const exists = await client.query(`SELECT to_regclass('${HISTORY_SCHEMA}.migrations') IS NOT NULL AS present`);
  if ((exists.rows[0] as { present: boolean } | undefined)?.present !== true) return [];
  const { rows } = await client.query<Row>(`SELECT commit_id, plan_hash, statements, started_at, finished_at, outcome, error FROM ${HISTORY_SCHEMA}.migrations ORDER BY id DESC`);
  return rows.map((row) => ({
    commit: row.commit_id ?? undefined,
    planHash: row.plan_hash,
    statements: row.statements,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    outcome: row.outcome,
    error: row.error ?? undefined,
  }));
}
