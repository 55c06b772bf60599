import { errors } from '../../errors.js';
import type { Column } from '../../unified/index.js';

/** Timestamps DuckDB cannot cast to a coarser one directly (`TIMESTAMP_NS -> TIMESTAMP_S` is unimplemented). */
const FINE_TIMESTAMPS = new Set(['TIMESTAMP_MS', 'TIMESTAMP_NS']);
const COARSE_TIMESTAMPS = new Set(['TIMESTAMP_S', 'TIMESTAMP_MS']);

/** The members of `UNION(a INTEGER, "b c" VARCHAR)` as their text, split at top-level commas. */
function unionMembers(native: string): string[] {
  const inner = native.slice('UNION('.length, -1);
  const members: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      members.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  members.push(inner.slice(start).trim());
  return members;
}

/** A member's name: the text before its type, quoted or not. */
const memberName = (member: string): string => (member.startsWith('"') ? (/^"((?:[^"]|"")*)"/.exec(member)?.[1] ?? member) : (member.split(/\s/)[0] ?? member));

/** The cast DuckDB's ALTER COLUMN ... SET DATA TYPE makes when given no USING. */
export const plainCast = (value: string, native: string): string => `CAST(${value} AS ${native})`;

/**
 * The SQL that turns `value`, of column `from`'s type, into column `to`'s type. DuckDB casts most
 * types to each other; where it has no direct cast it goes through one it has, and where no cast
 * keeps the values (a UNION that loses a member) the plan is refused.
 */
export function castSql(value: string, table: string, from: Column, to: Column): string {
  const [source, target] = [from.type.native, to.type.native];
  if (source === target) return value;
  if (source.startsWith('UNION(') && target.startsWith('UNION(')) {
    const kept = new Set(unionMembers(target).map(memberName));
    const lost = unionMembers(source)
      .map(memberName)
      .filter((m) => !kept.has(m));
    if (lost.length > 0) {
      throw errors.planUnsupported(
        'duckdb',
        `removing member ${lost.join(', ')} from the UNION column ${table}.${to.name} (DuckDB cannot cast its values; move them to a kept member first)`,
      );
    }
  }
  if (FINE_TIMESTAMPS.has(source) && COARSE_TIMESTAMPS.has(target)) return plainCast(plainCast(value, 'TIMESTAMP'), target);
  return plainCast(value, target);
}
