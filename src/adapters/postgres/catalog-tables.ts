/**
 * Catalog queries of the PostgreSQL introspector and the raw rows they return. A fixed set of
 * queries reads the whole database, never one per table. They run with `search_path = ''`, so every
 * name the server prints (types, defaults, view bodies) is schema-qualified and means the same thing
 * whatever search path the model is later applied with. Private to the introspector.
 */

import { attNames, collationText, notExtension, userNs } from './catalog-sql.js';

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
  inherits: string[];
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
}
export const RELATIONS = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.relpersistence::text AS persistence, c.reloptions::text[] AS reloptions,
       c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound,
       pn.nspname AS parent_schema, pc.relname AS parent_name,
       array(SELECT quote_ident(hn.nspname) || '.' || quote_ident(hc.relname) FROM pg_inherits h
               JOIN pg_class hc ON hc.oid = h.inhparent JOIN pg_namespace hn ON hn.oid = hc.relnamespace
              WHERE h.inhrelid = c.oid AND NOT c.relispartition ORDER BY h.inhseqno) AS inherits,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS viewdef,
       obj_description(c.oid, 'pg_class') AS comment,
       format_type(s.seqtypid, NULL) AS seq_type, s.seqstart::text AS seq_start, s.seqincrement::text AS seq_increment,
       s.seqmin::text AS seq_min, s.seqmax::text AS seq_max, s.seqcache::text AS seq_cache, s.seqcycle AS seq_cycle,
       od.deptype::text AS owner_deptype, odn.nspname AS owner_schema, odc.relname AS owner_table, oda.attname AS owner_column
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
  LEFT JOIN pg_class pc ON pc.oid = i.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
  LEFT JOIN pg_depend od ON c.relkind = 'S' AND od.classid = 'pg_class'::regclass AND od.objid = c.oid
        AND od.refclassid = 'pg_class'::regclass AND od.refobjsubid > 0 AND od.deptype IN ('a', 'i')
  LEFT JOIN pg_class odc ON odc.oid = od.refobjid LEFT JOIN pg_namespace odn ON odn.oid = odc.relnamespace
  LEFT JOIN pg_attribute oda ON oda.attrelid = od.refobjid AND oda.attnum = od.refobjsubid
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}`;

export interface RawColumn {
  rel: string;
  name: string;
  type_oid: string;
  native: string;
  ndims: number;
  not_null: boolean;
  identity: string;
  generated: string;
  default_expr: string | null;
  collation: string | null;
  comment: string | null;
  id_start: string | null;
  id_increment: string | null;
  id_min: string | null;
  id_max: string | null;
  id_cache: string | null;
  id_cycle: boolean | null;
}
export const COLUMNS = `
SELECT a.attrelid::text AS rel, a.attname AS name, a.atttypid::text AS type_oid,
       format_type(a.atttypid, a.atttypmod) AS native, a.attndims AS ndims, a.attnotnull AS not_null,
       a.attidentity::text AS identity, a.attgenerated::text AS generated,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       CASE WHEN a.attcollation <> t.typcollation THEN ${collationText('co', 'cn')} END AS collation,
       col_description(a.attrelid, a.attnum) AS comment,
       s.seqstart::text AS id_start, s.seqincrement::text AS id_increment, s.seqmin::text AS id_min,
       s.seqmax::text AS id_max, s.seqcache::text AS id_cache, s.seqcycle AS id_cycle
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  LEFT JOIN (pg_depend sd JOIN pg_sequence s ON s.seqrelid = sd.objid)
         ON a.attidentity <> '' AND sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass
        AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i'
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'c') AND ${userNs('n')}
 ORDER BY a.attrelid, a.attnum`;

export interface RawConstraint {
  name: string;
  type: 'p' | 'u' | 'f' | 'c' | 'x';
  rel: string | null;
  domain: string | null;
  def: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  no_inherit: boolean;
  is_local: boolean;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[];
  on_update: string;
  on_delete: string;
  match: string;
  nulls_not_distinct: boolean | null;
  comment: string | null;
}
// conparentid <> 0: a partition's copy of its parent's constraint, which the parent's brings back.
export const CONSTRAINTS = `
SELECT k.conname AS name, k.contype::text AS type, NULLIF(k.conrelid, 0)::text AS rel, NULLIF(k.contypid, 0)::text AS domain,
       pg_get_constraintdef(k.oid, true) AS def, k.condeferrable AS deferrable, k.condeferred AS deferred,
       k.convalidated AS validated, k.connoinherit AS no_inherit, k.conislocal AS is_local,
       ${attNames('k.conrelid', 'k.conkey')} AS columns,
       fn.nspname AS ref_schema, fc.relname AS ref_table, ${attNames('k.confrelid', 'k.confkey')} AS ref_columns,
       k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete, k.confmatchtype::text AS match,
       ix.indnullsnotdistinct AS nulls_not_distinct, obj_description(k.oid, 'pg_constraint') AS comment
  FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
  LEFT JOIN pg_class fc ON fc.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
  LEFT JOIN pg_index ix ON k.contype = 'u' AND ix.indexrelid = k.conindid
 WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0 AND ${userNs('n')}`;

export interface RawIndex {
  rel: string;
  name: string;
  method: string;
  unique: boolean;
  nulls_not_distinct: boolean;
  def: string;
  key_texts: string[];
  key_columns: string[];
  include: string[];
  predicate: string | null;
  reloptions: string[] | null;
  comment: string | null;
}
// Indexes that back a constraint come back with the constraint; a partition's copy of a partitioned
// index comes back with the parent's.
export const INDEXES = `
SELECT i.indrelid::text AS rel, ic.relname AS name, am.amname AS method, i.indisunique AS unique,
       i.indnullsnotdistinct AS nulls_not_distinct, pg_get_indexdef(i.indexrelid, 0, true) AS def,
       array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k) AS key_texts,
       array(SELECT coalesce(a.attname::text, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n AND u.n > 0
              WHERE u.o <= i.indnkeyatts ORDER BY u.o) AS key_columns,
       array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n
              WHERE u.o > i.indnkeyatts ORDER BY u.o) AS include,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, ic.reloptions::text[] AS reloptions,
       obj_description(i.indexrelid, 'pg_class') AS comment
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  JOIN pg_namespace n ON n.oid = ic.relnamespace
 WHERE ${userNs('n')}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
   AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)`;

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
       obj_description(t.oid, 'pg_trigger') AS comment
  FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgparentid = 0`;

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

