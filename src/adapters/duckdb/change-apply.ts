import type { DbTarget } from '../adapter.js';
import type { ApplyTransaction, ChangeTarget, StoredPosition } from '../change-apply.js';
import type { TableName } from '../rows.js';
import { shapeFor, type Shape } from './bc-dates.js';
import { HISTORY_SCHEMA } from './catalog.js';
import { openDuckdb } from './connect.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * DuckDB as a replication target: INSERT ... ON CONFLICT DO UPDATE by key, in one transaction
 * with the job's row in `redb.replication` (beside the migration history; the introspector skips
 * the schema). The file is held open by the job for as long as it runs (DuckDB lets one process
 * write a file at a time).
 */

const TABLE = `${HISTORY_SCHEMA}.replication`;
const CREATE = `CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA};
CREATE TABLE IF NOT EXISTS ${TABLE} (job VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, position VARCHAR NOT NULL, committed_at VARCHAR, applied_at VARCHAR NOT NULL, source_state VARCHAR);
ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS source_state VARCHAR`;
/** Rows per statement: DuckDB parses every literal, so statements are kept moderate. */
const ROWS = 500;

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  // -0 keeps its sign only as a typed value (String(-0) is "0").
  if (Object.is(value, -0)) return "CAST('-0.0' AS DOUBLE)";
  if (typeof value === 'bigint' || typeof value === 'number')
    return Number.isFinite(value as number) || typeof value === 'bigint' ? String(value) : quoteLiteral(String(value));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Buffer.isBuffer(value)) return `from_hex(${quoteLiteral(value.toString('hex'))})`;
  return textLiteral(String(value));
}

/** DuckDB's parser ends a quoted string at a NUL character: one is spelled chr(0) between the parts. */
const textLiteral = (text: string): string =>
  text.includes('\u0000') ? `(${text.split('\u0000').map(quoteLiteral).join(' || chr(0) || ')})` : quoteLiteral(text);

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

export async function openDuckdbChangeTarget(target: DbTarget): Promise<ChangeTarget> {
  const handle = await openDuckdb(target, { create: true });
  const c = handle.connection;
  await c.run("SET memory_limit = '64MB'; SET wal_autocheckpoint = '4MB'");
  const exists = async () =>
    (
      await c.runAndReadAll(
        `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${HISTORY_SCHEMA}' AND table_name = 'replication'`,
      )
    ).currentRowCount > 0;
  const rowsOf = async (where: string): Promise<StoredPosition[]> => {
    if (!(await exists())) return [];
    // A table made by an earlier redb has no column for the source's state.
    await c.run(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS source_state VARCHAR`);
    const rows = (await c.runAndReadAll(`SELECT job, source, position, committed_at, applied_at, source_state FROM ${TABLE}${where} ORDER BY job`)).getRows();
    return rows.map((r) => {
      const state = text(r[5]);
      return {
        job: String(r[0]),
        source: String(r[1]),
        position: String(r[2]),
        committedAt: text(r[3]),
        appliedAt: String(r[4]),
        ...(state === undefined ? {} : { state }),
      };
    });
  };

  // Column types by table, to reshape values DuckDB would misread as literals (dates before year 1); cleared by schema changes.
  const types = new Map<string, Map<string, string>>();
  const shapesOf = async (table: TableName, columns: readonly string[]): Promise<readonly (Shape | undefined)[]> => {
    let byColumn = types.get(qname(table));
    if (byColumn === undefined) {
      const rows = await c.runAndReadAll(
        `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(table.schema ?? 'main')} AND table_name = ${quoteLiteral(table.name)}`,
      );
      byColumn = new Map(rows.getRows().map((r) => [String(r[0]), String(r[1])]));
      types.set(qname(table), byColumn);
    }
    const known = byColumn;
    return columns.map((x) => shapeFor(known.get(x) ?? ''));
  };
  const literals = (values: readonly unknown[], shapes: readonly (Shape | undefined)[]): string[] =>
    values.map((v, i) => {
      const shape = shapes[i];
      return literal(shape !== undefined && typeof v === 'string' ? shape(v) : v);
    });

  const tx: ApplyTransaction = {
    async upsert(table, columns, key, rows) {
      const rest = columns.filter((x) => !key.includes(x));
      const tail = rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((x) => `${quoteIdent(x)} = excluded.${quoteIdent(x)}`).join(', ')}`;
      const shapes = await shapesOf(table, columns);
      for (let i = 0; i < rows.length; i += ROWS) {
        const tuples = rows.slice(i, i + ROWS).map((row) => `(${literals(row, shapes).join(', ')})`);
        await c.run(
          `INSERT INTO ${qname(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${tail}`,
        );
      }
    },
    async update(table, columns, values, key, keyValues) {
      if (columns.length === 0) return;
      const set = literals(values, await shapesOf(table, columns)).map((v, i) => `${quoteIdent(columns[i] as string)} = ${v}`);
      const where = literals(keyValues, await shapesOf(table, key)).map((v, i) => `${quoteIdent(key[i] as string)} = ${v}`);
      await c.run(`UPDATE ${qname(table)} SET ${set.join(', ')} WHERE ${where.join(' AND ')}`);
    },
    async delete(table, key, keys) {
      const shapes = await shapesOf(table, key);
      for (let i = 0; i < keys.length; i += ROWS) {
        const tuples = keys.slice(i, i + ROWS).map((k) => `(${literals(k, shapes).join(', ')})`);
        await c.run(`DELETE FROM ${qname(table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${tuples.join(', ')})`);
      }
    },
    async truncate(tables) {
      for (const t of tables) await c.run(`DELETE FROM ${qname(t)}`);
    },
    async schema(statements) {
      // ALTER on a table this transaction wrote to is refused: the rows before it are committed now, without a position.
      await c.run('COMMIT');
      types.clear();
      try {
        for (const sql of statements) await c.run(sql);
      } finally {
        await c.run('BEGIN TRANSACTION');
      }
    },
    async commit(p) {
      await c.run(
        `INSERT INTO ${TABLE} (job, source, position, committed_at, applied_at, source_state) VALUES (${[p.job, p.source, p.position, p.committedAt ?? null, p.appliedAt, p.state ?? null].map(literal).join(', ')})
         ON CONFLICT (job) DO UPDATE SET source = excluded.source, position = excluded.position, committed_at = excluded.committed_at, applied_at = excluded.applied_at,
           source_state = COALESCE(excluded.source_state, ${TABLE}.source_state)`,
      );
      await c.run('COMMIT');
    },
    async rollback() {
      await c.run('ROLLBACK').catch(() => undefined);
    },
  };

  return {
    // DuckDB checks foreign keys at once and cannot turn them off.
    checksForeignKeys: true,
    readPosition: async (job) => (await rowsOf(` WHERE job = ${quoteLiteral(job)}`))[0],
    listPositions: () => rowsOf(''),
    async begin() {
      await c.run(CREATE);
      await c.run('BEGIN TRANSACTION');
      return tx;
    },
    async dropPosition(job) {
      if (await exists()) await c.run(`DELETE FROM ${TABLE} WHERE job = ${quoteLiteral(job)}`);
    },
    async close() {
      handle.close();
    },
  };
}
