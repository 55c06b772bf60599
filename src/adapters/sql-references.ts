/**
 * What SQL refers to, read from the positions where SQL names other objects, never from a word
 * wherever it appears: a table named `language` is not what `LANGUAGE plpgsql` names, a view named
 * `order` not what `ORDER BY` names, a table named `text` not what a `::text` cast names.
 *
 *   relation: after FROM, JOIN, ONLY, INTO, UPDATE, TABLE (and each item of a FROM list), and
 *             `'name'::regclass` (PostgreSQL: what nextval() in a default takes)
 *   routine:  a name followed by `(`
 *   type:     after `::`
 *
 * Each engine tokenizes its own SQL (quoting differs); any tokenizer whose words and quoted
 * identifiers come as below will do.
 */
export interface SqlToken {
  readonly type: string;
  /** Words in any case; identifiers unquoted; strings with their quotes. */
  readonly value: string;
}

export interface Reference {
  /** `any`: a qualified name where the SQL's structure is not known (a native object's DDL). */
  readonly kind: 'relation' | 'routine' | 'type' | 'any';
  /** Absent when the SQL leaves the name unqualified. */
  readonly schema?: string | undefined;
  readonly name: string;
}

const RELATION_AFTER = new Set(['from', 'join', 'only', 'into', 'update', 'table']);
/** Reserved words that open a subquery where a relation could stand (`FROM LATERAL (…)`, `AS TABLE SELECT …`): a relation so named is quoted. */
const NOT_A_NAME = new Set(['select', 'with', 'values', 'lateral']);
/** Bare words that a parenthesis follows as syntax, not as a call: `FROM (`, `ON (`, `IN (`, `EXISTS (`. */
const NOT_A_CALL = new Set([
  'from',
  'join',
  'on',
  'in',
  'exists',
  'values',
  'as',
  'using',
  'where',
  'and',
  'or',
  'not',
  'select',
  'when',
  'then',
  'else',
  'case',
  'over',
  'filter',
  'within',
  'any',
  'all',
  'some',
  'lateral',
  'with',
  'into',
  'table',
  'only',
  'by',
  'is',
  'like',
  'between',
  'returns',
  'setof',
]);
/** Words that end a FROM list at its own depth. */
const CLAUSE = new Set([
  'where',
  'group',
  'having',
  'window',
  'order',
  'limit',
  'offset',
  'fetch',
  'union',
  'intersect',
  'except',
  'returning',
  'set',
  'values',
  'for',
  'select',
]);

const word = (t: SqlToken | undefined): string | undefined => (t?.type === 'word' ? t.value.toLowerCase() : undefined);
const isPunct = (t: SqlToken | undefined, value: string) => t?.type === 'punct' && t.value === value;
/** A name part: a quoted identifier as written, a bare word as the engine folds it (`fold`). */
const part = (t: SqlToken | undefined, fold: (w: string) => string): string | undefined =>
  t?.type === 'ident' ? t.value : t?.type === 'word' ? fold(t.value) : undefined;

/** A dotted name starting at token `i`: its parts and the index after it. */
export function pathAt(tokens: readonly SqlToken[], i: number, fold: (w: string) => string): { parts: string[]; next: number } | undefined {
  const first = part(tokens[i], fold);
  if (first === undefined) return undefined;
  const parts = [first];
  let j = i + 1;
  while (isPunct(tokens[j], '.') && part(tokens[j + 1], fold) !== undefined) {
    parts.push(part(tokens[j + 1], fold) as string);
    j += 2;
  }
  return { parts, next: j };
}

/** The reference a dotted name makes: the part before the name is its schema (database.schema.name is possible). */
export const named = (kind: Reference['kind'], parts: readonly string[]): Reference | undefined => {
  const name = parts[parts.length - 1];
  if (name === undefined) return undefined;
  return parts.length >= 2 ? { kind, schema: parts[parts.length - 2], name } : { kind, name };
};

export interface ScanOptions {
  /** How the engine folds an unquoted name: PostgreSQL to lower case; engines that compare without case may keep it. */
  readonly fold: (word: string) => string;
  /** The name inside a `'…'::regclass` literal, tokenized the engine's way (PostgreSQL only). */
  readonly regclass?: (literal: string) => string[] | undefined;
}

/** References in an expression, a query, or any SQL statement (see the rules above). */
export function scanReferences(tokens: readonly SqlToken[], options: ScanOptions): Reference[] {
  const out: Reference[] = [];
  // Per parenthesis depth: whether the clause open there is a FROM list.
  const fromList: boolean[] = [false];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (isPunct(t, '(')) {
      // `FROM (a JOIN b ON …)`: the parenthesis opens a join, still a FROM list.
      const before = tokens[i - 1];
      const opensJoin =
        (word(before) !== undefined && RELATION_AFTER.has(word(before) as string)) ||
        (isPunct(before, ',') && fromList[depth] === true) ||
        (isPunct(before, '(') && fromList[depth] === true);
      fromList[++depth] = opensJoin;
      continue;
    }
    if (isPunct(t, ')')) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (
      t.type === 'string' &&
      options.regclass !== undefined &&
      isPunct(tokens[i + 1], ':') &&
      isPunct(tokens[i + 2], ':') &&
      word(tokens[i + 3]) === 'regclass'
    ) {
      const parts = options.regclass(t.value);
      const ref = parts === undefined ? undefined : named('relation', parts);
      if (ref !== undefined) out.push(ref);
      continue;
    }
    const w = word(t);
    if (w !== undefined && CLAUSE.has(w)) fromList[depth] = false;
    if (w === 'from') fromList[depth] = true;
    const path = pathAt(tokens, i, options.fold);
    if (path === undefined) continue;
    const before = tokens[i - 1];
    const after = tokens[path.next];
    const beforeWord = word(before);
    let ref: Reference | undefined;
    if (isPunct(before, ':') && isPunct(tokens[i - 2], ':')) ref = named('type', path.parts);
    else if (isPunct(after, '(') && !(path.parts.length === 1 && NOT_A_CALL.has(word(t) ?? ''))) ref = named('routine', path.parts);
    else if (
      ((beforeWord !== undefined && RELATION_AFTER.has(beforeWord)) || ((isPunct(before, ',') || isPunct(before, '(')) && fromList[depth] === true)) &&
      !NOT_A_NAME.has(word(t) ?? '')
    )
      ref = named('relation', path.parts);
    if (ref !== undefined) out.push(ref);
    i = path.next - 1;
  }
  return out;
}

/** Every qualified name (`schema.name`) in SQL whose structure is not known: a native object's DDL. */
export function qualifiedNames(tokens: readonly SqlToken[], fold: (w: string) => string): Reference[] {
  const out: Reference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const path = pathAt(tokens, i, fold);
    if (path === undefined) continue;
    if (path.parts.length >= 2) out.push(named('any', path.parts) as Reference);
    i = path.next - 1;
  }
  return out;
}
