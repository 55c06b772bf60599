import type { Operation, PlanInput, View } from '../../unified/index.js';
import { renameColumnInView, renameTableInView } from './references.js';
import { quoteIdent } from './sql-text.js';

/**
 * Views that read a table or column the plan renames, replaced with their query reading the new
 * names. MariaDB renames and leaves such a view broken (error 1356 when read); PostgreSQL rewrites
 * it. Views the plan replaces or drops anyway are left to the plan.
 */
export function viewsReadingRenamed(input: PlanInput): Operation[] {
  const tables = input.operations.flatMap((op) =>
    op.op === 'rename_object' && op.target.kind === 'table' ? [{ from: op.from.name, to: op.target.object.name }] : [],
  );
  const renames = input.operations.flatMap((op) => (op.op === 'rename_column' ? [{ table: op.table.name, from: op.from, to: op.column.name }] : []));
  if (renames.length === 0 && tables.length === 0) return [];
  const handled = new Set(
    input.operations.flatMap((op) => {
      const target = op.op === 'alter_object' ? op.from : op.op === 'drop_object' ? op.target : undefined;
      return target?.kind === 'view' ? [target.object.name] : [];
    }),
  );
  return input.from.views.flatMap((view): Operation[] => {
    if (handled.has(view.name) || !input.to.views.some((v) => v.name === view.name)) return [];
    let definition = view.definition;
    // Tables first: a renamed column's table goes by its new name in the plan.
    for (const r of tables) definition = renameTableInView(definition, r.from, r.to, quoteIdent) ?? definition;
    for (const r of renames) definition = renameColumnInView(definition, r.table, r.from, r.to, quoteIdent) ?? definition;
    if (definition === view.definition) return [];
    const to: View = { ...view, definition };
    return [{ op: 'alter_object', from: { kind: 'view', object: view }, to: { kind: 'view', object: to } }];
  });
}
