import type { Operation, Table } from '../../unified/index.js';
import { castSql } from './cast.js';
import { createTableSql, indexSql } from './ddl.js';
import { columnBefore } from './renames.js';
import { identList, qname, quoteIdent, quoteLiteral } from './sql-text.js';

/** One table made again: its rows are kept in a temporary copy while the old table goes. */
export interface Rebuild {
  /** The table as the database holds it, before the plan's renames (see renames.ts). */
  readonly from: Table;
  readonly to: Table;
  readonly operations: readonly Operation[];
  /** The temporary table that holds the rows meanwhile. */
  readonly copy: string;
}

/**
 * Marks a statement that apply runs again until it inserts no more rows. DuckDB checks a foreign key
 * against the rows that were there before the statement, so rows that reference rows of the same
 * table go in one generation at a time: those whose parent is already in.
 */
export const REPEAT_MARK = '/* redb: run again until it inserts no rows */ ';

/**
 * The statements of a rebuild, in the three places of a plan they run: copy the rows out, drop the
 * old table (with the other tables being dropped, children first), then create the new one and copy
 * the rows back (parents first). Renamed columns take their old values; changed types are cast.
 */
export function rebuildSql(r: Rebuild): { copyOut: string[]; drop: string[]; create: string[] } {
  const copy = `temp.${quoteIdent(r.copy)}`;
  const target = qname(r.to);
  const old = new Map(r.from.columns.filter((c) => c.generated === undefined).map((c) => [c.name, c]));
  const values = new Map(
    r.to.columns.flatMap((c) => {
      const source = old.get(columnBefore(r.operations, c.name));
      if (c.generated !== undefined || source === undefined) return [];
      const value = `c.${quoteIdent(source.name)}`;
      return [[c.name, castSql(value, r.to.name, source, c)] as const];
    }),
  );
  const insert = `INSERT INTO ${target} (${identList([...values.keys()])}) SELECT ${[...values.values()].join(', ')} FROM ${copy} c`;
  const self = r.to.foreignKeys.filter((f) => f.references.table === r.to.name && f.references.schema === r.to.schema);
  const matches = (columns: readonly string[], refs: readonly string[]) =>
    refs.map((ref, i) => `n.${quoteIdent(ref)} = ${values.get(columns[i] as string) ?? 'NULL'}`).join(' AND ');
  const firstSelf = self[0];
  const copyBack =
    values.size === 0
      ? []
      : firstSelf === undefined
        ? [insert]
        : [
            `${REPEAT_MARK}${insert} WHERE NOT EXISTS (SELECT 1 FROM ${target} n WHERE ${matches(firstSelf.references.columns, firstSelf.references.columns)})` +
              self
                .map(
                  (f) =>
                    ` AND (${f.columns.map((c) => `${values.get(c) ?? 'NULL'} IS NULL`).join(' OR ')} OR EXISTS (SELECT 1 FROM ${target} n WHERE ${matches(f.columns, f.references.columns)}))`,
                )
                .join(''),
            `SELECT CASE WHEN (SELECT count(*) FROM ${target}) = (SELECT count(*) FROM ${copy}) THEN NULL ELSE error(${quoteLiteral(`rows of ${r.to.name} reference each other in a cycle and cannot be copied back`)}) END`,
          ];
  return {
    copyOut: [`CREATE TEMP TABLE ${quoteIdent(r.copy)} AS SELECT * FROM ${qname(r.from)}`],
    drop: [`DROP TABLE ${qname(r.from)}`],
    create: [...createTableSql(r.to), ...copyBack, `DROP TABLE ${copy}`, ...r.to.indexes.flatMap((i) => indexSql(r.to, i))],
  };
}
