import { named, pathAt as genericPathAt, qualifiedNames, scanReferences, type Reference } from '../sql-references.js';
import { tokenize, type PgToken } from './sql-text.js';

/**
 * PostgreSQL's side of sql-references.ts: names fold to lower case, `'name'::regclass` names a
 * relation, and type spellings and routine headers name types.
 *
 * PostgreSQL records dependencies itself (pg_depend, pg_rewrite), but only for objects that exist:
 * what a plan creates exists on neither side yet, and the model carries no such list (a hand-edited
 * view would carry a stale one), so the planner reads them from the SQL the model keeps.
 */
export type { Reference } from '../sql-references.js';

/** Built-in type names: unqualified, they are pg_catalog's (searched first), never a user object. */
const BUILTIN_TYPES = new Set(
  (
    'bigint bigserial bit bool boolean box bpchar bytea char character cidr circle date decimal double float float4 float8 inet int int2 int4 int8 integer interval json jsonb ' +
    'line lseg macaddr macaddr8 money name numeric oid path pg_lsn point polygon real record regclass regproc regprocedure regtype serial serial2 serial4 serial8 smallint ' +
    'smallserial text time timestamp timestamptz timetz tsquery tsvector txid_snapshot uuid varbit varchar xml void trigger event_trigger anyelement anyarray anynonarray ' +
    'anyenum anyrange anymultirange anycompatible cstring internal language_handler fdw_handler index_am_handler tsm_handler table_am_handler unknown'
  ).split(' '),
);

const fold = (w: string) => w.toLowerCase();
const pathAt = (tokens: readonly PgToken[], i: number) => genericPathAt(tokens, i, fold);
const isWord = (t: PgToken | undefined, value: string) => t?.type === 'word' && t.value === value;

/** A name inside a string literal, as regclass reads it: `public.t`, `"My Table"`. */
function literalName(literal: string): string[] | undefined {
  const body = literal.slice(literal.indexOf("'") + 1, -1).replace(/''/g, "'");
  return pathAt(tokenize(body), 0)?.parts;
}

/** References in an expression, a query, or any statement; a bare built-in type after :: is pg_catalog's. */
export function sqlReferences(sql: string): Reference[] {
  return scanReferences(tokenize(sql), { fold, regclass: literalName }).filter(
    (r) => !(r.kind === 'type' && r.schema === undefined && BUILTIN_TYPES.has(r.name)),
  );
}

/** The type a spelling names (`public.mood[]`, `character varying(20)`), unless it is a built-in one. */
export function typeReferences(spelling: string | undefined): Reference[] {
  if (spelling === undefined) return [];
  const path = pathAt(tokenize(spelling), 0);
  if (path === undefined) return [];
  const ref = named('type', path.parts);
  return ref === undefined || (ref.schema === undefined && BUILTIN_TYPES.has(ref.name)) ? [] : [ref];
}

/**
 * A routine's references: the types its header names (arguments, RETURNS), and for a body in
 * standard SQL (BEGIN ATOMIC, RETURN), everything the body names, which PostgreSQL resolves when the
 * routine is made. A body in a string (AS $$ ... $$) is not checked at creation (plans run with
 * check_function_bodies off) and makes no dependency.
 */
export function routineReferences(definition: string): Reference[] {
  const tokens = tokenize(definition);
  const out: Reference[] = [];
  // The header runs to the body: AS, BEGIN ATOMIC, or RETURN (the RETURNS clause is part of it).
  let end = tokens.findIndex((t, i) => i > 2 && (isWord(t, 'as') || (isWord(t, 'begin') && isWord(tokens[i + 1], 'atomic')) || isWord(t, 'return')));
  if (end < 0) end = tokens.length;
  // The routine's own name comes first: skip it.
  const start = tokens.findIndex((t) => isWord(t, 'function') || isWord(t, 'procedure'));
  const own = start < 0 ? undefined : pathAt(tokens, start + 1);
  for (let i = own?.next ?? 0; i < end; i++) {
    const path = pathAt(tokens, i);
    if (path === undefined) continue;
    const before = tokens[i - 1];
    // Types are qualified where the engine printed them; a bare one counts after RETURNS or SETOF.
    if (path.parts.length >= 2 || ((isWord(before, 'returns') || isWord(before, 'setof')) && !isWord(tokens[i], 'setof') && !isWord(tokens[i], 'table'))) {
      const ref = named('type', path.parts);
      if (ref !== undefined && !(ref.schema === undefined && BUILTIN_TYPES.has(ref.name))) out.push(ref);
    }
    i = path.next - 1;
  }
  const body = tokens[end];
  if (body !== undefined && !isWord(body, 'as')) out.push(...sqlReferences(definition.slice(body.start)));
  return out;
}

/** Words PostgreSQL reserves: printed bare, they are never a name (the server quotes a name so spelled). */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role ' +
    'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in ' +
    'initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select ' +
    'session_user some symmetric table then to trailing true union unique user using variadic when where window with'
  ).split(' '),
);

/** Where a native's DDL names another object bare: `SERVER s`, `ON t`, `TO t`, `(integer AS mood)`, and option values (`SFUNC = f`, `SUBTYPE = t`). */
const NATIVE_NAME_AFTER = new Set([
  'server',
  'wrapper',
  'handler',
  'validator',
  'on',
  'to',
  'table',
  'as',
  'type',
  'collation',
  'function',
  'procedure',
  'domain',
]);

/**
 * References in a native object's DDL (a foreign table, an aggregate, a cast, a rule...), whose
 * structure varies by kind: what sqlReferences finds, every qualified name, and a name where these
 * statements put one (after SERVER, ON, TO, AS in a cast's signature, `=` of an option).
 */
export function nativeReferences(sql: string): Reference[] {
  const tokens = tokenize(sql);
  const out = [...sqlReferences(sql), ...qualifiedNames(tokens, fold)];
  for (let i = 1; i < tokens.length; i++) {
    const before = tokens[i - 1] as PgToken;
    const namesNext = (before.type === 'word' && NATIVE_NAME_AFTER.has(before.value)) || (before.type === 'punct' && before.value === '=');
    const path = namesNext ? pathAt(tokens, i) : undefined;
    if (path === undefined) continue;
    const t = tokens[i] as PgToken;
    if (path.parts.length === 1 && t.type === 'word' && RESERVED.has(t.value)) continue;
    const ref = named('any', path.parts);
    if (ref !== undefined && !(ref.schema === undefined && BUILTIN_TYPES.has(ref.name))) out.push(ref);
    i = path.next - 1;
  }
  return out;
}
