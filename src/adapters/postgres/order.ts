import type { SchemaObject } from '../../unified/index.js';
import { topologicalOrder } from '../topological-order.js';
import { nativeReferences, routineReferences, sqlReferences, typeReferences, type Reference } from './references.js';
import { identValue, tokenize } from './sql-text.js';

/** An object as references find it: its name, and the kinds of reference it answers to. */
export interface Named {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly answers: ReadonlySet<Reference['kind']>;
}

const ALL: ReadonlySet<Reference['kind']> = new Set(['relation', 'routine', 'type', 'any']);
const ANSWERS: Record<SchemaObject['kind'], ReadonlySet<Reference['kind']>> = {
  table: new Set(['relation', 'type', 'any']),
  view: new Set(['relation', 'type', 'any']),
  sequence: new Set(['relation', 'any']),
  enum: new Set(['type', 'any']),
  domain: new Set(['type', 'any']),
  composite: new Set(['type', 'any']),
  routine: new Set(['routine', 'any']),
  // What a native is (an aggregate, a range type, a foreign table...) is in its DDL: any reference may mean it.
  native: ALL,
  trigger: new Set(),
  namespace: new Set(),
  extension: new Set(),
};

/** How other objects name this one: an aggregate or operator without its arguments. */
export function namedAs(target: SchemaObject): Named {
  const o = target.object as { schema?: string; name: string };
  return { schema: o.schema, name: target.kind === 'native' ? o.name.replace(/\(.*$/, '') : o.name, answers: ANSWERS[target.kind] };
}

/** Whether a reference names an object: qualified, or bare for an object of the search path (`public`). */
export const refersTo = (ref: Reference, o: Named): boolean =>
  ref.name === o.name &&
  (ref.kind === 'any' || o.answers.has(ref.kind)) &&
  (ref.schema === undefined ? o.schema === undefined || o.schema === 'public' : ref.schema === o.schema);

/** What an object's definition refers to, per kind (see references.ts). */
export function objectReferences(target: SchemaObject): Reference[] {
  switch (target.kind) {
    case 'table': {
      const t = target.object;
      return [
        ...t.columns.flatMap((c) => [
          ...typeReferences(c.type.native),
          ...(c.default === undefined ? [] : sqlReferences(c.default)),
          ...(c.generated === undefined ? [] : sqlReferences(c.generated.expression)),
        ]),
        ...t.checks.flatMap((c) => sqlReferences(c.expression)),
        ...t.exclusions.flatMap((e) => sqlReferences(e.definition)),
        ...t.indexes.flatMap((i) => [
          ...i.keys.flatMap((k) => (k.expression === undefined ? [] : sqlReferences(k.expression))),
          ...(i.where === undefined ? [] : sqlReferences(i.where)),
        ]),
        ...(t.partitionOf === undefined ? [] : [{ kind: 'relation' as const, schema: t.partitionOf.schema, name: t.partitionOf.table }]),
      ];
    }
    case 'view':
      return sqlReferences(target.object.definition);
    case 'domain':
      return [
        ...typeReferences(target.object.type.native),
        ...(target.object.default === undefined ? [] : sqlReferences(target.object.default)),
        ...target.object.checks.flatMap((c) => sqlReferences(c.expression)),
      ];
    case 'composite':
      return target.object.attributes.flatMap((a) => typeReferences(a.type.native));
    case 'sequence':
      return typeReferences(target.object.type);
    case 'routine':
      return routineReferences(target.object.definition);
    case 'trigger':
      return [{ kind: 'relation', schema: target.object.schema, name: target.object.table }, ...sqlReferences(target.object.definition)];
    case 'native':
      return nativeReferences(target.object.definition);
    case 'enum':
    case 'namespace':
    case 'extension':
      return [];
  }
}

/**
 * Objects ordered so that each comes after the objects it refers to (see references.ts for what
 * counts); otherwise in their given order. Cycles are cut where they close, so the given order wins
 * among objects that refer to each other.
 */
export function dependencyOrder<T>(items: readonly T[], target: (t: T) => SchemaObject): T[] {
  const byName = new Map<string, number[]>();
  const names = items.map((item, i) => {
    const n = namedAs(target(item));
    byName.set(n.name, [...(byName.get(n.name) ?? []), i]);
    return n;
  });
  const deps = items.map((item, i) => {
    const out = new Set<number>();
    for (const ref of objectReferences(target(item))) {
      for (const j of byName.get(ref.name) ?? []) if (j !== i && refersTo(ref, names[j] as Named)) out.add(j);
    }
    return [...out];
  });
  const indexes = items.map((_item, i) => i);
  return topologicalOrder(indexes, (i) => deps[i] ?? []).map((i) => items[i] as T);
}

/** Whether an object's definition refers to a relation or routine named `o`, of whatever kind. */
export const refersToNamed = (target: SchemaObject, o: { schema?: string | undefined; name: string }): boolean =>
  objectReferences(target).some((ref) => refersTo(ref, { ...o, answers: ALL }));

/**
 * Whether `text` names a column `o.name` (qualified by `o.schema`: a table alias, NEW or OLD). Columns
 * are named by bare identifiers in expressions, so here an identifier is what counts.
 */
export function mentions(text: string, o: { schema?: string | undefined; name: string }): boolean {
  const tokens = tokenize(text);
  return tokens.some((token, k) => {
    if (identValue(token) !== o.name) return false;
    const dotted = tokens[k - 1]?.type === 'punct' && tokens[k - 1]?.value === '.';
    return dotted ? identValue(tokens[k - 2]) === o.schema : o.schema === undefined || o.schema === 'public';
  });
}
