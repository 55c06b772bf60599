import { readConfig, type Store } from '../repo/index.js';
import type { ChangeLine, Plan, TableRef } from '../unified/index.js';
import { tableReadable, type AccessScope } from './access.js';

/** What a filter needs of an MCP call: the project, and the caller's scope under an access policy. */
export interface ScopedCall {
  readonly store: Store;
  readonly access?: AccessScope | undefined;
}

/** The table a change line is about: a table's own line, or a trigger's (`[schema.]table.trigger`). */
function tableOfLine(line: ChangeLine): string | undefined {
  if (line.kind === 'table') return line.id;
  if (line.kind === 'trigger') return line.id.slice(0, Math.max(0, line.id.lastIndexOf('.'))) || undefined;
  return undefined;
}

/**
 * A filter that drops change lines about tables the caller may not read in some bound database (a
 * stored ref describes them all), noting each refusal for the log. Without an access policy, the
 * identity.
 */
export async function hiddenLines(call: ScopedCall): Promise<<T extends ChangeLine>(lines: readonly T[]) => T[]> {
  const scope = call.access;
  if (scope === undefined) return (lines) => [...lines];
  const databases = Object.keys((await readConfig(call.store)).databases);
  // The id is the table as Cedar names it (`schema.table` or `table`), so it serves as the name whole.
  const readable = (id: string) => databases.every((db) => tableReadable(scope, db, { name: id }));
  return (lines) =>
    lines.filter((line) => {
      const table = tableOfLine(line);
      return table === undefined || readable(table);
    });
}

/** Every table a plan's operations touch. */
export function planTables(plan: Plan): TableRef[] {
  const out = new Map<string, TableRef>();
  const add = (t: TableRef) => out.set(`${t.schema ?? ''}.${t.name}`, t);
  for (const step of plan.steps) {
    for (const op of step.operations) {
      if ('table' in op) add(op.table);
      if (op.op === 'create_object' || op.op === 'drop_object') {
        if (op.target.kind === 'table') add(op.target.object);
        if (op.target.kind === 'trigger') add({ schema: op.target.object.schema, name: op.target.object.table });
      }
      if (op.op === 'alter_object' && op.to.kind === 'trigger') add({ schema: op.to.object.schema, name: op.to.object.table });
      if (op.op === 'rename_object') {
        add(op.from);
        add(op.target.object);
      }
    }
  }
  return [...out.values()];
}
