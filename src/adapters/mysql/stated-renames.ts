import type { ColumnRename } from '../changes.js';

/**
 * The column renames a MariaDB/MySQL `ALTER TABLE` states: `RENAME COLUMN a TO b` and
 * `CHANGE [COLUMN] a b <definition>` (a CHANGE that keeps the name states none). The binary log
 * carries the statement itself, so a rename made by hand is told from a drop and an add as surely as
 * one `redb migrate` recorded. Anything else (another statement, text this reader does not follow)
 * states no rename: the change is then followed as a drop and an add, as without this.
 */
export function statedColumnRenames(statement: string): ColumnRename[] {
  const words = tokens(statement);
  let i = 0;
  const word = (w: string) => words[i]?.kind === 'word' && words[i]?.text.toUpperCase() === w;
  const skip = (...ws: string[]) => {
    while (ws.some((w) => word(w))) i++;
  };
  if (!word('ALTER')) return [];
  i++;
  skip('ONLINE', 'IGNORE');
  if (!word('TABLE')) return [];
  i++;
  if (word('IF') && words[i + 1]?.text.toUpperCase() === 'EXISTS') i += 2;
  let table = name(words[i++]);
  if (words[i]?.text === '.') {
    i++;
    table = name(words[i++]);
  }
  if (table === undefined) return [];
  const renames: ColumnRename[] = [];
  // Each specification up to the next comma outside parentheses.
  while (i < words.length) {
    const start = i;
    let depth = 0;
    while (i < words.length && !(depth === 0 && words[i]?.text === ',')) {
      if (words[i]?.text === '(') depth++;
      else if (words[i]?.text === ')') depth--;
      i++;
    }
    const spec = words.slice(start, i);
    i++;
    const rename = specRename(spec);
    if (rename !== undefined) renames.push({ table, ...rename });
  }
  return renames;
}

function specRename(spec: readonly Token[]): { from: string; to: string } | undefined {
  let j = 0;
  const is = (w: string) => spec[j]?.kind === 'word' && spec[j]?.text.toUpperCase() === w;
  const ifExists = () => {
    if (is('IF') && spec[j + 1]?.text.toUpperCase() === 'EXISTS') j += 2;
  };
  if (is('RENAME')) {
    j++;
    if (!is('COLUMN')) return undefined;
    j++;
    ifExists();
    const from = name(spec[j++]);
    if (!is('TO')) return undefined;
    j++;
    const to = name(spec[j]);
    return from === undefined || to === undefined || from === to ? undefined : { from, to };
  }
  if (is('CHANGE')) {
    j++;
    if (is('COLUMN')) j++;
    ifExists();
    const from = name(spec[j++]);
    const to = name(spec[j]);
    return from === undefined || to === undefined || from === to ? undefined : { from, to };
  }
  return undefined;
}

interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'punct';
  readonly text: string;
}

/** An identifier: a bare word or a backquoted name (MariaDB's names compare without case). */
function name(t: Token | undefined): string | undefined {
  if (t === undefined) return undefined;
  return t.kind === 'word' || t.kind === 'quoted' ? t.text : undefined;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === '`' || ch === "'" || ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length) {
        const c = text[j] as string;
        if (c === '\\' && ch !== '`') {
          value += text[j + 1] ?? '';
          j += 2;
        } else if (c === ch) {
          if (text[j + 1] === ch) {
            value += ch;
            j += 2;
          } else break;
        } else {
          value += c;
          j++;
        }
      }
      out.push({ kind: ch === '`' ? 'quoted' : 'string', text: value });
      i = j + 1;
    } else if (/[\p{L}\p{N}_$]/u.test(ch)) {
      let j = i;
      while (j < text.length && /[\p{L}\p{N}_$]/u.test(text[j] as string)) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'punct', text: ch });
      i++;
    }
  }
  return out;
}
