/**
 * Catalog queries of the PostgreSQL introspector and the raw rows they return. A fixed set of
 * queries reads the whole database, never one per table. They run with `search_path = ''`, so every
 * name the server prints (types, defaults, view bodies) is schema-qualified and means the same thing
 * whatever search path the model is later applied with. Private to the introspector.
 */

import { aclStatements, attNames, collationText, description, notExtension, qualified, userNs } from './catalog-sql.js';

export interface RawRelation {
  oid: string;
  schema: string;
  name: string;
  kind: 'r' | 'p' | 'v' | 'm' | 'S';
  persistence: string;
  reloptions: string[] | null;
  rls: boolean;
  force_rls: boolean;
  partkey: string | null;
  bound: string | null;
  parent_schema: string | null;
  parent_name: string | null;
  inherits: string[] | null;
  viewdef: string | null;
  comment: string | null;
  seq_type: string | null;
  seq_start: string | null;
  seq_increment: string | null;
  seq_min: string | null;
  seq_max: string | null;
  seq_cache: string | null;
  seq_cycle: boolean | null;
  owner_deptype: string | null;
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
  /** GRANT / REVOKE statements where the privileges are not the default ones. */
  grants: string | null;
  tablespace: string | null;
  /** A table access method other than heap (CREATE TABLE ... USING). */
  access_method: string | null;
}
// Parents of legacy inheritance are aggregated once for all tables: a correlated subquery per
// relation costs tens of microseconds each.
export const RELATIONS = `
WITH parents AS (
  SELECT h.inhrelid, array_agg(quote_ident(hn.nspname) || '.' || quote_ident(hc.relname) ORDER BY h.inhseqno) AS names
    FROM pg_inherits h JOIN pg_class hc ON hc.oid = h.inhparent JOIN pg_namespace hn ON hn.oid = hc.relnamespace
   GROUP BY h.inhrelid)
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.relpersistence::text AS persistence, c.reloptions::text[] AS reloptions,
       c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound,
       pn.nspname AS parent_schema, pc.relname AS parent_name,
       CASE WHEN NOT c.relispartition THEN ih.names END AS inherits,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS viewdef,
       ds.description AS comment,
       format_type(s.seqtypid, NULL) AS seq_type, s.seqstart::text AS seq_start, s.seqincrement::text AS seq_increment,
       s.seqmin::text AS seq_min, s.seqmax::text AS seq_max, s.seqcache::text AS seq_cache, s.seqcycle AS seq_cycle,
       od.deptype::text AS owner_deptype, odn.nspname AS owner_schema, odc.relname AS owner_table, oda.attname AS owner_column,
       CASE WHEN c.relacl IS NOT NULL THEN ${aclStatements(
         `CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || ${qualified('n.nspname', 'c.relname')}`,
         'c.relacl',
         `acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)`,
       )} END AS grants,
       tsp.spcname AS tablespace,
       CASE WHEN c.relkind IN ('r', 'm') AND am.amname <> 'heap' THEN am.amname END AS access_method
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_tablespace tsp ON tsp.oid = c.reltablespace
  LEFT JOIN pg_am am ON am.oid = c.relam
  LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
  LEFT JOIN pg_class pc ON pc.oid = i.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  LEFT JOIN parents ih ON ih.inhrelid = c.oid
  LEFT JOIN ${description('ds', 'c.oid', 'pg_class')}
  LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
  LEFT JOIN pg_depend od ON c.relkind = 'S' AND od.classid = 'pg_class'::regclass AND od.objid = c.oid
        AND od.refclassid = 'pg_class'::regclass AND od.refobjsubid > 0 AND od.deptype IN ('a', 'i')
  LEFT JOIN pg_class odc ON odc.oid = od.refobjid LEFT JOIN pg_namespace odn ON odn.oid = odc.relnamespace
  LEFT JOIN pg_attribute oda ON oda.attrelid = od.refobjid AND oda.attnum = od.refobjsubid
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}`;

export interface RawColumn {
  rel: string;
  num: number;
  name: string;
  type_oid: string;
  native: string;
  ndims: number;
  not_null: boolean;
  identity: string;
  generated: string;
  default_expr: string | null;
  /** pg_attribute.attcollation, to tell an index key's own collation from the column's. */
  collation_oid: string;
  collation: string | null;
  comment: string | null;
  id_start: string | null;
  id_increment: string | null;
  id_min: string | null;
  id_max: string | null;
  id_cache: string | null;
  id_cycle: boolean | null;
  /** Schema and name of an identity column's sequence. */
  id_seq_schema: string | null;
  id_seq_name: string | null;
  /** ALTER statements for storage, compression and statistics target where they are not the default. */
  options: string | null;
  grants: string | null;
}
// Attributes of views, materialized views and foreign tables are read too: index keys and column
// privileges name them. The order is restored per
// relation by the introspector, which is cheaper than sorting 100,000 wide rows on the server.
// A default cannot name a column, so it is printed without opening the table (pg_get_expr with a
// relation builds that relation's cache entry, the largest cost of a cold read); a generated
// column's expression names columns and needs it.
/** `ALTER <kind> <relation> ALTER COLUMN <column> <action>` for the column `a` of relation `c` in `n`. */
const alterColumn = (action: string) =>
  `'ALTER ' || CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'f' THEN 'FOREIGN TABLE ONLY ' ELSE 'TABLE ONLY ' END
   || ${qualified('n.nspname', 'c.relname')} || ' ALTER COLUMN "' || replace(a.attname, '"', '""') || '" ' || ${action}`;
export const COLUMNS = `
SELECT a.attrelid::text AS rel, a.attnum AS num, a.attname AS name, a.atttypid::text AS type_oid,
       format_type(a.atttypid, a.atttypmod) AS native, a.attndims AS ndims, a.attnotnull AS not_null,
       a.attidentity::text AS identity, a.attgenerated::text AS generated,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) ELSE pg_get_expr(d.adbin, d.adrelid) END AS default_expr,
       a.attcollation::text AS collation_oid,
       CASE WHEN a.attcollation <> t.typcollation THEN ${collationText('co', 'cn')} END AS collation,
       ds.description AS comment,
       s.seqstart::text AS id_start, s.seqincrement::text AS id_increment, s.seqmin::text AS id_min,
       s.seqmax::text AS id_max, s.seqcache::text AS id_cache, s.seqcycle AS id_cycle,
       sn.nspname AS id_seq_schema, sc.relname AS id_seq_name,
       CASE WHEN c.relkind IN ('r', 'p', 'm', 'f') AND (a.attstorage <> t.typstorage OR a.attcompression <> '' OR coalesce(a.attstattarget, -1) <> -1) THEN
         concat_ws(E';\n',
           CASE WHEN a.attstorage <> t.typstorage THEN ${alterColumn(`'SET STORAGE ' || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END`)} END,
           CASE WHEN a.attcompression <> '' THEN ${alterColumn(`'SET COMPRESSION ' || CASE a.attcompression WHEN 'l' THEN 'lz4' ELSE 'pglz' END`)} END,
           CASE WHEN coalesce(a.attstattarget, -1) <> -1 THEN ${alterColumn(`'SET STATISTICS ' || a.attstattarget`)} END)
       END AS options,
       CASE WHEN a.attacl IS NOT NULL THEN ${aclStatements(`'TABLE ' || ${qualified('n.nspname', 'c.relname')}`, 'a.attacl', `acldefault('c', c.relowner)`, `'"' || replace(a.attname, '"', '""') || '"'`)} END AS grants
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON a.attcollation <> t.typcollation AND co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  LEFT JOIN ${description('ds', 'a.attrelid', 'pg_class', 'a.attnum')}
  LEFT JOIN (pg_depend sd JOIN pg_sequence s ON s.seqrelid = sd.objid JOIN pg_class sc ON sc.oid = s.seqrelid JOIN pg_namespace sn ON sn.oid = sc.relnamespace)
         ON a.attidentity <> '' AND sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass
        AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i'
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'c', 'm', 'v', 'f') AND ${userNs('n')}`;

export interface RawConstraint {
  oid: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'c' | 'x';
  rel: string | null;
  domain: string | null;
  def: string | null;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  no_inherit: boolean;
  is_local: boolean;
  keys: number[] | null;
  ref_rel: string | null;
  ref_schema: string | null;
  ref_table: string | null;
  ref_keys: number[] | null;
  /** Referenced column names, only where the introspector does not read the referenced table's columns. */
  ref_columns: string[] | null;
  on_update: string;
  on_delete: string;
  match: string;
  nulls_not_distinct: boolean | null;
  comment: string | null;
  /** ON DELETE SET NULL / SET DEFAULT names columns (def has them). */
  delete_set: boolean;
  /** The index behind a key or exclusion: INCLUDE columns (def has them), storage parameters, tablespace. */
  index_name: string | null;
  index_include: boolean | null;
  index_options: string[] | null;
  index_tablespace: string | null;
}
// conparentid <> 0: a partition's copy of its parent's constraint, which the parent's brings back.
// Keys, foreign keys and their columns come from the catalog (column names from the column rows);
// only checks and exclusions need the server to print them.
export const CONSTRAINTS = `
SELECT k.oid::text AS oid, k.conname AS name, k.contype::text AS type, NULLIF(k.conrelid, 0)::text AS rel, NULLIF(k.contypid, 0)::text AS domain,
       CASE WHEN k.contype IN ('c', 'x') OR k.confdelsetcols IS NOT NULL OR ix.indnatts > ix.indnkeyatts THEN pg_get_constraintdef(k.oid, true) END AS def, k.condeferrable AS deferrable, k.condeferred AS deferred,
       k.convalidated AS validated, k.connoinherit AS no_inherit, k.conislocal AS is_local, k.conkey AS keys,
       NULLIF(k.confrelid, 0)::text AS ref_rel, fn.nspname AS ref_schema, fc.relname AS ref_table, k.confkey AS ref_keys,
       CASE WHEN NOT (${userNs('fn')}) THEN ${attNames('k.confrelid', 'k.confkey')} END AS ref_columns,
       k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete, k.confmatchtype::text AS match,
       ix.indnullsnotdistinct AS nulls_not_distinct, ds.description AS comment, k.confdelsetcols IS NOT NULL AS delete_set,
       ic.relname AS index_name, ix.indnatts > ix.indnkeyatts AS index_include, ic.reloptions::text[] AS index_options, its.spcname AS index_tablespace
  FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
  LEFT JOIN pg_class fc ON fc.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
  LEFT JOIN (pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid) ON k.contype IN ('p', 'u', 'x') AND ix.indexrelid = k.conindid
  LEFT JOIN pg_tablespace its ON its.oid = ic.reltablespace
  LEFT JOIN ${description('ds', 'k.oid', 'pg_constraint')}
 WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0 AND ${userNs('n')}`;

export interface RawTrigger {
  rel: string;
  name: string;
  def: string;
  enabled: string;
  comment: string | null;
}
// Internal triggers implement foreign keys; tgparentid <> 0 are partitions' clones of a parent's.
export const TRIGGERS = `
SELECT t.tgrelid::text AS rel, t.tgname AS name, pg_get_triggerdef(t.oid, true) AS def, t.tgenabled::text AS enabled,
       ds.description AS comment
  FROM pg_trigger t LEFT JOIN ${description('ds', 't.oid', 'pg_trigger')} WHERE NOT t.tgisinternal AND t.tgparentid = 0`;

export interface RawPolicy {
  rel: string;
  name: string;
  permissive: boolean;
  command: string;
  roles: string[];
  using: string | null;
  with_check: string | null;
}
export const POLICIES = `
SELECT p.polrelid::text AS rel, p.polname AS name, p.polpermissive AS permissive, p.polcmd::text AS command,
       array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r) AS roles,
       pg_get_expr(p.polqual, p.polrelid, true) AS using, pg_get_expr(p.polwithcheck, p.polrelid, true) AS with_check
  FROM pg_policy p`;
