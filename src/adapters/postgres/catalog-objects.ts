/**
 * Catalog queries of the PostgreSQL introspector and the raw rows they return. A fixed set of
 * queries reads the whole database, never one per table. They run with `search_path = ''`, so every
 * name the server prints (types, defaults, view bodies) is schema-qualified and means the same thing
 * whatever search path the model is later applied with. Private to the introspector.
 */

import { collationText, notExtension, userNs } from './catalog-sql.js';

export interface RawNamespace {
  name: string;
  comment: string | null;
}
export const NAMESPACES = `
SELECT n.nspname AS name, obj_description(n.oid, 'pg_namespace') AS comment
  FROM pg_namespace n WHERE ${userNs('n')} AND ${notExtension('pg_namespace', 'n.oid')}`;

export interface RawExtension {
  name: string;
  schema: string;
}
// plpgsql is installed in every database by initdb: a model that always carries it says nothing.
export const EXTENSIONS = `
SELECT e.extname AS name, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'`;

export interface RawTypeInfo {
  oid: string;
  name: string;
  schema: string;
  typtype: string;
  category: string;
  elem: string | null;
}
export const TYPE_INFO = `
SELECT t.oid::text AS oid, t.typname AS name, n.nspname AS schema, t.typtype::text AS typtype,
       t.typcategory::text AS category, NULLIF(t.typelem, 0)::text AS elem
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE NOT (n.nspname = 'pg_catalog' AND t.typrelid <> 0)`;

export interface RawUserType {
  oid: string;
  schema: string;
  name: string;
  typtype: 'e' | 'd' | 'c' | 'r';
  comment: string | null;
  labels: string[] | null;
  base_oid: string | null;
  base_native: string | null;
  ndims: number;
  not_null: boolean;
  default_expr: string | null;
  collation: string | null;
  relid: string | null;
  range_subtype: string | null;
  range_opclass: string | null;
  range_collation: string | null;
  range_canonical: string | null;
  range_diff: string | null;
  range_multirange: string | null;
}
export const USER_TYPES = `
SELECT t.oid::text AS oid, n.nspname AS schema, t.typname AS name, t.typtype::text AS typtype,
       obj_description(t.oid, 'pg_type') AS comment,
       CASE WHEN t.typtype = 'e' THEN array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
       NULLIF(t.typbasetype, 0)::text AS base_oid,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_native, t.typndims AS ndims,
       t.typnotnull AS not_null, pg_get_expr(t.typdefaultbin, 0, true) AS default_expr,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN ${collationText('co', 'cn')} END AS collation,
       NULLIF(t.typrelid, 0)::text AS relid,
       format_type(r.rngsubtype, NULL) AS range_subtype,
       quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) AS range_opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN ${collationText('rco', 'rcn')} END AS range_collation,
       NULLIF(r.rngcanonical, 0)::regproc::text AS range_canonical, NULLIF(r.rngsubdiff, 0)::regproc::text AS range_diff,
       format_type(r.rngmultitypid, NULL) AS range_multirange
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
  LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  LEFT JOIN pg_class rc ON rc.oid = t.typrelid
  LEFT JOIN pg_range r ON r.rngtypid = t.oid LEFT JOIN pg_type st ON st.oid = r.rngsubtype
  LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
  LEFT JOIN pg_collation rco ON rco.oid = r.rngcollation LEFT JOIN pg_namespace rcn ON rcn.oid = rco.collnamespace
 WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR rc.relkind = 'c')
   AND ${userNs('n')} AND ${notExtension('pg_type', 't.oid')}`;

export interface RawRoutine {
  schema: string;
  name: string;
  kind: 'f' | 'p' | 'w' | 'a';
  signature: string;
  language: string;
  def: string | null;
  comment: string | null;
  agg_kind: string | null;
  agg_sfunc: string | null;
  agg_stype: string | null;
  agg_finalfunc: string | null;
  agg_combinefunc: string | null;
  agg_initcond: string | null;
  agg_sortop: string | null;
  parallel: string;
}
// Internal dependencies mark functions a type made for itself (range constructors).
export const ROUTINES = `
SELECT n.nspname AS schema, p.proname AS name, p.prokind::text AS kind,
       pg_get_function_identity_arguments(p.oid) AS signature, l.lanname AS language,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS def,
       obj_description(p.oid, 'pg_proc') AS comment,
       ag.aggkind::text AS agg_kind, NULLIF(ag.aggtransfn, 0)::regproc::text AS agg_sfunc,
       format_type(ag.aggtranstype, NULL) AS agg_stype, NULLIF(ag.aggfinalfn, 0)::regproc::text AS agg_finalfunc,
       NULLIF(ag.aggcombinefn, 0)::regproc::text AS agg_combinefunc, ag.agginitval AS agg_initcond,
       NULLIF(ag.aggsortop, 0)::regoperator::text AS agg_sortop, p.proparallel::text AS parallel
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
 WHERE ${userNs('n')} AND ${notExtension('pg_proc', 'p.oid')}
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')`;
