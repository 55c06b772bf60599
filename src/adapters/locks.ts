import type { Engine } from '../unified/index.js';
import { manifestOf } from './registry.js';

/**
 * The lock `statement` takes on `engine`, estimated from its text, for `migrate --dry-run`: what a
 * person reviewing a plan needs to know before running it against a busy database. The first of the
 * manifest's patterns that matches wins; undefined for statements that take none worth naming.
 */
export function estimateLock(engine: Engine, statement: string): string | undefined {
  const text = statement.trim().replace(/\s+/g, ' ');
  for (const [pattern, lock] of manifestOf(engine).locks.rules) if (pattern.test(text)) return lock === '' ? undefined : lock;
  return undefined;
}

/** The locks a step's statements take, each named once, strongest first. */
export function stepLocks(engine: Engine, statements: readonly string[]): string[] {
  const found = new Set(statements.map((s) => estimateLock(engine, s)).filter((l): l is string => l !== undefined));
  const strength = manifestOf(engine).locks.strength;
  const rank = (lock: string) => strength.findIndex((name) => lock.startsWith(name));
  return [...found].sort((a, b) => rank(a) - rank(b));
}
