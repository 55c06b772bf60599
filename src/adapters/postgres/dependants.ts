import type { Column, PlanInput, Table, TableRef, Trigger } from '../../unified/index.js';
import { mentions } from './order.js';
import { qname, quoteIdent } from './sql-text.js';

/** What a change drags along that the diff does not name: objects PostgreSQL ties to the changed one. */

const tableKey = (t: TableRef) => `${t.schema ?? ''}\u0000${t.name}`;

/**
 * An identity sequence named after its table and column follows them when either is renamed, as it is
 * named when the table is made under the new names (a custom name is kept as an 'identity sequence' native).
 */
export function identitySequenceRename(input: PlanInput, from: TableRef, fromColumn: string, table: string, column: Column): string[] {
  const custom = input.from.natives.some((n) => n.type === 'identity sequence' && n.schema === from.schema && n.name === `${from.name}.${fromColumn}`);
  const [old, next] = [`${from.name}_${fromColumn}_seq`, `${table}_${column.name}_seq`];
  if (column.identity === undefined || custom || old === next || old.length > 63 || next.length > 63) return [];
  return [`ALTER SEQUENCE ${qname({ schema: from.schema, name: old })} RENAME TO ${quoteIdent(next)}`];
}

/**
 * Foreign keys of `from` that reference these columns of `table` and stay as they are: the plan
 * neither drops them nor their table.
 */
export function referencingKeys(input: PlanInput, table: TableRef, columns: readonly string[]): { table: Table; def: Table['foreignKeys'][number] }[] {
  const dropped = new Set(
    input.operations.flatMap((op) =>
      op.op === 'drop_constraint' && op.constraint.type === 'foreign_key'
        ? [`${tableKey(op.table)}\u0000${op.constraint.def.name ?? ''}`]
        : op.op === 'drop_object' && op.target.kind === 'table'
          ? [tableKey(op.target.object)]
          : [],
    ),
  );
  return input.from.tables.flatMap((t) =>
    dropped.has(tableKey(t))
      ? []
      : t.foreignKeys
          .filter(
            (fk) =>
              fk.references.table === table.name &&
              (fk.references.schema ?? t.schema) === table.schema &&
              JSON.stringify(fk.references.columns) === JSON.stringify(columns),
          )
          .filter((fk) => !dropped.has(`${tableKey(t)}\u0000${fk.name ?? ''}`))
          .map((def) => ({ table: t, def })),
  );
}

/**
 * What PostgreSQL refuses to keep while a column it reads changes type: generated columns (as they
 * are in `to`) and triggers whose WHEN condition names the column, unless the plan changes them anyway.
 */
export function readersOfRetypedColumns(input: PlanInput): { generated: { table: Table; column: Column }[]; triggers: { from: Trigger; to: Trigger }[] } {
  const retyped = input.operations.flatMap((op) =>
    op.op === 'alter_column' && (op.from.type.native !== op.to.type.native || op.from.collation !== op.to.collation)
      ? [{ table: op.table, column: op.to.name }]
      : [],
  );
  if (retyped.length === 0) return { generated: [], triggers: [] };
  // A trigger condition names columns as NEW.x and OLD.x.
  const reads = (t: TableRef, text: string) =>
    retyped.some((r) => tableKey(r.table) === tableKey(t) && [undefined, 'new', 'old'].some((schema) => mentions(text, { schema, name: r.column })));
  const fromTables = new Map(input.from.tables.map((t) => [tableKey(t), t]));
  const generated = input.to.tables.flatMap((table) =>
    table.columns
      .filter((c) => c.generated !== undefined && reads(table, c.generated.expression))
      .filter((c) => fromTables.get(tableKey(table))?.columns.find((f) => f.name === c.name)?.generated !== undefined)
      .map((column) => ({ table, column })),
  );
  const touched = new Set(
    input.operations.flatMap((op) =>
      (op.op === 'alter_object' || op.op === 'drop_object' ? (op.op === 'alter_object' ? [op.from] : [op.target]) : [])
        .filter((o) => o.kind === 'trigger')
        .map((o) => `${tableKey({ schema: o.object.schema, name: (o.object as Trigger).table })}\u0000${o.object.name}`),
    ),
  );
  const triggers = input.from.triggers.flatMap((from) => {
    const table = { schema: from.schema, name: from.table };
    const when = /\bWHEN\s*\(([\s\S]*)\)\s*EXECUTE\b/i.exec(from.definition)?.[1];
    const to = input.to.triggers.find((t) => t.schema === from.schema && t.table === from.table && t.name === from.name);
    return when !== undefined && to !== undefined && reads(table, when) && !touched.has(`${tableKey(table)}\u0000${from.name}`) ? [{ from, to }] : [];
  });
  return { generated, triggers };
}
