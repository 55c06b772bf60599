/** SQL fragments shared by the catalog queries (catalog-tables.ts, catalog-objects.ts). */

/** User schemas: never pg_catalog, pg_toast, temp schemas or information_schema. */
export const userNs = (alias: string) => `${alias}.nspname !~ '^pg_' AND ${alias}.nspname <> 'information_schema'`;
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

