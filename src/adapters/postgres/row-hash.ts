import type { Client } from 'pg';
import type { TableName } from '../rows.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * A row's 64-bit hash for the checksum by value (rows.ts), cheaper for the server than
 * `hash_record_extended(ROW(...))`: that builds a record of every row and takes it apart again,
 * which cost about as much as the scan itself. Here each column is hashed by its type's own
 * extended hash function (the one a hash index or hash partitioning uses, so equal values hash
 * alike, stable across versions), with a seed of its position so that values swapped between
 * columns change the hash, NULL standing for a constant of that position; the columns' hashes are
 * XORed and mixed into the row's. A row's hash is then summed over the rows, as before. Both sides of a
 * comparison build the same expression from the column list and types alone (never from
 * nullability, which may differ between two databases holding the same rows).
 */

/** The hash of NULL in column `i`: a constant of the position, never a seed. */
const nullHash = (i: number): string => BigInt.asIntN(64, 0x9e3779b97f4a7c15n * BigInt(i + 1)).toString();

interface ColumnHash {
  readonly name: string;
  /** The type's extended hash function, callable on the column as it is (undefined: the column hashed as a one-field record). */
  readonly fn: string | null;
  readonly float: boolean;
}

/**
 * For each column its type's extended hash function, from the type's default hash operator class
 * as the server's own record hash finds it: the class of the type itself, else of the preferred
 * type it is binary-coercible to (text for varchar; never bpchar's, which ignores trailing blanks),
 * when the function takes the column as it is. Floats are hashed by their eight bytes, so -0 and 0,
 * and every NaN, stay apart as before.
 */
async function columnHashes(client: Client, table: TableName, columns: readonly string[]): Promise<ColumnHash[]> {
  const { rows } = await client.query<ColumnHash>(
    `SELECT a.attname::text AS name, a.atttypid IN (700, 701) AS float,
            (SELECT format('%I.%I', n.nspname, p.proname)
               FROM pg_opclass oc
               JOIN pg_amproc ap ON ap.amprocfamily = oc.opcfamily AND ap.amprocnum = 2
                                AND ap.amproclefttype = oc.opcintype AND ap.amprocrighttype = oc.opcintype
               JOIN pg_proc p ON p.oid = ap.amproc
               JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE oc.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hash') AND oc.opcdefault
                AND p.pronargs = 2 AND p.proargtypes[1] = 'int8'::regtype
                AND (p.proargtypes[0] = h.typ OR EXISTS (SELECT 1 FROM pg_cast c WHERE c.castsource = h.typ AND c.casttarget = p.proargtypes[0]
                                                          AND c.castmethod = 'b' AND c.castcontext = 'i'))
                AND (oc.opcintype = h.typ OR EXISTS (SELECT 1 FROM pg_cast c JOIN pg_type t ON t.oid = c.casttarget
                                                      WHERE c.castsource = h.typ AND c.casttarget = oc.opcintype
                                                        AND c.castmethod = 'b' AND c.castcontext = 'i' AND t.typispreferred))
              ORDER BY oc.opcintype = h.typ DESC
              LIMIT 1) AS fn
       FROM pg_attribute a
       CROSS JOIN LATERAL (SELECT CASE WHEN a.atttypid IN (700, 701) THEN 'bytea'::regtype::oid ELSE a.atttypid END AS typ) h
      WHERE a.attrelid = $1::regclass AND a.attname = ANY($2) AND NOT a.attisdropped`,
    [qname(table), columns],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  return columns.map((name) => byName.get(name) ?? { name, fn: null, float: false });
}

/**
 * The SQL of a row's hash over `columns` of `table`. A type whose hash function cannot be called on
 * the column directly (date's takes int4) is hashed as a one-field record; a type without any
 * (json, point) fails the query as the record hash did, and the caller falls back to text.
 */
export async function rowHashSql(client: Client, table: TableName, columns: readonly string[]): Promise<string> {
  const hashes = await columnHashes(client, table, columns);
  const columnsHash = hashes.map((c, i) => {
    const value = c.float ? `pg_catalog.float8send(${quoteIdent(c.name)}::float8)` : quoteIdent(c.name);
    const seed = `${i + 1}::int8`;
    const hash = c.fn === null ? `pg_catalog.hash_record_extended(ROW(${value}), ${seed})` : `${c.fn}(${value}, ${seed})`;
    return `coalesce(${hash}, ${nullHash(i)}::int8)`;
  });
  // Mixed once more: a sum of plain XORs would miss a column's values swapped between two rows with a chance of about
  // (3/4)^63 (the carries alone tell them apart); mixed, each row's hash is a fresh 64-bit value, as the record hash gave.
  return `pg_catalog.hashint8extended((${columnsHash.join(' # ')}), 0)`;
}
