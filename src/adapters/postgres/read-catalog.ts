import type { Client } from 'pg';
import type { CatalogRelation, Readable } from '../read-plan.js';
import { userNs } from './catalog-sql.js';

/**
 * The project's tables and views as the MCP read plan needs them, in one catalog query: columns,
 * inheritance relatives, the columns each generated column is computed from, whether a view reads with its owner's rights and what it reads (from
 * pg_depend: a column, or the whole relation for a whole-row or count(*) reference), and which
 * columns the connected login may read.
 */
const RELATIONS = `
WITH RECURSIVE up(child, parent) AS (
  SELECT inhrelid, inhparent FROM pg_inherits
  UNION SELECT up.child, i.inhparent FROM up JOIN pg_inherits i ON i.inhrelid = up.parent
)
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns,
       array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              AND has_column_privilege(c.oid, a.attnum, 'SELECT') ORDER BY a.attnum) AS readable,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('schema', xn.nspname, 'name', xc.relname)), '[]')
          FROM (SELECT parent AS rel FROM up WHERE child = c.oid UNION SELECT child FROM up WHERE parent = c.oid) x
          JOIN pg_class xc ON xc.oid = x.rel JOIN pg_namespace xn ON xn.oid = xc.relnamespace) AS relatives,
       (SELECT coalesce(jsonb_object_agg(ga.attname, (
                 SELECT coalesce(jsonb_agg(sa.attname), '[]') FROM pg_depend gd
                   JOIN pg_attribute sa ON sa.attrelid = gd.refobjid AND sa.attnum = gd.refobjsubid
                  WHERE gd.classid = 'pg_attrdef'::regclass AND gd.objid = ad.oid AND gd.refobjid = c.oid AND gd.refobjsubid > 0)), '{}')
          FROM pg_attribute ga JOIN pg_attrdef ad ON ad.adrelid = ga.attrelid AND ad.adnum = ga.attnum
         WHERE ga.attrelid = c.oid AND ga.attgenerated <> '') AS generated,
       c.relkind = 'm' OR (c.relkind = 'v' AND NOT EXISTS (
         SELECT 1 FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'security_invoker' AND lower(o.option_value) IN ('true', 'on', 'yes', '1'))) AS owner_rights,
       CASE WHEN c.relkind IN ('v', 'm') THEN (
         SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('schema', dn.nspname, 'name', dc.relname, 'column', da.attname, 'system', NOT (${userNs('dn')}))), '[]')
           FROM pg_rewrite rw
           JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
           JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
           LEFT JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid AND d.refobjsubid > 0
          WHERE rw.ev_class = c.oid) END AS reads
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${userNs('n')}`;

interface Row {
  schema: string;
  name: string;
  kind: string;
  columns: string[];
  readable: string[];
  relatives: { schema: string; name: string }[];
  generated: Record<string, string[]>;
  owner_rights: boolean;
  reads: { schema: string; name: string; column: string | null; system: boolean }[] | null;
}

export interface ProjectCatalog {
  readonly relations: readonly CatalogRelation[];
  /** What the connected login may read of them. */
  readonly readable: readonly Readable[];
}

export async function readCatalog(client: Client): Promise<ProjectCatalog> {
  const { rows } = await client.query<Row>(RELATIONS);
  return {
    relations: rows.map((r) => ({
      schema: r.schema,
      name: r.name,
      kind: r.kind === 'v' || r.kind === 'm' ? 'view' : 'table',
      columns: r.columns,
      relatives: r.relatives,
      generated: r.generated,
      ownerRights: r.owner_rights,
      reads: r.reads?.map((x) => ({ table: { schema: x.schema, name: x.name }, column: x.column ?? undefined, system: x.system })),
    })),
    readable: rows.map((r) => ({ schema: r.schema, name: r.name, columns: r.readable })),
  };
}
