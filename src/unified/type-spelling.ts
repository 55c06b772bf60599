import type { ColumnType } from './column-type.js';
import type { EngineFacts, Spelled } from './engine-facts.js';

export type { Spelled, Speller } from './engine-facts.js';

/**
 * How an engine spells a portable type, and what is lost on the way. The result keeps the portable
 * fields that still hold, so a translated model diffs and compiles like an introspected one.
 * Undefined where redb writes no schema for the engine.
 */
export function spellType(type: ColumnType, to: EngineFacts, enums: ReadonlyMap<string, readonly string[]> = new Map()): Spelled | undefined {
  return to.spellType?.(type, enums);
}
