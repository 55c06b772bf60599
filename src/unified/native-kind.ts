import type { ColumnType } from './column-type.js';
import type { EngineFacts } from './engine-facts.js';

/** Where a type's `kind` is not one its `native` spelling can carry on the engine: the field and why; undefined when they agree or cannot be compared. */
export function kindContradiction(facts: EngineFacts, type: ColumnType): { readonly field: string; readonly detail: string } | undefined {
  const kinds = facts.nativeKinds(type.native);
  if (kinds !== undefined && !kinds.includes(type.kind)) {
    return {
      field: 'kind',
      detail: `native ${type.native} is ${kinds.length === 1 ? `a ${kinds[0]}` : `one of ${kinds.join(', ')}`} type on ${facts.engine}, but kind says ${type.kind}: change both together`,
    };
  }
  if (type.kind === 'array') {
    const inner = kindContradiction(facts, type.of);
    return inner === undefined ? undefined : { field: `of.${inner.field}`, detail: inner.detail };
  }
  return undefined;
}
