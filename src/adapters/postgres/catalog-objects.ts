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

export interface RawNative {
  type: 'rule' | 'statistics' | 'event trigger' | 'collation' | 'foreign server' | 'foreign table' | 'cast' | 'operator' | 'comment' | 'replica identity';
  schema: string | null;
  rel: string | null;
  name: string;
  def: string | null;
  comment: string | null;
  detail: Record<string, unknown>;
}
/** Objects kept as native DDL; each branch brings its own definition or the parts to build it from. */
export const NATIVES = `
SELECT 'rule' AS type, n.nspname AS schema, r.ev_class::text AS rel, c.relname || '.' || r.rulename AS name,
       pg_get_ruledef(r.oid, true) AS def, obj_description(r.oid, 'pg_rewrite') AS comment,
       jsonb_build_object('rule', r.rulename, 'table', quote_ident(n.nspname) || '.' || quote_ident(c.relname)) AS detail
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE r.rulename <> '_RETURN' AND ${userNs('n')}
UNION ALL
SELECT 'statistics', n.nspname, s.stxrelid::text, s.stxname, pg_get_statisticsobjdef(s.oid),
       obj_description(s.oid, 'pg_statistic_ext'), '{}'::jsonb
  FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
 WHERE ${userNs('n')} AND ${notExtension('pg_statistic_ext', 's.oid')}
UNION ALL
SELECT 'event trigger', NULL, NULL, e.evtname, NULL, obj_description(e.oid, 'pg_event_trigger'),
       jsonb_build_object('event', e.evtevent, 'tags', to_jsonb(e.evttags), 'function', e.evtfoid::regproc::text, 'enabled', e.evtenabled)
  FROM pg_event_trigger e WHERE ${notExtension('pg_event_trigger', 'e.oid')}
UNION ALL
SELECT 'collation', n.nspname, NULL, co.collname, NULL, obj_description(co.oid, 'pg_collation'),
       jsonb_build_object('provider', co.collprovider, 'collate', co.collcollate, 'ctype', co.collctype,
                          'icu_locale', co.colliculocale, 'deterministic', co.collisdeterministic)
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
 WHERE ${userNs('n')} AND ${notExtension('pg_collation', 'co.oid')}
UNION ALL
SELECT 'foreign server', NULL, NULL, s.srvname, NULL, obj_description(s.oid, 'pg_foreign_server'),
       jsonb_build_object('type', s.srvtype, 'version', s.srvversion, 'wrapper', w.fdwname, 'options', to_jsonb(s.srvoptions))
  FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
 WHERE ${notExtension('pg_foreign_server', 's.oid')}
UNION ALL
SELECT 'foreign table', n.nspname, NULL, c.relname, NULL, obj_description(c.oid, 'pg_class'),
       jsonb_build_object('server', s.srvname, 'options', to_jsonb(ft.ftoptions), 'columns',
         (SELECT jsonb_agg(jsonb_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'not_null', a.attnotnull,
                   'default', pg_get_expr(d.adbin, d.adrelid), 'options', to_jsonb(a.attfdwoptions), 'comment', col_description(c.oid, a.attnum))
                   ORDER BY a.attnum)
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
  FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_foreign_server s ON s.oid = ft.ftserver
 WHERE ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}
UNION ALL
-- Casts made after initdb (oid >= FirstNormalObjectId) that no extension or range type brought.
SELECT 'cast', NULL, NULL, format('(%s AS %s)', format_type(k.castsource, NULL), format_type(k.casttarget, NULL)), NULL,
       obj_description(k.oid, 'pg_cast'),
       jsonb_build_object('function', CASE WHEN k.castfunc <> 0 THEN k.castfunc::regprocedure::text END, 'method', k.castmethod, 'context', k.castcontext)
  FROM pg_cast k WHERE k.oid >= 16384 AND ${notExtension('pg_cast', 'k.oid')}
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = k.oid AND d.deptype = 'i')
UNION ALL
SELECT 'operator', n.nspname, NULL,
       format('%s(%s, %s)', o.oprname, coalesce(format_type(NULLIF(o.oprleft, 0), NULL), 'NONE'), format_type(o.oprright, NULL)), NULL,
       obj_description(o.oid, 'pg_operator'),
       jsonb_build_object('name', o.oprname, 'function', o.oprcode::regproc::text, 'left', format_type(NULLIF(o.oprleft, 0), NULL),
         'right', format_type(o.oprright, NULL), 'commutator', NULLIF(o.oprcom, 0)::regoper::text, 'negator', NULLIF(o.oprnegate, 0)::regoper::text,
         'restrict', NULLIF(o.oprrest, 0)::regproc::text, 'join', NULLIF(o.oprjoin, 0)::regproc::text, 'hashes', o.oprcanhash, 'merges', o.oprcanmerge)
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
 WHERE ${userNs('n')} AND ${notExtension('pg_operator', 'o.oid')}
UNION ALL
-- Comments the model has no field for: on columns of views and composite types, and on policies.
SELECT 'comment', n.nspname, NULL, c.relname || '.' || a.attname,
       format('COMMENT ON COLUMN %I.%I.%I IS %L', n.nspname, c.relname, a.attname, d.description), NULL, '{}'::jsonb
  FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE d.objsubid > 0 AND c.relkind IN ('v', 'm', 'c') AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}
UNION ALL
SELECT 'comment', n.nspname, NULL, c.relname || '.' || p.polname,
       format('COMMENT ON POLICY %I ON %I.%I IS %L', p.polname, n.nspname, c.relname, d.description), NULL, '{}'::jsonb
  FROM pg_policy p JOIN pg_description d ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid
  JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}
UNION ALL
-- What logical replication sends for updates and deletes, when it is not the primary key.
SELECT 'replica identity', n.nspname, NULL, c.relname,
       format('ALTER TABLE %I.%I REPLICA IDENTITY %s', n.nspname, c.relname,
              CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' ELSE 'USING INDEX ' || quote_ident(ic.relname) END),
       NULL, '{}'::jsonb
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisreplident LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
 WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}`;
