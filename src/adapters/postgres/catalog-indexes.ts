/**
 * Catalog queries for indexes (see catalog-tables.ts for the conventions). pg_get_indexdef() builds
 * the table's relation cache entry and deparses the whole index at every call, so an index whose
 * keys are all plain columns is read from pg_index alone: its key columns by attribute number
 * (named from the column rows), DESC and NULLS from indoption. What the server would print after
 * such a key (COLLATE, operator class) depends only on the column's type and collation and the
 * key's own, so it is asked once per distinct combination (KEY_DECORATIONS) rather than per key.
 * Expression keys and operator class options still come from pg_get_indexdef().
 */

import { description, userNs } from './catalog-sql.js';

export interface RawIndex {
  rel: string;
  name: string;
  method: string;
  am: string;
  unique: boolean;
  nulls_not_distinct: boolean;
  key_count: number;
  attnums: number[];
  classes: string[];
  collations: string[];
  options: number[];
  /** The server's own text: only for indexes with expression keys or operator class options. */
  def: string | null;
  key_texts: string[] | null;
  predicate: string | null;
  reloptions: string[] | null;
  comment: string | null;
  tablespace: string | null;
}
// Indexes that back a constraint come back with the constraint; a partition's copy of a partitioned
// index comes back with the parent's.
export const INDEXES = `
SELECT i.indrelid::text AS rel, ic.relname AS name, am.amname AS method, ic.relam::text AS am, i.indisunique AS unique,
       i.indnullsnotdistinct AS nulls_not_distinct, i.indnkeyatts AS key_count, i.indkey::int2[] AS attnums,
       i.indclass::oid[]::text[] AS classes, i.indcollation::oid[]::text[] AS collations, i.indoption::int2[] AS options,
       CASE WHEN p.printed THEN pg_get_indexdef(i.indexrelid, 0, true) END AS def,
       CASE WHEN p.printed THEN array(
         SELECT CASE WHEN u.n = 0 THEN pg_get_indexdef(i.indexrelid, u.o::int, true) ELSE quote_ident(a.attname) END
           FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n
          WHERE u.o <= i.indnkeyatts ORDER BY u.o) END AS key_texts,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, ic.reloptions::text[] AS reloptions, ds.description AS comment,
       tsp.spcname AS tablespace
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_tablespace tsp ON tsp.oid = ic.reltablespace
  JOIN pg_namespace n ON n.oid = ic.relnamespace
  CROSS JOIN LATERAL (SELECT i.indexprs IS NOT NULL OR EXISTS (SELECT 1 FROM pg_attribute ia WHERE ia.attrelid = i.indexrelid AND ia.attoptions IS NOT NULL) AS printed OFFSET 0) p
  LEFT JOIN ${description('ds', 'i.indexrelid', 'pg_class')}
 WHERE ${userNs('n')}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
   AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)`;

/** One kind of plain column key: the column's type and collation, the index's method, the key's operator class and collation. */
export interface KeySignature {
  readonly type: string;
  readonly am: string;
  readonly opclass: string;
  readonly collation: string;
  readonly columnCollation: string;
}

export interface RawKeyDecoration {
  /** The signature as signatureKey() spells it (index-def.ts). */
  signature: string;
  opclass: string | null;
  collation: string | null;
}
/**
 * What pg_get_indexdef() prints after a plain column key, for each signature of the plain column
 * keys of the indexes in user schemas (of every index: a few more than INDEXES needs, and no
 * parameter, so that it goes to the server with the other catalog queries, in one string): the
 * collation unless it is the column's, and the operator class unless it is the default for the
 * column's type, found as GetDefaultOpClass() finds it (domains by their base type; an exact input
 * type first, else a single binary-coercible one, preferring the category's preferred type). Names
 * are printed as with search_path = '': bare in pg_catalog, qualified elsewhere. Each key's column
 * is looked up by (relation, number) on pg_attribute's index: as a join, the planner hashes every
 * column of the database against the keys, several times slower at thousands of tables.
 */
export const KEY_DECORATIONS = `
SELECT p.typ::text || ':' || p.am::text || ':' || p.cls::text || ':' || p.coll::text || ':' || p.attcoll::text AS signature,
       CASE WHEN p.cls = d.opc THEN NULL WHEN opn.nspname = 'pg_catalog' THEN quote_ident(opc.opcname)
            ELSE quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END AS opclass,
       CASE WHEN p.coll = 0 OR p.coll = p.attcoll THEN NULL WHEN cn.nspname = 'pg_catalog' THEN co.collname::text
            ELSE '"' || replace(cn.nspname, '"', '""') || '"."' || replace(co.collname, '"', '""') || '"' END AS collation
  FROM (SELECT DISTINCT a.atttypid AS typ, ic.relam AS am, k.cls, k.coll, a.attcollation AS attcoll
          FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[]) WITH ORDINALITY k(num, cls, coll, o)
         CROSS JOIN LATERAL (SELECT a.atttypid, a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = k.num OFFSET 0) a
         WHERE k.num <> 0 AND k.o <= i.indnkeyatts AND ${userNs('n')}) p
  JOIN pg_opclass opc ON opc.oid = p.cls JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
  LEFT JOIN pg_collation co ON co.oid = p.coll LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  CROSS JOIN LATERAL (
    WITH RECURSIVE base AS (
      SELECT t.oid, t.typtype, t.typbasetype FROM pg_type t WHERE t.oid = p.typ
      UNION ALL SELECT t.oid, t.typtype, t.typbasetype FROM base b JOIN pg_type t ON t.oid = b.typbasetype WHERE b.typtype = 'd')
    SELECT bt.oid, bt.typtype, bt.typcategory, bt.typrelid,
           bt.typelem <> 0 AND bt.typsubscript = 'pg_catalog.array_subscript_handler'::regproc AS is_array,
           coalesce(et.typrelid <> 0, false) AS complex_elem
      FROM base b JOIN pg_type bt ON bt.oid = b.oid LEFT JOIN pg_type et ON et.oid = bt.typelem
     WHERE b.typtype <> 'd') bt
  CROSS JOIN LATERAL (
    SELECT CASE WHEN count(*) FILTER (WHERE c.exact) = 1 THEN min(o.oid) FILTER (WHERE c.exact)
                WHEN count(*) FILTER (WHERE c.exact) > 1 THEN NULL
                WHEN count(*) FILTER (WHERE c.compat AND c.pref) = 1 THEN min(o.oid) FILTER (WHERE c.compat AND c.pref)
                WHEN count(*) FILTER (WHERE c.compat AND c.pref) = 0 AND count(*) FILTER (WHERE c.compat) = 1 THEN min(o.oid) FILTER (WHERE c.compat)
           END AS opc
      FROM pg_opclass o JOIN pg_type ot ON ot.oid = o.opcintype
     CROSS JOIN LATERAL (SELECT o.opcintype = bt.oid AS exact,
             o.opcintype <> bt.oid AND (
               o.opcintype IN ('pg_catalog.any'::regtype, 'pg_catalog.anyelement'::regtype, 'pg_catalog.anycompatible'::regtype)
               OR (o.opcintype IN ('pg_catalog.anyarray'::regtype, 'pg_catalog.anycompatiblearray'::regtype) AND bt.is_array)
               OR (o.opcintype IN ('pg_catalog.anynonarray'::regtype, 'pg_catalog.anycompatiblenonarray'::regtype) AND NOT bt.is_array)
               OR (o.opcintype = 'pg_catalog.anyenum'::regtype AND bt.typtype = 'e')
               OR (o.opcintype IN ('pg_catalog.anyrange'::regtype, 'pg_catalog.anycompatiblerange'::regtype) AND bt.typtype = 'r')
               OR (o.opcintype IN ('pg_catalog.anymultirange'::regtype, 'pg_catalog.anycompatiblemultirange'::regtype) AND bt.typtype = 'm')
               OR (o.opcintype = 'pg_catalog.record'::regtype AND bt.typrelid <> 0)
               OR (o.opcintype = 'pg_catalog._record'::regtype AND bt.is_array AND bt.complex_elem)
               OR EXISTS (SELECT 1 FROM pg_cast k WHERE k.castsource = bt.oid AND k.casttarget = o.opcintype AND k.castmethod = 'b' AND k.castcontext = 'i')
             ) AS compat,
             ot.typcategory = bt.typcategory AND ot.typispreferred AS pref) c
     WHERE o.opcmethod = p.am AND o.opcdefault) d`;
