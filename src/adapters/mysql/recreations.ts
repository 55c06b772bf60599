import type { Operation, PlanInput, SchemaObject, Trigger } from '../../unified/index.js';
import { settingsOf } from './session-settings.js';

/** Triggers that fire together (same table, timing and event) run in creation order. */
const triggerGroup = (t: Trigger): string => {
  const m = /^\s*CREATE\s+TRIGGER\s+`(?:[^`]|``)*`\s+(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)\b/i.exec(settingsOf(t.definition).statement);
  return `${t.table}\u0000${(m?.[1] ?? '').toUpperCase()}\u0000${(m?.[2] ?? '').toUpperCase()}`;
};

const targetsOf = (op: Operation): SchemaObject[] =>
  op.op === 'alter_object' ? [op.from, op.to] : op.op === 'create_object' || op.op === 'drop_object' ? [op.target] : [];

/**
 * Re-creating one trigger of a group moves it to the end of the group's firing order, so every other
 * trigger of a touched group is re-created too, in the target's order (FOLLOWS).
 */
function regroupTriggers(input: PlanInput): Operation[] {
  const touched = new Set<string>();
  const names = new Set<string>();
  for (const t of input.operations.flatMap(targetsOf)) {
    if (t.kind !== 'trigger') continue;
    touched.add(triggerGroup(t.object));
    names.add(t.object.name);
  }
  const before = new Map(input.from.triggers.map((t) => [t.name, t]));
  return input.to.triggers.flatMap((t): Operation[] => {
    const old = before.get(t.name);
    if (names.has(t.name) || old === undefined || !touched.has(triggerGroup(t))) return [];
    return [{ op: 'alter_object', from: { kind: 'trigger', object: old }, to: { kind: 'trigger', object: t } }];
  });
}

/** Dropping or replacing a package's specification drops its body too, so an unchanged body is re-created. */
function rebuildPackageBodies(input: PlanInput): Operation[] {
  const named = (ops: readonly Operation[], type: string) =>
    new Set(ops.flatMap(targetsOf).flatMap((t) => (t.kind === 'native' && t.object.type === type ? [t.object.name] : [])));
  const specs = named(
    input.operations.filter((op) => op.op !== 'create_object'),
    'package',
  );
  const bodies = named(input.operations, 'package body');
  const before = new Map(input.from.natives.filter((n) => n.type === 'package body').map((n) => [n.name, n]));
  return input.to.natives.flatMap((body): Operation[] => {
    const old = before.get(body.name);
    if (body.type !== 'package body' || old === undefined || !specs.has(body.name) || bodies.has(body.name)) return [];
    return [{ op: 'alter_object', from: { kind: 'native', object: old }, to: { kind: 'native', object: body } }];
  });
}

/** Objects the diff leaves alone that the plan must re-create because a neighbour is re-created. */
export const companionRecreations = (input: PlanInput): Operation[] => [...regroupTriggers(input), ...rebuildPackageBodies(input)];
