/**
 * An expression with one meaning on every engine. The readers turn an engine's text into it only
 * where that engine's meaning is known (types decide what `/` or `=` does), and the printer writes
 * it in another engine's SQL only where that engine means the same; anything else is refused with
 * a reason, never guessed.
 */

import type { Scope } from './scope.js';

export type Temporal = 'date' | 'time' | 'timestamp';

/** What a value is, as far as meaning across engines goes. */
export type ValueClass = 'integer' | 'decimal' | 'float' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'null' | 'other';

/** A cast's target, in portable terms; the printer spells it per engine. */
export type CastType =
  | { readonly to: 'integer' }
  | { readonly to: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly to: 'text' }
  | { readonly to: 'date' }
  | { readonly to: 'timestamp' };

/** Functions whose result is the same on every engine, for the argument classes the reader allows. */
export type PortableFunction = 'lower' | 'upper' | 'length' | 'abs' | 'round' | 'substr' | 'trim' | 'replace' | 'coalesce' | 'nullif';

export type Expr =
  | { readonly k: 'column'; readonly qualifier?: string | undefined; readonly name: string }
  | { readonly k: 'string'; readonly value: string }
  | { readonly k: 'number'; readonly text: string; readonly integer: boolean }
  | { readonly k: 'boolean'; readonly value: boolean }
  | { readonly k: 'null' }
  /** A date, time or timestamp constant, its text in ISO form (`YYYY-MM-DD HH:MM:SS[.f]`). */
  | { readonly k: 'temporal'; readonly type: Temporal; readonly value: string }
  | { readonly k: 'cast'; readonly arg: Expr; readonly type: CastType }
  | { readonly k: 'not'; readonly arg: Expr }
  | { readonly k: 'neg'; readonly arg: Expr }
  | { readonly k: 'and' | 'or'; readonly args: readonly Expr[] }
  | { readonly k: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly l: Expr; readonly r: Expr }
  /** `div` and `mod` are on integers only, truncating toward zero (as every engine does for them). */
  | { readonly k: 'arith'; readonly op: '+' | '-' | '*' | 'div' | 'mod'; readonly l: Expr; readonly r: Expr }
  /** `propagate`: NULL when any part is NULL (`||`); `skip`: NULL parts count as '' (PostgreSQL's concat()). */
  | { readonly k: 'concat'; readonly args: readonly Expr[]; readonly nulls: 'propagate' | 'skip' }
  | { readonly k: 'isnull'; readonly arg: Expr; readonly not: boolean }
  /** `IS [NOT] DISTINCT FROM`; `not: true` is IS NOT DISTINCT FROM. */
  | { readonly k: 'distinct'; readonly l: Expr; readonly r: Expr; readonly not: boolean }
  /** A LIKE whose pattern is a constant without escapes; `ci` compares case-insensitively. */
  | { readonly k: 'like'; readonly arg: Expr; readonly pattern: string; readonly not: boolean; readonly ci: boolean }
  /** A POSIX-style regular expression search, in the subset every engine reads alike (see regex.ts). */
  | { readonly k: 'regex'; readonly arg: Expr; readonly pattern: string; readonly not: boolean; readonly ci: boolean }
  | { readonly k: 'in'; readonly arg: Expr; readonly list: readonly Expr[]; readonly not: boolean }
  | { readonly k: 'between'; readonly arg: Expr; readonly lo: Expr; readonly hi: Expr; readonly not: boolean }
  | {
      readonly k: 'case';
      readonly operand?: Expr | undefined;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else?: Expr | undefined;
    }
  | { readonly k: 'call'; readonly fn: PortableFunction; readonly args: readonly Expr[] }
  | { readonly k: 'aggregate'; readonly fn: 'count' | 'sum' | 'min' | 'max'; readonly arg?: Expr | undefined; readonly distinct: boolean }
  /** The current date or time of the transaction; `digits`, where given, the fractional seconds it keeps. */
  | { readonly k: 'now'; readonly type: 'timestamp' | 'date'; readonly digits?: number | undefined };

export interface TableRef {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly alias?: string | undefined;
}

export type FromItem =
  | { readonly k: 'table'; readonly table: TableRef }
  | { readonly k: 'join'; readonly type: 'inner' | 'left' | 'cross'; readonly left: FromItem; readonly right: FromItem; readonly on?: Expr | undefined };

/** The part of SELECT a view body may use and still mean the same elsewhere. */
export interface Select {
  /** What the names in this SELECT refer to (its FROM items' columns). */
  readonly scope: Scope;
  readonly distinct: boolean;
  readonly columns: readonly { readonly expr: Expr; readonly name: string }[];
  readonly from: readonly FromItem[];
  readonly where?: Expr | undefined;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr | undefined;
  /** Other SELECTs joined by UNION [ALL], in order. */
  readonly union: readonly { readonly all: boolean; readonly select: Select }[];
}

/** Thrown by readers and printers: the expression has no faithful equivalent, and why. */
export class Untranslatable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function lossy(reason: string): never {
  throw new Untranslatable(reason);
}
