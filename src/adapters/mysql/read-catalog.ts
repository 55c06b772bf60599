import type { ReadPolicy } from '../adapter.js';
import type { CatalogRelation, Readable, ViewRead } from '../read-plan.js';

type Driver = import('mysql2/promise').Connection;

/** Databases every server has: a view reading them with its definer's rights reads the server's secrets. */
const SYSTEM = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** The backquoted identifiers of a stored view definition (MariaDB writes every name quoted). */
const identifiers = (definition: string): string[] => [...definition.matchAll(/`((?:[^`]|``)*)`/g)].map((m) => (m[1] ?? '').replace(/``/g, '`'));

/**
 * What a SQL SECURITY DEFINER view reads, as far as redb can tell from its stored text. MariaDB has
 * no catalog of a view's columns, so under a masking policy such a view is not checked but left out
 * (an INVOKER view is read with the reader's own column grants). Without one, it is granted unless
 * its text names another database (`mysql`.`user` ...) or calls a stored function, which runs with
 * the definer's rights too.
 */
function definerReads(definition: string, database: string, databases: readonly string[], policy: ReadPolicy): Pick<CatalogRelation, 'reads' | 'unknownReads'> {
  if (!policy.empty)
    return { unknownReads: "runs with its definer's rights (SQL SECURITY DEFINER); under a masking policy only SQL SECURITY INVOKER views are granted" };
  if (definition === '') return { unknownReads: "runs with its definer's rights, and its definition is hidden from this login" };
  if (/`(?:[^`]|``)*`\s*\(/.test(definition)) return { unknownReads: "calls a stored function, which runs with its definer's rights" };
  const others = new Set([...SYSTEM, ...databases].map((d) => d.toLowerCase()).filter((d) => d !== database.toLowerCase()));
  const reads: ViewRead[] = identifiers(definition)
    .filter((name) => others.has(name.toLowerCase()))
    .map((name) => ({ table: { name }, system: true }));
  return { reads };
}

export interface ProjectCatalog {
  readonly relations: readonly CatalogRelation[];
  /** What the connected login can see of them: on MariaDB, the columns it holds a privilege on. */
  readonly readable: readonly Readable[];
}

/** The database's tables and views, with their columns, as the connected login sees them. */
export async function readCatalog(driver: Driver, database: string, policy: ReadPolicy): Promise<ProjectCatalog> {
  const [tables] = await driver.query(
    `SELECT t.TABLE_NAME AS name, t.TABLE_TYPE AS type, t.CHECKSUM IS NOT NULL AS checksum, v.SECURITY_TYPE AS security, v.VIEW_DEFINITION AS definition
       FROM information_schema.TABLES t LEFT JOIN information_schema.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
      WHERE t.TABLE_SCHEMA = ?`,
    [database],
  );
  const [columns] = await driver.query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, GENERATION_EXPRESSION AS g FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const [schemata] = await driver.query('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA');
  const byTable = new Map<string, string[]>();
  const generated = new Map<string, Record<string, string[]>>();
  for (const { t, c, g } of columns as { t: string; c: string; g: string | null }[]) {
    byTable.set(t, [...(byTable.get(t) ?? []), c]);
    // MariaDB writes every name in a generation expression quoted: the quoted words are its sources.
    if (g !== null && g !== '') generated.set(t, { ...generated.get(t), [c]: identifiers(g) });
  }
  const databases = (schemata as { s: string }[]).map((r) => r.s);
  const relations = (tables as { name: string; type: string; checksum: number; security: string | null; definition: string | null }[]).map(
    (t): CatalogRelation => {
      const base = { name: t.name, columns: byTable.get(t.name) ?? [], generated: generated.get(t.name), wholeRowDigest: Number(t.checksum) === 1 };
      if (t.type !== 'VIEW') return { ...base, kind: 'table' };
      if (t.security === 'INVOKER') return { ...base, kind: 'view', ownerRights: false };
      return { ...base, kind: 'view', ownerRights: true, ...definerReads(t.definition ?? '', database, databases, policy) };
    },
  );
  return { relations, readable: relations.map((r) => ({ name: r.name, columns: r.columns })) };
}
