import type { SchemaObject } from '../../unified/index.js';
import { identValue, qname, tokenize } from './sql-text.js';
import { topologicalOrder } from '../topological-order.js';

/**
 * A stand-in for the dependency-graph planner: objects are ordered so that each comes after the
 * objects its SQL text names. A name counts when it is written `schema.name`, or bare when the
 * object lives in `public` (the default search path). Cycles are cut where they close, so the
 * given order wins among objects that name each other.
 */
export function dependencyOrder<T>(items: readonly T[], named: (t: T) => { schema?: string | undefined; name: string }, text: (t: T) => string): T[] {
  const byName = new Map<string, number[]>();
  items.forEach((item, i) => {
    const n = named(item).name;
    byName.set(n, [...(byName.get(n) ?? []), i]);
  });
  const deps = items.map((item, i) => {
    const tokens = tokenize(text(item));
    const out = new Set<number>();
    tokens.forEach((token, k) => {
      const value = identValue(token);
      if (value === undefined) return;
      for (const j of byName.get(value) ?? []) {
        if (j === i) continue;
        const { schema } = named(items[j] as T);
        const dotted = tokens[k - 1]?.type === 'punct' && tokens[k - 1]?.value === '.';
        if (dotted ? identValue(tokens[k - 2]) === schema : schema === undefined || schema === 'public') out.add(j);
      }
    });
    return [...out];
  });
  const indexes = items.map((_item, i) => i);
  return topologicalOrder(indexes, (i) => deps[i] ?? []).map((i) => items[i] as T);
}

/** Whether `text` names the object `o` (see dependencyOrder for what counts). */
export function mentions(text: string, o: { schema?: string | undefined; name: string }): boolean {
  const tokens = tokenize(text);
  return tokens.some((token, k) => {
    if (identValue(token) !== o.name) return false;
    const dotted = tokens[k - 1]?.type === 'punct' && tokens[k - 1]?.value === '.';
    return dotted ? identValue(tokens[k - 2]) === o.schema : o.schema === undefined || o.schema === 'public';
  });
}

/** Keys whose strings name the object itself or things created elsewhere (columns, roles, FK targets). */
const SKIP = new Set(['name', 'schema', 'comment', 'table', 'include', 'roles', 'ref', 'references', 'values', 'language', 'kind', 'method', 'signature', 'ownedBy', 'partitionOf']);

function strings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // Lists of column names say nothing about other objects.
      if (SKIP.has(k) || (k === 'columns' && Array.isArray(v) && v.every((c) => typeof c === 'string'))) continue;
      strings(v, out);
    }
  }
}

/** The SQL text of an object that may name other objects: expressions, type spellings, bodies. */
export function referenceText(target: SchemaObject): string {
  const out: string[] = [];
  strings(target.object, out);
  if (target.kind === 'table' && target.object.partitionOf !== undefined) {
    const p = target.object.partitionOf;
    out.push(qname({ schema: p.schema, name: p.table }), p.bound);
  }
  // One fragment per line: a stray quote in one cannot swallow the next.
  return out.map((s) => (/['"]/.test(s) && !balancedQuotes(s) ? '' : s)).join('\n');
}

const balancedQuotes = (s: string): boolean => (s.match(/'/g)?.length ?? 0) % 2 === 0 && (s.match(/"/g)?.length ?? 0) % 2 === 0;
