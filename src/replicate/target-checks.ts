import type { RowReader, RowTarget, TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import type { Column, Schema, Table } from '../unified/index.js';
import { nameOf, type TablePair } from './pairing.js';
import { tableId } from './schema-phases.js';

/**
 * What is checked on the target before a clone writes anything, so that a copy that cannot
 * succeed never empties a table or stops half-way: the columns of tables that exist already, the
 * tables that --truncate would strand, values too large for the target's server to take, and
 * lists of lists that its arrays cannot hold.
 */

/** A column of an existing target table that the copy leaves empty, though the table demands a value. */
const needsValue = (c: Column): boolean =>
  !c.nullable && c.default === undefined && c.generated === undefined && c.identity === undefined && c.autoIncrement !== true;

/** Refuse the copy into existing tables that could not take its rows (a NOT NULL column the source does not have). */
export function refuseIncompatible(pairs: readonly TablePair[], targetName: string): void {
  const problems: string[] = [];
  for (const pair of pairs) {
    const filled = new Set(pair.columns.map((c) => c.target.name));
    for (const c of pair.target.columns.filter((x) => !filled.has(x.name) && needsValue(x))) {
      problems.push(`${tableId(pair.target)}.${c.name} is NOT NULL without a default, and ${pair.id} in the source has no such column`);
    }
  }
  if (problems.length > 0) throw errors.cloneTargetIncompatible(targetName, problems);
}

const sameTable = (a: { schema?: string | undefined; name: string }, b: { schema?: string | undefined; name: string }): boolean =>
  a.name.toLowerCase() === b.name.toLowerCase() && (a.schema === undefined || b.schema === undefined || a.schema.toLowerCase() === b.schema.toLowerCase());

/**
 * The tables --truncate empties, in an order every engine accepts: a table that others refer to
 * after them. A table outside the copy that refers to an emptied one keeps its rows only if it has
 * none (then it is emptied too, which changes nothing, because PostgreSQL empties referenced tables
 * only together with those referring to them); with rows, the truncation is refused.
 */
export async function truncationOrder(live: Schema, emptied: readonly Table[], rows: RowTarget, targetName: string): Promise<TableName[]> {
  const set = [...emptied];
  const stranded: { table: string; referencedBy: string; rows: number }[] = [];
  for (const t of live.tables) {
    if (set.some((e) => sameTable(e, t))) continue;
    const refers = t.foreignKeys.filter((f) => emptied.some((e) => sameTable(e, { schema: f.references.schema ?? t.schema, name: f.references.table })));
    if (refers.length === 0) continue;
    const n = await rows.count(nameOf(t));
    if (n === 0) set.push(t);
    else for (const f of refers) stranded.push({ table: f.references.table, referencedBy: tableId(t), rows: n });
  }
  if (stranded.length > 0) throw errors.cloneTruncateReferenced(targetName, stranded);
  // Depth-first: each table after every table that refers to it.
  const order: Table[] = [];
  const visiting = new Set<Table>();
  const visit = (t: Table) => {
    if (order.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const child of set)
      if (child !== t && child.foreignKeys.some((f) => sameTable(t, { schema: f.references.schema ?? child.schema, name: f.references.table }))) visit(child);
    order.push(t);
  };
  for (const t of set) visit(t);
  return order.map(nameOf);
}

/** Kinds whose values can be large enough to pass a server's bound on one row. */
const LARGE = new Set(['text', 'binary', 'json', 'other', 'user', 'array', 'spatial']);

/**
 * Rows of a pair's source table that the clone copies (its --where) and `condition` selects. A
 * condition the engine cannot evaluate for a column's type counts none: the question is left to the
 * copy, which names the row it fails on.
 */
const countCopied = (reader: RowReader, pair: TablePair, where: ReadonlyMap<string, string>, condition: string): Promise<number> =>
  reader.count(nameOf(pair.source), where.has(pair.id) ? `(${condition}) AND (${where.get(pair.id)})` : condition).catch(() => 0);

/**
 * Rows of the source holding a value larger than the target's server takes in one row
 * (MariaDB's max_allowed_packet), counted on the source before anything is written.
 */
export async function refuseOversized(
  pairs: readonly TablePair[],
  reader: RowReader,
  target: RowTarget,
  where: ReadonlyMap<string, string>,
  targetName: string,
): Promise<void> {
  if (target.largestValue === undefined || reader.valueBytes === undefined) return;
  const problems: Parameters<typeof errors.cloneValueTooLarge>[1][number][] = [];
  const valueBytes = reader.valueBytes.bind(reader);
  const largestValue = target.largestValue.bind(target);
  for (const pair of pairs) {
    const checked = pair.columns.flatMap(({ source, target: column }) => {
      const bound = largestValue(column.type);
      const length = source.type.kind === 'text' || source.type.kind === 'binary' ? source.type.length : undefined;
      if (bound === undefined || !LARGE.has(source.type.kind) || (length !== undefined && length * 4 <= bound.bytes)) return [];
      return [{ source, bound, condition: `${valueBytes(reader.quote(source.name), source.type)} > ${bound.bytes}` }];
    });
    if (checked.length === 0) continue;
    const count = (condition: string) => countCopied(reader, pair, where, condition);
    // One pass over the table; the columns are told apart only when some value is too large.
    if ((await count(checked.map((c) => c.condition).join(' OR '))) === 0) continue;
    for (const c of checked) {
      const n = await count(c.condition);
      if (n > 0) problems.push({ table: pair.id, column: c.source.name, rows: n, limit: c.bound.limit, setting: c.bound.setting });
    }
  }
  if (problems.length > 0) throw errors.cloneValueTooLarge(targetName, problems);
}

/** The columns of a pair that are arrays of arrays on both sides. */
const nestedArrays = (pair: TablePair): TablePair['columns'] =>
  pair.columns.filter(({ source, target }) => source.type.kind === 'array' && (source.type.dims ?? 1) >= 2 && target.type.kind === 'array');

/**
 * Rows of the source holding a list of lists that the target's arrays cannot hold (sub-lists of
 * different lengths, NULL or empty: DuckDB's lists into PostgreSQL's arrays, which are
 * rectangular), counted on the source before anything is written.
 */
export async function refuseUnevenArrays(
  pairs: readonly TablePair[],
  reader: RowReader,
  target: RowTarget,
  where: ReadonlyMap<string, string>,
  targetName: string,
): Promise<void> {
  if (target.rectangularArrays !== true || reader.unevenArray === undefined) return;
  const uneven = reader.unevenArray.bind(reader);
  const problems: Parameters<typeof errors.cloneUnevenArrays>[1][number][] = [];
  for (const pair of pairs) {
    for (const { source } of nestedArrays(pair)) {
      const condition = uneven(reader.quote(source.name), source.type.kind === 'array' ? (source.type.dims ?? 1) : 1);
      const rows = await countCopied(reader, pair, where, condition);
      if (rows > 0) problems.push({ table: pair.id, column: source.name, rows, condition });
    }
  }
  if (problems.length > 0) throw errors.cloneUnevenArrays(targetName, problems);
}
