import type { Client } from 'pg';
import type { DbTarget } from '../adapter.js';
import type { ChangeColumn } from '../changes.js';
import { type Attribute, attributesState } from './change-events.js';
import type { TableName } from '../rows.js';
import { openPg } from './capture-setup.js';
import { qname, quoteLiteral } from './sql-text.js';

/**
 * The tables' columns as the stream describes them at a slot's consistent point: read in the
 * snapshot the slot exported, where pg_attribute is the snapshot's (an ALTER since is not seen), and
 * spelt as pgoutput's relation messages are (change-events.ts): `format_type` of the type and
 * modifier, generated columns left out, `key` for the replica identity's columns (every column
 * under REPLICA IDENTITY FULL). One list per table, in the order given; undefined for a table the
 * snapshot does not have. And the stream's state there (their columns' numbers: change-events.ts),
 * stored with the hand-off's position, so that a column renamed before the job's stream first
 * describes its table is told as a rename even if the job was stopped in between.
 */
export async function snapshotColumns(
  target: DbTarget,
  snapshot: string,
  tables: readonly TableName[],
  serverVersion: number,
): Promise<{ columns: (readonly ChangeColumn[] | undefined)[]; storage: readonly SnapshotStorage[]; state: string }> {
  const client = await openPg(target);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)}`);
    // attgenerated came with PostgreSQL 12.
    const generated = serverVersion >= 120000 ? "AND a.attgenerated = ''" : '';
    const { rows } = await client.query<{ i: string; rel: string; num: number; name: string; type: string; key: boolean }>(
      `SELECT t.i::text AS i, c.oid::int8 AS rel, a.attnum AS num, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              CASE c.relreplident WHEN 'f' THEN true WHEN 'n' THEN false
                ELSE EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND a.attnum = ANY (x.indkey)
                                AND CASE WHEN c.relreplident = 'i' THEN x.indisreplident ELSE x.indisprimary END) END AS key
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i)
         JOIN pg_class c ON c.oid = to_regclass(t.name)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ${generated}
        ORDER BY t.i, a.attnum`,
      [tables.map(qname)],
    );
    // Each table's storage (its partitions' for a partitioned one) as the snapshot sees it: a rewrite since gives it another file.
    const storage = await client.query<SnapshotStorage>(
      `WITH RECURSIVE rel(oid) AS (
         SELECT to_regclass(t.name)::oid FROM unnest($1::text[]) AS t(name)
         UNION SELECT i.inhrelid FROM pg_inherits i JOIN rel ON i.inhparent = rel.oid)
       SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name, c.relfilenode::text AS node
         FROM rel JOIN pg_class c ON c.oid = rel.oid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r'`,
      [tables.map(qname)],
    );
    await client.query('COMMIT');
    const columns: ChangeColumn[][] = tables.map(() => []);
    const numbered = new Map<number, Attribute[]>();
    for (const r of rows) {
      columns[Number(r.i) - 1]?.push({ name: r.name, type: r.type, key: r.key });
      const rel = Number(r.rel);
      const list = numbered.get(rel) ?? [];
      list.push({ name: r.name, num: r.num });
      numbered.set(rel, list);
    }
    return { columns: columns.map((c) => (c.length === 0 ? undefined : c)), storage: storage.rows, state: attributesState(numbered) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A table's file as a snapshot sees it. */
export interface SnapshotStorage {
  readonly oid: string;
  /** `schema.name`. */
  readonly name: string;
  readonly node: string;
}

/** The tables whose file is another now than the snapshot saw (rewritten since), or that are gone. */
export async function rewrittenSince(client: Client, storage: readonly SnapshotStorage[]): Promise<string[]> {
  if (storage.length === 0) return [];
  const { rows } = await client.query<{ oid: string; node: string }>(
    'SELECT oid::text AS oid, relfilenode::text AS node FROM pg_class WHERE oid = ANY ($1::oid[])',
    [storage.map((s) => s.oid)],
  );
  const now = new Map(rows.map((r) => [r.oid, r.node]));
  return storage.filter((s) => now.get(s.oid) !== s.node).map((s) => s.name);
}
