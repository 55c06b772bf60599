import { scanReferences, type SqlToken } from '../sql-references.js';

/**
 * Tokens of MariaDB/MySQL SQL as the server prints it (a view's definition): `backquoted` names,
 * strings with backslash escapes, words, punctuation. Enough for sql-references.ts, nothing more.
 */
export interface Token extends SqlToken {
  readonly start: number;
  readonly end: number;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if ((ch === '-' && sql[i + 1] === '-') || ch === '#') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === '`' || ch === "'" || ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        const c = sql[j] as string;
        if (c === '\\' && ch !== '`') {
          value += sql.slice(j, j + 2);
          j += 2;
        } else if (c === ch && sql[j + 1] === ch) {
          value += ch;
          j += 2;
        } else if (c === ch) break;
        else {
          value += c;
          j++;
        }
      }
      out.push(ch === '`' ? { type: 'ident', value, start: i, end: j + 1 } : { type: 'string', value: sql.slice(i, j + 1), start: i, end: j + 1 });
      i = j + 1;
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(ch)) {
      const m = /[A-Za-z0-9_$\u0080-\uffff]+/y;
      m.lastIndex = i;
      const w = (m.exec(sql) as RegExpExecArray)[0];
      out.push({ type: 'word', value: w, start: i, end: i + w.length });
      i += w.length;
    } else if (/\d/.test(ch)) {
      const m = /[0-9.eE]+/y;
      m.lastIndex = i;
      const n = (m.exec(sql) as RegExpExecArray)[0];
      out.push({ type: 'number', value: n, start: i, end: i + n.length });
      i += n.length;
    } else {
      out.push({ type: 'punct', value: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

/**
 * The tables, views and routines a view's query reads, by name (in `database`, or unqualified):
 * where the query names them, not every quoted name in it (a column may share a view's name).
 */
export function viewReads(definition: string, database?: string): Set<string> {
  const names = new Set<string>();
  for (const ref of scanReferences(tokenize(definition), { fold: (w) => w })) {
    if ((ref.kind === 'relation' || ref.kind === 'routine') && (ref.schema === undefined || ref.schema === database)) names.add(ref.name);
  }
  return names;
}

const isPunct = (t: Token | undefined, value: string) => t?.type === 'punct' && t.value === value;
const isWord = (t: Token | undefined, value: string) => t?.type === 'word' && t.value.toLowerCase() === value;

/**
 * A view's query with a renamed column of `table` written under its new name, as PostgreSQL
 * rewrites a view when a column it reads is renamed (MariaDB keeps the old text, and the view fails
 * when read). Columns are named `t`.`c` in a query the server printed; `t` is the table or one of its
 * aliases. Each selected column keeps its own name (`AS `old``), so whatever reads the view is
 * unaffected. Undefined when the query does not read that column.
 */
export function renameColumnInView(definition: string, table: string, from: string, to: string, quote: (name: string) => string): string | undefined {
  const tokens = tokenize(definition);
  const qualifiers = new Set([table]);
  tokens.forEach((t, i) => {
    // `table` `alias` or `table` AS `alias` after FROM, JOIN or a comma.
    if (t.type !== 'ident' || t.value !== table || isPunct(tokens[i + 1], '.') || isPunct(tokens[i - 1], '.')) return;
    const alias = isWord(tokens[i + 1], 'as') ? tokens[i + 2] : tokens[i + 1];
    if (alias?.type === 'ident') qualifiers.add(alias.value);
  });
  let out = '';
  let at = 0;
  tokens.forEach((t, i) => {
    const qualifier = tokens[i - 2];
    if (t.type !== 'ident' || t.value !== from || !isPunct(tokens[i - 1], '.') || qualifier?.type !== 'ident' || !qualifiers.has(qualifier.value)) return;
    out += definition.slice(at, t.start) + quote(to);
    at = t.end;
  });
  return at === 0 ? undefined : out + definition.slice(at);
}

/**
 * A view's query with a renamed table written under its new name: where it is read (after FROM,
 * JOIN or a comma of a FROM list) and where it qualifies a column (`t`.`c`). MariaDB keeps the old
 * name in the view's text, and the view fails when read.
 */
export function renameTableInView(definition: string, from: string, to: string, quote: (name: string) => string): string | undefined {
  const tokens = tokenize(definition);
  let out = '';
  let at = 0;
  tokens.forEach((t, i) => {
    if (t.type !== 'ident' || t.value !== from || isPunct(tokens[i - 1], '.')) return;
    const before = tokens[i - 1];
    const read = isWord(before, 'from') || isWord(before, 'join') || isPunct(before, ',');
    const qualifies = isPunct(tokens[i + 1], '.') && tokens[i + 2]?.type === 'ident';
    if (!read && !qualifies) return;
    out += definition.slice(at, t.start) + quote(to);
    at = t.end;
  });
  return at === 0 ? undefined : out + definition.slice(at);
}
