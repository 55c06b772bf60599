import type { RowReader } from '../adapters/rows.js';
import { errors, firstLineOf } from '../errors.js';
import type { Table } from '../unified/index.js';
import { nameOf } from './pairing.js';
import { selectTables, tableId } from './schema-phases.js';

/** `--where` keys resolved to the selected tables' ids. */
export function resolveWhere(where: ReadonlyMap<string, string> | undefined, tables: readonly Table[], dbName: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, condition] of where ?? []) {
    for (const table of selectTables(tables, [name], dbName)) out.set(tableId(table), condition);
  }
  return out;
}

/** Each `--where` condition run over none of its table's rows, so that one the engine cannot resolve is named before anything is written. */
export async function probeWhere(reader: RowReader, where: ReadonlyMap<string, string>, tables: readonly Table[], dbName: string): Promise<void> {
  for (const table of tables) {
    const condition = where.get(tableId(table));
    if (condition === undefined) continue;
    try {
      await reader.probe(nameOf(table), condition);
    } catch (e) {
      throw errors.cloneWhereInvalid(dbName, tableId(table), condition, firstLineOf(e)).because(e);
    }
  }
}

/**
 * A `--where` on a table that copied tables refer to must not leave their rows pointing at rows
 * that stay behind: the foreign key could not be added afterwards (or, where the target checks keys
 * during the load, the copy would stop half-way). Counted on the source before anything is written.
 */
export async function refuseOrphans(reader: RowReader, where: ReadonlyMap<string, string>, tables: readonly Table[], dbName: string): Promise<void> {
  const q = reader.quote;
  const breaks: Parameters<typeof errors.cloneWhereBreaksKey>[1][number][] = [];
  for (const child of tables) {
    for (const fk of child.foreignKeys) {
      const parent = tables.find((t) => t.name === fk.references.table && t.schema === (fk.references.schema ?? child.schema));
      const parentWhere = parent === undefined ? undefined : where.get(tableId(parent));
      if (parent === undefined || parentWhere === undefined) continue;
      const childWhere = where.get(tableId(child));
      const from = `${parent.schema === undefined ? '' : `${q(parent.schema)}.`}${q(parent.name)}`;
      const matches = fk.columns.map((c, i) => `redb_parent.${q(fk.references.columns[i] as string)} = ${q(child.name)}.${q(c)}`);
      const orphan = [
        ...(childWhere === undefined ? [] : [`(${childWhere})`]),
        ...fk.columns.map((c) => `${q(child.name)}.${q(c)} IS NOT NULL`),
        `NOT EXISTS (SELECT 1 FROM ${from} AS redb_parent WHERE ${matches.join(' AND ')} AND (${parentWhere}))`,
      ].join(' AND ');
      const orphans = await reader.count(nameOf(child), orphan);
      if (orphans === 0) continue;
      const list = (names: readonly string[]) => (names.length === 1 ? q(names[0] as string) : `(${names.map(q).join(', ')})`);
      const suggestion = `${tableId(child)}:${list(fk.columns)} IN (SELECT ${fk.references.columns.map(q).join(', ')} FROM ${from} WHERE ${parentWhere})`;
      const foreignKey = `${tableId(child)}(${fk.columns.join(', ')}) → ${tableId(parent)}(${fk.references.columns.join(', ')})`;
      breaks.push({
        child: tableId(child),
        parent: tableId(parent),
        foreignKey,
        orphans,
        suggestion: childWhere === undefined ? suggestion : `${suggestion} AND (${childWhere})`,
      });
    }
  }
  if (breaks.length > 0) throw errors.cloneWhereBreaksKey(dbName, breaks);
}
