import type { Engine } from '../../unified/index.js';
import { manifestOf } from '../registry.js';
import { lossy, type Expr, type Temporal } from './ast.js';
import { classOf, isNumeric, type Scope } from './scope.js';
import { checkRegex } from './regex.js';

/**
 * The rules a reader applies while building the portable form: what an operator means in the
 * source engine, for the classes of its operands. Each refusal names the difference.
 */
export interface Reading {
  readonly source: Engine;
  readonly scope: Scope;
}

export const engineName = (e: Engine): string => manifestOf(e).name;

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})$/;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** A date or timestamp constant in the one form every engine reads, and SQLite stores (see values.ts). */
export function temporal(type: Temporal, text: string): Expr {
  if (type === 'date') {
    if (!ISO_DATE.test(text)) lossy(`the date '${text}' is not in ISO form`);
    return { k: 'temporal', type, value: text };
  }
  if (type === 'time') {
    if (!/^\d{2}:\d{2}(:\d{2})?$/.test(text)) lossy(`the time '${text}' is not in ISO form`);
    return { k: 'temporal', type, value: text.length === 5 ? `${text}:00` : text };
  }
  const m = ISO_TIMESTAMP.exec(text);
  if (m === null) return lossy(`the timestamp '${text}' is not in ISO form`);
  const fraction = (m[4] ?? '').replace(/0+$/, '');
  return { k: 'temporal', type, value: `${m[1]} ${m[2] ?? '00:00'}:${m[3] ?? '00'}${fraction === '' ? '' : `.${fraction}`}` };
}

const isTextual = (e: Expr, r: Reading): boolean => classOf(e, r.scope) === 'text';

/** The collation a column compares by, where one was named. */
function collationOf(e: Expr, r: Reading): string | undefined {
  return e.k === 'column' ? r.scope.column(e.qualifier, e.name)?.collation : undefined;
}

/** Whether `=` on these text operands is byte equality in the source, as it is in every target redb prints. */
function textEquality(l: Expr, rr: Expr, r: Reading): void {
  if (!isTextual(l, r) && !isTextual(rr, r)) return;
  if (r.source === 'mysql') lossy("MySQL compares text by the column's collation (case-insensitive and blank-padded by default)");
  for (const c of [collationOf(l, r), collationOf(rr, r)]) {
    if (c !== undefined && !/^(binary|C|POSIX|default|ucs_basic)$/i.test(c)) lossy(`text is compared by the collation ${c}`);
  }
}

/** A string constant compared with a date or timestamp column is that date or timestamp. */
function coerce(side: Expr, other: Expr, r: Reading): Expr {
  if (side.k !== 'string') return side;
  const cls = classOf(other, r.scope);
  if (cls === 'timestamptz') lossy('a timestamp with time zone constant depends on the session time zone');
  if (cls !== 'date' && cls !== 'timestamp' && cls !== 'time') return side;
  // SQLite compares these as text: only the stored form itself orders the same way as the values.
  if (r.source === 'sqlite') {
    const made = temporal(cls, side.value);
    if (made.k === 'temporal' && made.value !== side.value) lossy(`SQLite compares '${side.value}' as text, not as a ${cls}`);
    return made;
  }
  return temporal(cls, side.value);
}

export function compare(op: '=' | '<>' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr, r: Reading): Expr {
  const l = coerce(left, right, r);
  const rr = coerce(right, left, r);
  if (op === '=' || op === '<>') textEquality(l, rr, r);
  else if (isTextual(l, r) || isTextual(rr, r)) lossy('the order of text depends on each engine’s collation');
  mixedClasses(l, rr, r);
  return { k: 'compare', op, l, r: rr };
}

/** Comparing a number with a string or a boolean converts one of them, each engine its own way. */
function mixedClasses(l: Expr, rr: Expr, r: Reading): void {
  const a = classOf(l, r.scope);
  const b = classOf(rr, r.scope);
  if (a === 'null' || b === 'null' || a === b) return;
  if (isNumeric(a) && isNumeric(b)) return;
  if ((a === 'timestamp' && b === 'date') || (a === 'date' && b === 'timestamp')) return;
  lossy(`comparing ${a} with ${b} converts one of them, differently on each engine`);
}

export function between(arg: Expr, lo: Expr, hi: Expr, not: boolean, r: Reading): Expr {
  const parts = [compare('>=', arg, lo, r), compare('<=', arg, hi, r)] as const;
  const [a, b] = parts.map((p) => (p.k === 'compare' ? p.r : p));
  return { k: 'between', arg, lo: a as Expr, hi: b as Expr, not };
}

export function inList(arg: Expr, list: readonly Expr[], not: boolean, r: Reading): Expr {
  return { k: 'in', arg, list: list.map((item) => (compare('=', arg, item, r) as { r: Expr }).r), not };
}

export function distinct(l: Expr, rr: Expr, not: boolean, r: Reading): Expr {
  const c = compare('=', l, rr, r) as { l: Expr; r: Expr };
  return { k: 'distinct', l: c.l, r: c.r, not };
}

export function nullIf(a: Expr, b: Expr, r: Reading): Expr {
  const c = compare('=', a, b, r) as { l: Expr; r: Expr };
  return { k: 'call', fn: 'nullif', args: [c.l, c.r] };
}

/** `+ - * / %` as the source means them: division and remainder are portable on integers only. */
export function arith(op: '+' | '-' | '*' | '/' | '%' | 'div', l: Expr, rr: Expr, r: Reading): Expr {
  const a = classOf(l, r.scope);
  const b = classOf(rr, r.scope);
  const ok = (c: string) => isNumeric(c as never) || c === 'null';
  if (!ok(a) || !ok(b)) lossy(`arithmetic on ${ok(a) ? b : a} values differs between engines`);
  const ints = (a === 'integer' || a === 'null') && (b === 'integer' || b === 'null');
  if (op === 'div') {
    if (!ints) lossy('integer division of non-integers differs between engines');
    return { k: 'arith', op: 'div', l, r: rr };
  }
  if (op === '/') {
    if (!ints) lossy('division of decimals rounds differently on each engine');
    // Integer `/` truncates in PostgreSQL and SQLite; in MySQL and DuckDB it yields a fraction.
    if (r.source === 'mysql' || r.source === 'duckdb') lossy(`${engineName(r.source)} divides integers into a fraction, which other engines do not`);
    return { k: 'arith', op: 'div', l, r: rr };
  }
  if (op === '%') {
    if (!ints) lossy('the remainder of non-integers differs between engines');
    return { k: 'arith', op: 'mod', l, r: rr };
  }
  if ((a === 'decimal' || b === 'decimal') && r.source === 'sqlite') lossy('SQLite computes decimals in binary floating point');
  return { k: 'arith', op, l, r: rr };
}

/** `||`-style concatenation; numbers other than integers are written out differently by each engine. */
export function concat(args: readonly Expr[], nulls: 'propagate' | 'skip', r: Reading): Expr {
  for (const a of args) {
    const c = classOf(a, r.scope);
    if (c !== 'text' && c !== 'integer' && c !== 'null') lossy(`concatenating a ${c} value writes it out differently on each engine`);
  }
  const flat = args.flatMap((a) => (a.k === 'concat' && a.nulls === nulls ? a.args : [a]));
  return { k: 'concat', args: flat, nulls };
}

/** A LIKE pattern without escapes means the same everywhere (each engine has its own escape default). */
export function like(arg: Expr, pattern: Expr, not: boolean, ci: boolean, r: Reading): Expr {
  if (pattern.k !== 'string') return lossy('a LIKE pattern that is not a constant');
  if (pattern.value.includes('\\')) lossy('the LIKE pattern uses \\, which is an escape on some engines and a plain character on others');
  if (!isTextual(arg, r)) lossy('LIKE on a value that is not text');
  return { k: 'like', arg, pattern: pattern.value, not, ci };
}

/** A SQLite GLOB pattern as LIKE, where it has no character classes and no LIKE wildcards of its own. */
export function glob(arg: Expr, pattern: Expr, not: boolean, r: Reading): Expr {
  if (pattern.k !== 'string' || /[[%_\\]/.test(pattern.value)) return lossy('a GLOB pattern with classes or LIKE wildcards');
  return like(arg, { k: 'string', value: pattern.value.replaceAll('*', '%').replaceAll('?', '_') }, not, false, r);
}

export function regex(arg: Expr, pattern: Expr, not: boolean, ci: boolean, r: Reading): Expr {
  if (pattern.k !== 'string') return lossy('a regular expression that is not a constant');
  if (!isTextual(arg, r)) lossy('a regular expression match on a value that is not text');
  checkRegex(pattern.value);
  return { k: 'regex', arg, pattern: pattern.value, not, ci };
}

/**
 * An expression used as a condition. MySQL and SQLite write true and false as 1 and 0; an integer
 * column as a condition means "non-zero" there but is an error elsewhere.
 */
export function condition(e: Expr, r: Reading): Expr {
  if (e.k === 'number' && (e.text === '0' || e.text === '1')) return { k: 'boolean', value: e.text === '1' };
  if (e.k === 'case')
    return { ...e, whens: e.whens.map((w) => ({ when: w.when, then: condition(w.then, r) })), else: e.else === undefined ? undefined : condition(e.else, r) };
  const cls = classOf(e, r.scope);
  if (cls !== 'boolean' && cls !== 'null') lossy(`a ${cls} value used as a condition`);
  return e;
}
