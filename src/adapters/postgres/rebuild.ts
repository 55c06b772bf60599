import type { NativeObject, Operation, PlanInput, Trigger, View } from '../../unified/index.js';
import { refersToNamed } from './order.js';

const key = (o: { schema?: string | undefined; name: string }) => `${o.schema ?? ''}\u0000${o.name}`;

/**
 * Views the plan must drop and create again although they did not change: PostgreSQL refuses to
 * drop a view another view reads, to change the type of (or drop) a column a view reads, or to drop a
 * routine a view calls. `going` names the views the plan drops or re-creates anyway; `also`, the
 * routines it drops and creates again and tables whose columns change type by other means.
 */
export function viewsToRebuild(
  input: PlanInput,
  going: ReadonlySet<string>,
  also: readonly { schema?: string | undefined; name: string }[],
): { from: View; to: View }[] {
  const changedTables = input.operations.flatMap((op) =>
    (op.op === 'alter_column' && (op.from.type.native !== op.to.type.native || op.from.collation !== op.to.collation)) || op.op === 'drop_column'
      ? [op.table]
      : [],
  );
  const gone = new Set(going);
  const goneViews = input.from.views.filter((v) => gone.has(key(v)));
  const toViews = new Map(input.to.views.map((v) => [key(v), v]));
  const out: { from: View; to: View }[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of input.from.views) {
      const to = toViews.get(key(v));
      if (gone.has(key(v)) || to === undefined) continue;
      if ([...goneViews, ...changedTables, ...also].some((dep) => refersToNamed({ kind: 'view', object: v }, dep))) {
        gone.add(key(v));
        goneViews.push(v);
        out.push({ from: v, to });
        grew = true;
      }
    }
  }
  return out;
}

/** Triggers of re-created views that the plan does not create itself: dropping a view drops them. */
export function triggersToRestore(input: PlanInput, recreated: ReadonlySet<string>): Trigger[] {
  const created = new Set(
    input.operations.flatMap((op: Operation) => {
      const target = op.op === 'create_object' ? op.target : op.op === 'alter_object' ? op.to : undefined;
      return target?.kind === 'trigger' ? [`${key({ schema: target.object.schema, name: target.object.table })}\u0000${target.object.name}`] : [];
    }),
  );
  return input.to.triggers.filter((t) => {
    const table = key({ schema: t.schema, name: t.table });
    return recreated.has(table) && !created.has(`${table}\u0000${t.name}`);
  });
}

/** Natives on a view's parts (named `view.part`) and on the view itself, which go when it is dropped. */
const ON_VIEW_PARTS = new Set(['rule', 'comment', 'column options']);
const ON_VIEW = new Set(['grant', 'tablespace']);

/** Rules, column comments, privileges and settings of re-created views. */
export function nativesToRestore(input: PlanInput, recreated: readonly View[]): NativeObject[] {
  const id = (n: NativeObject) => `${n.type}\u0000${n.schema ?? ''}\u0000${n.name}`;
  const created = new Set(
    input.operations.flatMap((op) => {
      const target = op.op === 'create_object' ? op.target : op.op === 'alter_object' ? op.to : undefined;
      return target?.kind === 'native' ? [id(target.object)] : [];
    }),
  );
  return input.to.natives.filter(
    (n) =>
      !created.has(id(n)) &&
      recreated.some((v) => v.schema === n.schema && (ON_VIEW_PARTS.has(n.type) ? n.name.startsWith(`${v.name}.`) : ON_VIEW.has(n.type) && n.name === v.name)),
  );
}

export { key as viewKey };
