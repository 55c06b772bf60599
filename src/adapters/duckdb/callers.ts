import type { Column, SchemaObject, Table } from '../../unified/index.js';
import { tokenize } from '../sql-tokens.js';
import { keyOf } from './order.js';

/**
 * DuckDB remembers, for as long as the database stays open, which column defaults call a sequence
 * or a macro and which checks and generated columns call a macro, and refuses to drop the sequence
 * or macro while they do. (A database opened afresh has forgotten, which is why only a rehearsal on
 * a shadow, built and migrated in one session, trips over it.) A plan that drops or makes again such
 * a sequence or macro takes the default off first and puts it back after; a check or a generated
 * column cannot be altered, so its table is rebuilt.
 */

/** The names a dropped sequence or macro may be called by, upper-cased, without schema. */
export interface Dropped {
  readonly sequences: ReadonlySet<string>;
  readonly macros: ReadonlySet<string>;
}

export function droppedCallees(targets: readonly SchemaObject[]): Dropped {
  const names = (keep: (t: SchemaObject) => boolean) => new Set(targets.filter(keep).map((t) => (t.object as { name: string }).name.toUpperCase()));
  return { sequences: names((t) => t.kind === 'sequence'), macros: names((t) => t.kind === 'native' && t.object.type === 'macro') };
}

/** Whether an expression calls one of the macros (any word that names one: a false match only costs a statement). */
const callsMacro = (expression: string, dropped: Dropped): boolean =>
  tokenize(expression).some((t) => (t.type === 'word' || t.type === 'ident') && dropped.macros.has(t.value.toUpperCase()));

/** Whether an expression takes a value from one of the sequences: `nextval('s')`, `currval('main.s')`. */
function callsSequence(expression: string, dropped: Dropped): boolean {
  return [...expression.matchAll(/(?:nextval|currval)\s*\(\s*'((?:[^']|'')*)'/gi)].some((m) => {
    const name = (m[1] as string).replace(/''/g, "'").split('.').pop()?.replace(/^"|"$/g, '') ?? '';
    return dropped.sequences.has(name.toUpperCase());
  });
}

export const defaultCalls = (c: Column, dropped: Dropped): boolean =>
  c.default !== undefined && (callsSequence(c.default, dropped) || callsMacro(c.default, dropped));

/** Keys of the tables whose checks or generated columns call a dropped macro: these are rebuilt. */
export function tablesCalling(tables: readonly Table[], dropped: Dropped): Set<string> {
  if (dropped.macros.size === 0) return new Set();
  const calls = (t: Table) =>
    t.checks.some((c) => callsMacro(c.expression, dropped)) || t.columns.some((c) => c.generated !== undefined && callsMacro(c.generated.expression, dropped));
  return new Set(tables.filter(calls).map(keyOf));
}
