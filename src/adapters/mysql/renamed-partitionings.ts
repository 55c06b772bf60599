import type { NativeObject, Operation } from '../../unified/index.js';
import { quoteIdent } from './sql-text.js';

type Rename = Extract<Operation, { op: 'rename_object' }>;

/** The partitioning `op` creates or drops (per `kind`) for `table`, if it is such an operation. */
function partitioningOf(op: Operation, kind: 'create_object' | 'drop_object', table: string): NativeObject | undefined {
  if (op.op !== kind || op.target.kind !== 'native') return undefined;
  const native = op.target.object;
  return native.type === 'partitioning' && native.name === table ? native : undefined;
}

/**
 * A table's partitioning is a native object named after its table (its definition the ALTER TABLE
 * that partitions it), which recorded renames leave alone, so the diff drops it under the old name and
 * creates it under the new one. RENAME TABLE carries the partitioning along: an unchanged one goes
 * with the rename (`carried`, by rename), and a changed one is removed from the table under its new
 * name before the new one is applied.
 */
export function partitioningFollowsRenames(operations: readonly Operation[]): { operations: Operation[]; carried: Map<Operation, Operation[]> } {
  const carried = new Map<Operation, Operation[]>();
  const replaced = new Map<Operation, Operation[]>();
  for (const rename of operations.filter((op): op is Rename => op.op === 'rename_object' && op.target.kind === 'table')) {
    const [before, after] = [rename.from.name, rename.target.object.name];
    const drop = operations.find((op) => partitioningOf(op, 'drop_object', before) !== undefined);
    const old = drop === undefined ? undefined : partitioningOf(drop, 'drop_object', before);
    if (drop === undefined || old === undefined) continue;
    const create = operations.find((op) => partitioningOf(op, 'create_object', after) !== undefined);
    const moved = { ...old, name: after, definition: old.definition.replace(`ALTER TABLE ${quoteIdent(before)} `, `ALTER TABLE ${quoteIdent(after)} `) };
    if (create !== undefined && partitioningOf(create, 'create_object', after)?.definition === moved.definition) {
      carried.set(rename, [drop, create]);
      replaced.set(drop, []).set(create, []);
    } else {
      replaced.set(drop, [{ op: 'drop_object', target: { kind: 'native', object: moved } }]);
    }
  }
  return { operations: operations.flatMap((op) => replaced.get(op) ?? [op]), carried };
}
