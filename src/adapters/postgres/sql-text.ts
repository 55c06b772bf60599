/**
 * Small helpers for PostgreSQL SQL text: quoting, and a tokenizer good enough to find the structure
 * of text the server itself printed (index definitions, qualified names) without ever rewriting it.
 */

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"`, or `"name"` where the model carries no schema. */
export const qname = (o: { readonly schema?: string | undefined; readonly name: string }): string =>
  o.schema === undefined ? quoteIdent(o.name) : `${quoteIdent(o.schema)}.${quoteIdent(o.name)}`;

export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export const identList = (names: readonly string[]): string => names.map(quoteIdent).join(', ');

/**
 * Collations are kept as their plain name when they live in pg_catalog (portable: `C`, `en_US`),
 * and as already-quoted `"schema"."name"` otherwise; a name never starts with a double quote.
 */
export const collationSql = (collation: string): string => (collation.startsWith('"') ? collation : quoteIdent(collation));

export interface PgToken {
  readonly type: 'word' | 'ident' | 'string' | 'number' | 'punct';
  /** Words lower-cased, quoted identifiers unquoted, everything else verbatim. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/y;
const DOLLAR = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

/** Tokens of `sql`; dollar-quoted bodies are tokenized as code, since SQL-standard bodies are code. */
export function tokenize(sql: string): PgToken[] {
  const out: PgToken[] = [];
  let i = 0;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(sql)?.[0];
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const start = i;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === '"' || ch === "'" || ((ch === 'E' || ch === 'e') && sql[i + 1] === "'")) {
      const q = ch === '"' ? '"' : "'";
      let j = sql.indexOf(q, i) + 1;
      const escapes = ch !== q;
      for (;;) {
        if (j >= sql.length) break;
        const c = sql[j];
        if (escapes && c === '\\') j += 2;
        else if (c === q && sql[j + 1] === q) j += 2;
        else if (c === q) break;
        else j++;
      }
      i = Math.min(j + 1, sql.length);
      const text = sql.slice(start, i);
      out.push(q === '"' ? { type: 'ident', value: text.slice(1, -1).replace(/""/g, '"'), start, end: i } : { type: 'string', value: text, start, end: i });
    } else if (ch === '$' && at(DOLLAR) !== undefined) {
      // Skip the delimiters only: the body is tokenized as code.
      i += (at(DOLLAR) as string).length;
    } else if (/\d/.test(ch)) {
      i += (at(NUMBER) as string).length;
      out.push({ type: 'number', value: sql.slice(start, i), start, end: i });
    } else if (at(WORD) !== undefined) {
      i += (at(WORD) as string).length;
      out.push({ type: 'word', value: sql.slice(start, i).toLowerCase(), start, end: i });
    } else {
      i++;
      out.push({ type: 'punct', value: ch, start, end: i });
    }
  }
  return out;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted text. */
export function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (const t of tokenize(sql.slice(open))) {
    if (t.type !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')' && --depth === 0) return open + t.start;
  }
  return -1;
}

/** `(x)` → `x` when the outer parentheses wrap the whole text. */
export function unwrapParens(text: string): string {
  const t = text.trim();
  return t.startsWith('(') && closingParen(t, 0) === t.length - 1 ? t.slice(1, -1).trim() : t;
}

/** The name a token stands for as an identifier: words fold to lower case, quoted ones stay. */
export const identValue = (t: PgToken | undefined): string | undefined => (t?.type === 'word' || t?.type === 'ident' ? t.value : undefined);
