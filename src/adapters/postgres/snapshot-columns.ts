import type { DbTarget } from '../adapter.js';
import type { ChangeColumn } from '../changes.js';
import type { TableName } from '../rows.js';
import { openPg } from './capture-setup.js';
import { qname, quoteLiteral } from './sql-text.js';

/**
 * The tables' columns as the stream describes them at a slot's consistent point: read in the
 * snapshot the slot exported, where pg_attribute is the snapshot's (an ALTER since is not seen), and
 * spelt as pgoutput's relation messages are (change-events.ts): `format_type` of the type and
 * modifier, generated columns left out, `key` for the replica identity's columns (every column
 * under REPLICA IDENTITY FULL). One list per table, in the order given; undefined for a table the
 * snapshot does not have.
 */
export async function snapshotColumns(
  target: DbTarget,
  snapshot: string,
  tables: readonly TableName[],
  serverVersion: number,
): Promise<(readonly ChangeColumn[] | undefined)[]> {
  const client = await openPg(target);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)}`);
    // attgenerated came with PostgreSQL 12.
    const generated = serverVersion >= 120000 ? "AND a.attgenerated = ''" : '';
    const { rows } = await client.query<{ i: string; name: string; type: string; key: boolean }>(
      `SELECT t.i::text AS i, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              CASE c.relreplident WHEN 'f' THEN true WHEN 'n' THEN false
                ELSE EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND a.attnum = ANY (x.indkey)
                                AND CASE WHEN c.relreplident = 'i' THEN x.indisreplident ELSE x.indisprimary END) END AS key
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i)
         JOIN pg_class c ON c.oid = to_regclass(t.name)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ${generated}
        ORDER BY t.i, a.attnum`,
      [tables.map(qname)],
    );
    await client.query('COMMIT');
    const columns: ChangeColumn[][] = tables.map(() => []);
    for (const r of rows) columns[Number(r.i) - 1]?.push({ name: r.name, type: r.type, key: r.key });
    return columns.map((c) => (c.length === 0 ? undefined : c));
  } finally {
    await client.end().catch(() => undefined);
  }
}
