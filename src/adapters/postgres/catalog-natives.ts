/**
 * The catalog query for objects the model has no shape for (see catalog-tables.ts for the
 * conventions): each branch brings the DDL that makes the object, or the parts to build it from.
 */

import { aclStatements, description, notExtension, qualified, userNs } from './catalog-sql.js';

export interface RawNative {
  type:
    | 'rule'
    | 'statistics'
    | 'event trigger'
    | 'collation'
    | 'foreign server'
    | 'foreign table'
    | 'cast'
    | 'operator'
    | 'comment'
    | 'replica identity'
    | 'publication'
    | 'text search configuration'
    | 'text search dictionary'
    | 'text search parser'
    | 'text search template'
    | 'shell type'
    | 'base type'
    | 'grant'
    | 'default privileges'
    | 'access method'
    | 'conversion'
    | 'foreign data wrapper';
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
-- colliculocale is colllocale from PostgreSQL 17 on (an embedded 18 may stand in as a shadow): read by name from the row.
SELECT 'collation', n.nspname, NULL, co.collname, NULL, obj_description(co.oid, 'pg_collation'),
       jsonb_build_object('provider', co.collprovider, 'collate', co.collcollate, 'ctype', co.collctype,
                          'icu_locale', coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale'), 'deterministic', co.collisdeterministic)
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
 WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}
UNION ALL
-- Publications, as pg_dump writes them (the server has no pg_get_publicationdef).
SELECT 'publication', NULL, NULL, p.pubname,
       'CREATE PUBLICATION ' || quote_ident(p.pubname)
       || CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE coalesce(' FOR ' || (
            SELECT string_agg(o.item, ', ' ORDER BY o.ord, o.item) FROM (
              SELECT 0 AS ord, 'TABLE ' || ${qualified('rn.nspname', 'rc.relname')}
                     || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.o) FROM unnest(pr.prattrs::int2[]) WITH ORDINALITY u(n, o)
                                            JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = u.n) || ')', '')
                     || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '') AS item
                FROM pg_publication_rel pr JOIN pg_class rc ON rc.oid = pr.prrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
               WHERE pr.prpubid = p.oid
              UNION ALL
              SELECT 1, 'TABLES IN SCHEMA ' || quote_ident(pn.nspname)
                FROM pg_publication_namespace pns JOIN pg_namespace pn ON pn.oid = pns.pnnspid WHERE pns.pnpubid = p.oid) o), '') END
       || CASE WHEN p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate AND NOT p.pubviaroot THEN '' ELSE ' WITH (' || concat_ws(', ',
            CASE WHEN NOT (p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate) THEN 'publish = ' || quote_literal(concat_ws(', ',
              CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END,
              CASE WHEN p.pubtruncate THEN 'truncate' END)) END,
            CASE WHEN p.pubviaroot THEN 'publish_via_partition_root = true' END) || ')' END,
       ds.description, jsonb_build_object('on', 'PUBLICATION ' || quote_ident(p.pubname))
  FROM pg_publication p LEFT JOIN ${description('ds', 'p.oid', 'pg_publication')}
 -- redb_<job>: made by change capture for a replication job, which owns it (never part of the schema).
 WHERE p.pubname !~ '^redb_[a-z][a-z0-9_]*$'
UNION ALL
-- A configuration made with PARSER starts with no mappings: each token type's dictionaries are added.
SELECT 'text search configuration', n.nspname, NULL, c.cfgname,
       'CREATE TEXT SEARCH CONFIGURATION ' || ${qualified('n.nspname', 'c.cfgname')} || ' (PARSER = ' || ${qualified('pn.nspname', 'p.prsname')} || ')'
       || coalesce((SELECT string_agg(E';\nALTER TEXT SEARCH CONFIGURATION ' || ${qualified('n.nspname', 'c.cfgname')} || ' ADD MAPPING FOR '
                                      || quote_ident(t.alias) || ' WITH ' || m.dicts, '' ORDER BY t.tokid)
                      FROM (SELECT m.maptokentype, string_agg(${qualified('dn.nspname', 'd.dictname')}, ', ' ORDER BY m.mapseqno) AS dicts
                              FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict JOIN pg_namespace dn ON dn.oid = d.dictnamespace
                             WHERE m.mapcfg = c.oid GROUP BY m.maptokentype) m
                      JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype), ''),
       ds.description, jsonb_build_object('on', 'TEXT SEARCH CONFIGURATION ' || ${qualified('n.nspname', 'c.cfgname')})
  FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
  JOIN pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace
  LEFT JOIN ${description('ds', 'c.oid', 'pg_ts_config')}
 WHERE ${userNs('n')} AND ${notExtension('pg_ts_config', 'c.oid')}
UNION ALL
SELECT 'text search dictionary', n.nspname, NULL, d.dictname,
       'CREATE TEXT SEARCH DICTIONARY ' || ${qualified('n.nspname', 'd.dictname')} || ' (TEMPLATE = ' || ${qualified('tn.nspname', 't.tmplname')}
       || coalesce(', ' || d.dictinitoption, '') || ')',
       ds.description, jsonb_build_object('on', 'TEXT SEARCH DICTIONARY ' || ${qualified('n.nspname', 'd.dictname')})
  FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
  JOIN pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
  LEFT JOIN ${description('ds', 'd.oid', 'pg_ts_dict')}
 WHERE ${userNs('n')} AND ${notExtension('pg_ts_dict', 'd.oid')}
UNION ALL
SELECT 'text search parser', n.nspname, NULL, p.prsname,
       'CREATE TEXT SEARCH PARSER ' || ${qualified('n.nspname', 'p.prsname')} || ' (START = ' || p.prsstart::regproc::text
       || ', GETTOKEN = ' || p.prstoken::regproc::text || ', END = ' || p.prsend::regproc::text || ', LEXTYPES = ' || p.prslextype::regproc::text
       || coalesce(', HEADLINE = ' || NULLIF(p.prsheadline, 0)::regproc::text, '') || ')',
       ds.description, jsonb_build_object('on', 'TEXT SEARCH PARSER ' || ${qualified('n.nspname', 'p.prsname')})
  FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace LEFT JOIN ${description('ds', 'p.oid', 'pg_ts_parser')}
 WHERE ${userNs('n')} AND ${notExtension('pg_ts_parser', 'p.oid')}
UNION ALL
SELECT 'text search template', n.nspname, NULL, t.tmplname,
       'CREATE TEXT SEARCH TEMPLATE ' || ${qualified('n.nspname', 't.tmplname')} || ' ('
       || coalesce('INIT = ' || NULLIF(t.tmplinit, 0)::regproc::text || ', ', '') || 'LEXIZE = ' || t.tmpllexize::regproc::text || ')',
       ds.description, jsonb_build_object('on', 'TEXT SEARCH TEMPLATE ' || ${qualified('n.nspname', 't.tmplname')})
  FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace LEFT JOIN ${description('ds', 't.oid', 'pg_ts_template')}
 WHERE ${userNs('n')} AND ${notExtension('pg_ts_template', 't.oid')}
UNION ALL
-- A base type needs its I/O functions, which need the type: a shell first, the functions (routines),
-- then the type itself. Array types the server made for a type come back with it.
SELECT k.kind, n.nspname, NULL, t.typname,
       CASE WHEN k.kind = 'shell type' THEN 'CREATE TYPE ' || ${qualified('n.nspname', 't.typname')} ELSE
       'CREATE TYPE ' || ${qualified('n.nspname', 't.typname')} || ' (INPUT = ' || t.typinput::regproc::text || ', OUTPUT = ' || t.typoutput::regproc::text
       || coalesce(', RECEIVE = ' || NULLIF(t.typreceive, 0)::regproc::text, '') || coalesce(', SEND = ' || NULLIF(t.typsend, 0)::regproc::text, '')
       || coalesce(', TYPMOD_IN = ' || NULLIF(t.typmodin, 0)::regproc::text, '') || coalesce(', TYPMOD_OUT = ' || NULLIF(t.typmodout, 0)::regproc::text, '')
       || coalesce(', ANALYZE = ' || NULLIF(t.typanalyze, 0)::regproc::text, '') || coalesce(', SUBSCRIPT = ' || NULLIF(t.typsubscript, 0)::regproc::text, '')
       || ', INTERNALLENGTH = ' || CASE WHEN t.typlen = -1 THEN 'VARIABLE' ELSE t.typlen::text END || CASE WHEN t.typbyval THEN ', PASSEDBYVALUE' ELSE '' END
       || ', ALIGNMENT = ' || CASE t.typalign WHEN 'c' THEN 'char' WHEN 's' THEN 'int2' WHEN 'i' THEN 'int4' ELSE 'double' END
       || ', STORAGE = ' || CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END
       || CASE WHEN t.typcategory <> 'U' THEN ', CATEGORY = ' || quote_literal(t.typcategory::text) ELSE '' END
       || CASE WHEN t.typispreferred THEN ', PREFERRED = true' ELSE '' END || coalesce(', DEFAULT = ' || quote_literal(t.typdefault), '')
       || coalesce(', ELEMENT = ' || format_type(NULLIF(t.typelem, 0), NULL), '')
       || CASE WHEN t.typdelim <> ',' THEN ', DELIMITER = ' || quote_literal(t.typdelim::text) ELSE '' END
       || CASE WHEN t.typcollation <> 0 THEN ', COLLATABLE = true' ELSE '' END || ')' END,
       CASE WHEN k.kind = 'base type' THEN ds.description END, jsonb_build_object('on', 'TYPE ' || ${qualified('n.nspname', 't.typname')})
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace CROSS JOIN (VALUES ('shell type'), ('base type')) k(kind)
  LEFT JOIN ${description('ds', 't.oid', 'pg_type')}
 WHERE t.typtype = 'b' AND ${userNs('n')} AND ${notExtension('pg_type', 't.oid')} AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
UNION ALL
-- Privileges of schemas (public's compared with what initdb gave it), routines and types; those of
-- relations and columns come with the relation rows.
SELECT 'grant', NULL, NULL, n.nspname,
       ${aclStatements("'SCHEMA ' || quote_ident(n.nspname)", 'n.nspacl', `coalesce(ip.initprivs, acldefault('n', n.nspowner))`)}, NULL, '{}'::jsonb
  FROM pg_namespace n LEFT JOIN pg_init_privs ip ON ip.objoid = n.oid AND ip.classoid = 'pg_namespace'::regclass AND ip.objsubid = 0
 WHERE n.nspacl IS NOT NULL AND ${userNs('n')} AND ${notExtension('pg_namespace', 'n.oid')}
UNION ALL
SELECT 'grant', n.nspname, NULL, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       ${aclStatements(
         `CASE WHEN p.prokind = 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || ${qualified('n.nspname', 'p.proname')} || '(' || pg_get_function_identity_arguments(p.oid) || ')'`,
         'p.proacl',
         "acldefault('f', p.proowner)",
       )}, NULL, '{}'::jsonb
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proacl IS NOT NULL AND ${userNs('n')} AND ${notExtension('pg_proc', 'p.oid')}
UNION ALL
SELECT 'grant', n.nspname, NULL, t.typname, ${aclStatements(`'TYPE ' || ${qualified('n.nspname', 't.typname')}`, 't.typacl', "acldefault('T', t.typowner)")}, NULL, '{}'::jsonb
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typacl IS NOT NULL AND ${userNs('n')} AND ${notExtension('pg_type', 't.oid')}
UNION ALL
-- ALTER DEFAULT PRIVILEGES: privileges objects get when a role creates them. A role-wide entry
-- replaces the built-in defaults (so it is compared with them); a schema's entry adds to them.
SELECT 'default privileges', n.nspname, NULL,
       pg_get_userbyid(d.defaclrole) || '.' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' ELSE 'schemas' END,
       ${aclStatements(
         "CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END",
         'd.defaclacl',
         "CASE WHEN d.defaclnamespace = 0 THEN acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END, d.defaclrole) ELSE NULL::aclitem[] END",
       )}, NULL,
       jsonb_build_object('role', pg_get_userbyid(d.defaclrole))
  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
 WHERE d.defaclnamespace = 0 OR ${userNs('n')}
UNION ALL
-- Access methods, conversions and foreign-data wrappers made by hand (not by initdb or an extension).
SELECT 'access method', NULL, NULL, a.amname,
       'CREATE ACCESS METHOD ' || quote_ident(a.amname) || ' TYPE ' || CASE a.amtype WHEN 'i' THEN 'INDEX' ELSE 'TABLE' END || ' HANDLER ' || a.amhandler::regproc::text,
       obj_description(a.oid, 'pg_am'), jsonb_build_object('on', 'ACCESS METHOD ' || quote_ident(a.amname))
  FROM pg_am a WHERE a.oid >= 16384 AND ${notExtension('pg_am', 'a.oid')}
UNION ALL
SELECT 'conversion', n.nspname, NULL, c.conname,
       'CREATE ' || CASE WHEN c.condefault THEN 'DEFAULT ' ELSE '' END || 'CONVERSION ' || ${qualified('n.nspname', 'c.conname')}
       || ' FOR ' || quote_literal(pg_encoding_to_char(c.conforencoding)) || ' TO ' || quote_literal(pg_encoding_to_char(c.contoencoding)) || ' FROM ' || c.conproc::regproc::text,
       obj_description(c.oid, 'pg_conversion'), jsonb_build_object('on', 'CONVERSION ' || ${qualified('n.nspname', 'c.conname')})
  FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE ${userNs('n')} AND ${notExtension('pg_conversion', 'c.oid')}
UNION ALL
SELECT 'foreign data wrapper', NULL, NULL, w.fdwname,
       'CREATE FOREIGN DATA WRAPPER ' || quote_ident(w.fdwname)
       || coalesce(' HANDLER ' || NULLIF(w.fdwhandler, 0)::regproc::text, ' NO HANDLER') || coalesce(' VALIDATOR ' || NULLIF(w.fdwvalidator, 0)::regproc::text, ' NO VALIDATOR')
       || coalesce(' OPTIONS (' || (SELECT string_agg(quote_ident(split_part(o, '=', 1)) || ' ' || quote_literal(substr(o, strpos(o, '=') + 1)), ', ') FROM unnest(w.fdwoptions) o) || ')', ''),
       obj_description(w.oid, 'pg_foreign_data_wrapper'), jsonb_build_object('on', 'FOREIGN DATA WRAPPER ' || quote_ident(w.fdwname))
  FROM pg_foreign_data_wrapper w WHERE ${notExtension('pg_foreign_data_wrapper', 'w.oid')}`;
