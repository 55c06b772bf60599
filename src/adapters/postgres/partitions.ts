import type { Column, Operation, PlanInput, Table } from '../../unified/index.js';
import { alterColumnSql } from './ddl-alter.js';
import { qname, quoteIdent } from './sql-text.js';

type ColumnOp = Extract<Operation, { op: 'add_column' | 'drop_column' | 'alter_column' }>;

const key = (t: { schema?: string | undefined; name: string }) => `${t.schema ?? ''}\u0000${t.name}`;
const columnOf = (op: ColumnOp): Column => (op.op === 'alter_column' ? op.to : op.column);

/**
 * Column changes of a partition that its parent's change already makes: PostgreSQL applies ALTER
 * TABLE on a partitioned table to every partition, and refuses most of them on a partition itself.
 * Returns undefined for a change of its own, or the statements still needed (a default of its own).
 */
export function inheritedColumnSql(op: ColumnOp, input: PlanInput): string[] | undefined {
  const tables = new Map([...input.from.tables, ...input.to.tables].map((t) => [key(t), t]));
  const self: Table | undefined = tables.get(key(op.table));
  const parent = self?.partitionOf;
  if (parent === undefined) return undefined;
  const parentKey = key({ schema: parent.schema, name: parent.table });
  const name = columnOf(op).name;
  const parentOp = input.operations.find(
    (o): o is ColumnOp =>
      (o.op === 'add_column' || o.op === 'drop_column' || o.op === 'alter_column') && o.op === op.op && key(o.table) === parentKey && columnOf(o).name === name,
  );
  if (parentOp === undefined) return undefined;
  if (op.op === 'drop_column') return [];
  // What the parent's change leaves on the partition; only what still differs is compiled.
  const inherited = columnOf(parentOp);
  const from: Column =
    op.op === 'add_column'
      ? { ...inherited, comment: undefined }
      : {
          ...op.from,
          type: inherited.type,
          collation: inherited.collation,
          nullable: inherited.nullable,
          identity: inherited.identity,
          generated: inherited.generated,
          default: parentOp.op === 'alter_column' && parentOp.from.default !== parentOp.to.default ? inherited.default : op.from.default,
        };
  const to = columnOf(op);
  return alterColumnSql(op.table, from, { ...to, nullable: to.nullable && inherited.nullable });
}

/**
 * The partitions below a changed partitioned table, shallowest first, whose own column the plan
 * leaves alone: the parent's SET DEFAULT or DROP NOT NULL reached them anyway, so their own default
 * and NOT NULL are stated again.
 */
export function restoredPartitionSql(op: ColumnOp, input: PlanInput): string[] {
  if (op.op === 'drop_column') return [];
  const name = columnOf(op).name;
  const changed = new Set(
    input.operations.flatMap((o) => ((o.op === 'add_column' || o.op === 'alter_column') && columnOf(o).name === name ? [key(o.table)] : [])),
  );
  const out: string[] = [];
  let level = [key(op.table)];
  for (let depth = 0; level.length > 0 && depth < 100; depth++) {
    const parents = new Set(level);
    const children = input.to.tables.filter(
      (t) => t.partitionOf !== undefined && parents.has(key({ schema: t.partitionOf.schema, name: t.partitionOf.table })),
    );
    for (const t of children) {
      const column = t.columns.find((c) => c.name === name);
      if (column === undefined || changed.has(key(t))) continue;
      const col = `ALTER TABLE ${qname(t)} ALTER COLUMN ${quoteIdent(name)}`;
      out.push(column.default === undefined ? `${col} DROP DEFAULT` : `${col} SET DEFAULT ${column.default}`);
      if (!column.nullable) out.push(`${col} SET NOT NULL`);
    }
    level = children.map(key);
  }
  return out;
}
