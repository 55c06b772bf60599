import type { IndexKey } from '../../unified/index.js';
import type { KeySignature, RawKeyDecoration } from './catalog-indexes.js';
import { identValue, quoteIdent, tokenize, unwrapParens, type PgToken } from './sql-text.js';

/** indoption bits (catalog/pg_index.h). */
const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

/** A key signature as one string, as KEY_DECORATIONS spells it. */
export const signatureText = (type: string, am: string, opclass: string, collation: string, columnCollation: string): string =>
  `${type}:${am}:${opclass}:${collation}:${columnCollation}`;
export const signatureKey = (s: KeySignature): string => signatureText(s.type, s.am, s.opclass, s.collation, s.columnCollation);

/**
 * A plain column key as pg_get_indexdef() would print it: COLLATE and operator class as the server
 * decided for this kind of key, then DESC / NULLS only where they differ from the default order
 * (DESC implies NULLS FIRST). Access methods that cannot order keep indoption at zero.
 */
export function catalogIndexKey(column: string, option: number, decoration: RawKeyDecoration): IndexKey {
  const desc = (option & INDOPTION_DESC) !== 0;
  const nullsFirst = (option & INDOPTION_NULLS_FIRST) !== 0;
  const nulls = desc && !nullsFirst ? 'last' : !desc && nullsFirst ? 'first' : undefined;
  return {
    column,
    ...(decoration.collation === null ? {} : { collation: decoration.collation }),
    ...(decoration.opclass === null ? {} : { opclass: decoration.opclass }),
    ...(desc ? { desc } : {}),
    ...(nulls === undefined ? {} : { nulls }),
  };
}

/**
 * The key list of an index, read from `pg_get_indexdef()`. The catalog says which keys are columns
 * and gives each key's own text (`pg_get_indexdef(oid, n, true)`); what follows a key up to the next
 * comma (COLLATE, operator class, DESC, NULLS) is exactly what the server prints only when it is not
 * the default, so it is taken from the full definition.
 */
export function parseIndexKeys(def: string, keyTexts: readonly string[], keyColumns: readonly string[]): IndexKey[] {
  const tokens = tokenize(def);
  const using = tokens.findIndex((t, i) => t.type === 'word' && t.value === 'using' && tokens[i + 2]?.value === '(');
  const open = tokens[using + 2];
  if (using < 0 || open === undefined) throw new Error(`unexpected index definition: ${def}`);
  let pos = open.end;
  return keyTexts.map((text, k) => {
    while (def[pos] === ' ') pos++;
    if (!def.startsWith(text, pos)) throw new Error(`unexpected index definition at key ${k + 1}: ${def}`);
    pos += text.length;
    const decorations = untilNextKey(def.slice(pos));
    pos += decorations.length + 1;
    const column = keyColumns[k] ?? '';
    return { ...(column === '' ? { expression: unwrapParens(text) } : { column }), ...parseDecorations(decorations) };
  });
}

/** The text up to the next top-level comma or closing parenthesis. */
function untilNextKey(rest: string): string {
  let depth = 0;
  for (const t of tokenize(rest)) {
    if (t.type !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')' && depth-- === 0) return rest.slice(0, t.start);
    else if (t.value === ',' && depth === 0) return rest.slice(0, t.start);
  }
  return rest;
}

const ORDER_WORDS = new Set(['asc', 'desc', 'nulls']);

/** One or two name parts; two are kept quoted (`"s"."n"`), as the model keeps collations. */
function qualifiedName(tokens: readonly PgToken[], i: number): { text: string; next: number } {
  const first = identValue(tokens[i]) ?? '';
  if (tokens[i + 1]?.value === '.' && identValue(tokens[i + 2]) !== undefined) {
    return { text: `${quoteIdent(first)}.${quoteIdent(identValue(tokens[i + 2]) as string)}`, next: i + 3 };
  }
  return { text: first, next: i + 1 };
}

function parseDecorations(text: string): Omit<IndexKey, 'column' | 'expression'> {
  const tokens = tokenize(text);
  const out: { collation?: string; opclass?: string; desc?: boolean; nulls?: 'first' | 'last' } = {};
  let i = 0;
  if (tokens[i]?.type === 'word' && tokens[i]?.value === 'collate') {
    const name = qualifiedName(tokens, i + 1);
    out.collation = name.text;
    i = name.next;
  }
  const first = tokens[i];
  if (first !== undefined && !(first.type === 'word' && ORDER_WORDS.has(first.value))) {
    let j = i;
    while (j < tokens.length && !(tokens[j]?.type === 'word' && ORDER_WORDS.has(tokens[j]?.value ?? ''))) j++;
    const end = tokens[j]?.start ?? text.length;
    out.opclass = text.slice(first.start, end).trim();
    i = j;
  }
  for (; i < tokens.length; i++) {
    const t = tokens[i] as PgToken;
    if (t.value === 'desc') out.desc = true;
    if (t.value === 'nulls') out.nulls = tokens[i + 1]?.value === 'first' ? 'first' : 'last';
  }
  return out;
}
