import { hazardsOf, type Hazard, type Operation } from '../../unified/index.js';
import { primaryKeySql } from './ddl.js';
import { quoteIdent } from './sql-text.js';

export type SetPrimaryKey = Extract<Operation, { op: 'set_primary_key' }>;
type AddIndex = Extract<Operation, { op: 'add_index' }>;
type DropIndex = Extract<Operation, { op: 'drop_index' }>;

/**
 * Key changes that must share one ALTER TABLE with a column's ADD or DROP:
 * - a new AUTO_INCREMENT column must lead a key in the very statement that adds it (which also
 *   numbers the existing rows): `withAdd` maps its add_column to the new primary key that has it or,
 *   failing that, the new index it leads;
 * - dropping a column of the old primary key takes the key along (or, for an AUTO_INCREMENT column,
 *   is refused while the key stands), and the key an AUTO_INCREMENT column leads cannot go before the
 *   column: `withDrop` maps the first such drop_column to those key changes, dropped in its statement.
 */
export interface KeyMerges {
  readonly withAdd: ReadonlyMap<Operation, SetPrimaryKey | AddIndex>;
  readonly withDrop: ReadonlyMap<Operation, readonly (SetPrimaryKey | DropIndex)[]>;
  /** Key changes placed entirely inside another step. */
  readonly absorbed: ReadonlySet<Operation>;
}

const ledBy = (index: { readonly keys: readonly { readonly column?: string }[] }, column: string) => index.keys[0]?.column === column;

export function keyMerges(operations: readonly Operation[]): KeyMerges {
  const keys = new Map(operations.flatMap((op) => (op.op === 'set_primary_key' ? [[op.table.name, op] as const] : [])));
  const withAdd = new Map<Operation, SetPrimaryKey | AddIndex>();
  const withDrop = new Map<Operation, (SetPrimaryKey | DropIndex)[]>();
  const taken = new Set<SetPrimaryKey | DropIndex>();
  for (const op of operations) {
    if (op.op !== 'add_column' && op.op !== 'drop_column') continue;
    const [table, column] = [op.table.name, op.column.name];
    const pk = keys.get(table);
    if (op.op === 'add_column' && op.column.autoIncrement) {
      const key = pk?.to?.columns.includes(column)
        ? pk
        : operations.find((o): o is AddIndex => o.op === 'add_index' && o.table.name === table && ledBy(o.index, column));
      if (key !== undefined) withAdd.set(op, key);
    }
    if (op.op === 'drop_column') {
      const indexes = op.column.autoIncrement
        ? operations.filter((o): o is DropIndex => o.op === 'drop_index' && o.table.name === table && ledBy(o.index, column))
        : [];
      const merged = [...(pk?.from?.columns.includes(column) && !taken.has(pk) ? [pk] : []), ...indexes];
      for (const key of merged) taken.add(key);
      if (merged.length > 0) withDrop.set(op, merged);
    }
  }
  const absorbed = new Set<Operation>([...withAdd.values(), ...[...taken].filter((k) => k.op === 'drop_index' || k.to === undefined)]);
  return { withAdd, withDrop, absorbed };
}

/** What a merged key change adds to the column's DROP statement. */
export const droppedKeyClause = (key: SetPrimaryKey | DropIndex): string =>
  key.op === 'set_primary_key' ? 'DROP PRIMARY KEY' : `DROP INDEX ${quoteIdent(key.index.name)}`;

/** The key's clauses of an ALTER TABLE, leaving out the DROP when the old key already went with a column. */
export const primaryKeyClauses = (op: SetPrimaryKey, merges: KeyMerges): string[] => {
  const dropped = [...merges.withDrop.values()].some((keys) => keys.includes(op));
  return [op.from === undefined || dropped ? '' : 'DROP PRIMARY KEY', op.to === undefined ? '' : `ADD ${primaryKeySql(op.to)}`].filter(Boolean);
};

export const primaryKeyHazards = (op: SetPrimaryKey): Hazard[] => [
  ...hazardsOf(op),
  { name: 'rewrites-table', reason: `changing the primary key of ${op.table.name} rebuilds the table` },
];
