/** SQL fragments shared by the catalog queries (catalog-tables.ts, catalog-objects.ts). */
import { notMcpRole } from './mcp-role.js';

/** redb's own migration history lives in this schema, beside the modelled ones and never among them. */
export const HISTORY_SCHEMA = 'redb';

/** User schemas: never pg_catalog, pg_toast, temp schemas or information_schema. */
export const userNs = (alias: string) => `${alias}.nspname !~ '^pg_' AND ${alias}.nspname NOT IN ('information_schema', '${HISTORY_SCHEMA}')`;
/** Objects created by an extension come back with the extension, so they are not part of the model. */
export const notExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '${catalog}'::regclass AND x.objid = ${oid} AND x.deptype = 'e')`;
/** A collation as the model keeps it: plain name in pg_catalog, quoted `"schema"."name"` elsewhere. */
export const collationText = (co: string, cn: string) =>
  `CASE WHEN ${co}.oid IS NULL THEN NULL WHEN ${cn}.nspname = 'pg_catalog' THEN ${co}.collname::text
   ELSE '"' || replace(${cn}.nspname, '"', '""') || '"."' || replace(${co}.collname, '"', '""') || '"' END`;
/** Names of the attributes `nums` of relation `rel`, in order. */
export const attNames = (rel: string, nums: string) =>
  `array(SELECT a.attname::text FROM unnest(${nums}) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.n ORDER BY u.o)`;

/**
 * `pg_description <alias> ON ...`: an object's comment as a join. obj_description() and
 * col_description() are SQL functions that run a query of their own for every row.
 */
export const description = (alias: string, oid: string, catalog: string, subid = '0') =>
  `pg_description ${alias} ON ${alias}.objoid = ${oid} AND ${alias}.classoid = '${catalog}'::regclass AND ${alias}.objsubid = ${subid}`;

const who = (grantee: string) => `CASE WHEN ${grantee} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(${grantee})) END`;
/**
 * The GRANT and REVOKE statements (one text, `;\n` between them) that take an object from the
 * privileges it had when made (`base`: acldefault() for its owner, or what initdb gave it) to
 * `acl`; NULL where they are the same. `target` is SQL text such as `TABLE "s"."t"`; `column`, a
 * quoted column name for column privileges. Grantors are not kept: the role that applies grants.
 */
export const aclStatements = (target: string, acl: string, base: string, column?: string) => {
  const item = (a: string) =>
    `SELECT x.privilege_type${column === undefined ? '' : ` || ' (' || ${column} || ')'`} AS privilege, x.is_grantable, ${who('x.grantee')} AS who FROM aclexplode(${a}) x WHERE ${notMcpRole('x.grantee')}`;
  return `(SELECT string_agg(s.stmt, E';\\n' ORDER BY s.ord, s.who, s.stmt) FROM (
    SELECT 0 AS ord, r.who, 'REVOKE ' || string_agg(r.privilege, ', ' ORDER BY r.privilege) || ' ON ' || ${target} || ' FROM ' || r.who AS stmt
      FROM (${item(base)} EXCEPT ${item(acl)}) r GROUP BY r.who
    UNION ALL
    SELECT 1, g.who, 'GRANT ' || string_agg(g.privilege, ', ' ORDER BY g.privilege) || ' ON ' || ${target} || ' TO ' || g.who
           || CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
      FROM (${item(acl)} EXCEPT ${item(base)}) g GROUP BY g.who, g.is_grantable) s)`;
};
/** `"schema"."name"` as SQL text, quoted as the adapter quotes names. */
export const qualified = (schema: string, name: string) => `'"' || replace(${schema}, '"', '""') || '"."' || replace(${name}, '"', '""') || '"'`;
