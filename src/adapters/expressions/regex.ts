import { lossy } from './ast.js';

/**
 * The part of regular-expression syntax that PostgreSQL (ARE), MariaDB (PCRE) and DuckDB (RE2)
 * read alike: literal characters, `.`, bracket lists and ranges, `^ $`, groups, `|`, and the
 * quantifiers `* + ? {m,n}`. Class escapes (`\d`), backreferences, POSIX classes and inline
 * options differ between them, so a pattern using one is refused.
 */
export function checkRegex(pattern: string): void {
  let i = 0;
  let depth = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) lossy(`the regular expression uses \\${next ?? ''}, which engines read differently`);
      i += 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') lossy('a bracket list starting with ]');
      while (j < pattern.length && pattern[j] !== ']') {
        if (pattern[j] === '\\' || (pattern[j] === '[' && /[:=.]/.test(pattern[j + 1] ?? '')))
          lossy('escapes and classes inside a bracket list differ between engines');
        j++;
      }
      if (j >= pattern.length) lossy('an unclosed bracket list');
      i = j + 1;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') lossy('regular-expression options and special groups differ between engines');
      depth++;
    } else if (c === ')') {
      if (--depth < 0) lossy('unbalanced parentheses in the regular expression');
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d+)?)?\}/.exec(pattern.slice(i));
      if (m === null) lossy('a brace that is not a {m,n} quantifier');
      i += m[0].length;
      continue;
    } else if ((c === '*' || c === '+' || c === '?') && /[*+?}]/.test(pattern[i + 1] ?? '')) {
      lossy('lazy or possessive quantifiers differ between engines');
    }
    i++;
  }
  if (depth !== 0) lossy('unbalanced parentheses in the regular expression');
}

/** `$` outside a bracket list, which PCRE also lets match before a final newline. */
export function endAnchorsToZ(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      out += pattern.slice(i, end + 1);
      i = end;
    } else out += c === '$' ? '\\z' : c;
  }
  return out;
}
