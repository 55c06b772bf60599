/**
 * Small pieces of MariaDB/MySQL SQL text handling: quoting, and the few rewrites redb applies to
 * text the server hands back (database qualifiers, DEFINER clauses, quoted value lists).
 */

/** Backtick-quote an identifier; embedded backticks are doubled. */
export const quoteIdent = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

export const quoteList = (names: readonly string[]): string => names.map(quoteIdent).join(', ');

/** A string literal for the default sql_mode (backslash escapes on): quotes doubled, backslashes escaped. */
export const quoteString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Index just past the quoted token that starts at `start` (a quote char), honouring `\x` in strings and doubled quotes. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start] as string;
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && quote !== '`') {
      i += 2;
    } else if (ch === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return text.length;
}

/**
 * The server qualifies names in view definitions and defaults with the database they live in
 * (`` `shop`.`orders` ``). redb keeps objects free of their database so a schema can move into a
 * database of another name: every `` `db`. `` prefix outside string literals is removed.
 */
export function unqualify(text: string, database: string): string {
  const prefix = `${quoteIdent(database)}.`;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "'" || ch === '"') {
      const end = skipQuoted(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '`') {
      if (text.startsWith(prefix, i)) {
        i += prefix.length;
        continue;
      }
      const end = skipQuoted(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Backtick-quoted identifiers mentioned in a statement, unquoted (for dependency ordering). */
export function quotedNames(text: string): Set<string> {
  const names = new Set<string>();
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = skipQuoted(text, i);
      if (ch === '`') names.add(text.slice(i + 1, end - 1).replace(/``/g, '`'));
      i = end;
    } else {
      i++;
    }
  }
  return names;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/** The values of `enum('a','b')` / `set(...)` as COLUMN_TYPE spells them, unescaped. */
export function parseValueList(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const values: string[] = [];
  let i = open + 1;
  while (open !== -1 && i < columnType.length) {
    if (columnType[i] !== "'") {
      i++;
      continue;
    }
    let value = '';
    i++;
    while (i < columnType.length) {
      const ch = columnType[i] as string;
      if (ch === '\\') {
        const next = columnType[i + 1] ?? '';
        value += ESCAPES[next] ?? next;
        i += 2;
      } else if (ch === "'" && columnType[i + 1] === "'") {
        value += "'";
        i += 2;
      } else if (ch === "'") {
        i++;
        break;
      } else {
        value += ch;
        i++;
      }
    }
    values.push(value);
  }
  return values;
}

/**
 * Remove the `DEFINER=user@host` clause from stored DDL: the account that created an object rarely
 * exists on the database it is copied to, and the server fills in the current user instead.
 */
export function stripDefiner(ddl: string): string {
  const part = "(?:`(?:[^`]|``)*`|'(?:[^'\\\\]|\\\\.|'')*'|[^\\s@]+)";
  return ddl.replace(new RegExp(`^(\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?)DEFINER\\s*=\\s*${part}(?:@${part})?\\s+`, 'i'), '$1');
}

/** Whitespace-separated items, keeping quoted parts (`` `PAGE_COMPRESSED`='ON' ``) whole. */
export function splitOptions(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = skipQuoted(text, i);
      current += text.slice(i, end);
      i = end;
    } else if (/\s/.test(ch)) {
      if (current !== '') items.push(current);
      current = '';
      i++;
    } else {
      current += ch;
      i++;
    }
  }
  if (current !== '') items.push(current);
  return items;
}
