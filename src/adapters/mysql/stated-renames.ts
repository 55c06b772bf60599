import type { ColumnRename } from '../changes.js';
import { tokenize as tokens, type Token } from './references.js';

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
  const word = (w: string) => words[i]?.type === 'word' && words[i]?.value.toUpperCase() === w;
  const skip = (...ws: string[]) => {
    while (ws.some((w) => word(w))) i++;
  };
  if (!word('ALTER')) return [];
  i++;
  skip('ONLINE', 'IGNORE');
  if (!word('TABLE')) return [];
  i++;
  if (word('IF') && words[i + 1]?.value.toUpperCase() === 'EXISTS') i += 2;
  let table = name(words[i++]);
  if (words[i]?.value === '.') {
    i++;
    table = name(words[i++]);
  }
  if (table === undefined) return [];
  const renames: ColumnRename[] = [];
  // Each specification up to the next comma outside parentheses.
  while (i < words.length) {
    const start = i;
    let depth = 0;
    while (i < words.length && !(depth === 0 && words[i]?.value === ',')) {
      if (words[i]?.value === '(') depth++;
      else if (words[i]?.value === ')') depth--;
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
  const is = (w: string) => spec[j]?.type === 'word' && spec[j]?.value.toUpperCase() === w;
  const ifExists = () => {
    if (is('IF') && spec[j + 1]?.value.toUpperCase() === 'EXISTS') j += 2;
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

/** An identifier: a bare word or a backquoted name (MariaDB's names compare without case). */
function name(t: Token | undefined): string | undefined {
  return t !== undefined && (t.type === 'word' || t.type === 'ident') ? t.value : undefined;
}
