import { lossy } from './ast.js';

export type Token =
  | { readonly t: 'word'; readonly text: string; readonly quoted: boolean }
  | { readonly t: 'string'; readonly value: string }
  | { readonly t: 'number'; readonly text: string }
  | { readonly t: 'op'; readonly text: string }
  | { readonly t: 'eof' };

/** The lexical rules that differ between MySQL/MariaDB and SQLite. */
export interface LexRules {
  /** Characters that open a quoted identifier, each with its closing character. */
  readonly identifierQuotes: Readonly<Record<string, string>>;
  /** Characters that open a string. */
  readonly stringQuotes: string;
  /** Backslash escapes inside strings (MySQL without NO_BACKSLASH_ESCAPES). */
  readonly backslashEscapes: boolean;
  /** `_utf8mb4'...'`: a character set introducer before a string. */
  readonly introducers: boolean;
  readonly operators: readonly string[];
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a', '\\': '\\', "'": "'", '"': '"' };

export function lex(text: string, rules: LexRules): Token[] {
  const out: Token[] = [];
  let i = 0;
  const quoted = (open: string, close: string, escapes: boolean): string => {
    let value = '';
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) lossy(`an unterminated ${open}`);
      if (escapes && c === '\\') {
        const e = text[i + 1] ?? '';
        // MySQL keeps the backslash of \% and \_ (they are LIKE escapes); other unknown escapes drop it.
        value += e === '%' || e === '_' ? `\\${e}` : (ESCAPES[e] ?? e);
        i += 2;
      } else if (c === close) {
        if (text[i + 1] === close) {
          value += close;
          i += 2;
        } else {
          i++;
          return value;
        }
      } else {
        value += c;
        i++;
      }
    }
  };
  const ops = [...rules.operators].sort((a, b) => b.length - a.length);
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') lossy('a comment inside an expression');
    if (c === '/' && text[i + 1] === '*') lossy('a comment inside an expression');
    const close = rules.identifierQuotes[c];
    if (close !== undefined) {
      out.push({ t: 'word', text: quoted(c, close, false), quoted: true });
      continue;
    }
    if (rules.stringQuotes.includes(c)) {
      out.push({ t: 'string', value: quoted(c, c, rules.backslashEscapes) });
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number !== null && !/^0x/i.test(text.slice(i, i + 2))) {
      if (/[eE]/.test(number[0])) lossy('a number with an exponent is a floating-point value');
      out.push({ t: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
    if (word !== null) {
      i += word[0].length;
      const next = text[i];
      if (next === "'" && /^[xXbB]$/.test(word[0])) lossy('a binary or bit string constant');
      if (next === "'" && /^[nN]$/.test(word[0])) continue;
      if (next === "'" && rules.introducers && word[0].startsWith('_')) {
        if (/^_binary$/i.test(word[0])) lossy('a binary string constant');
        continue;
      }
      out.push({ t: 'word', text: word[0], quoted: false });
      continue;
    }
    const op = ops.find((o) => text.startsWith(o, i));
    if (op === undefined) lossy(`the character ${c}`);
    out.push({ t: 'op', text: op });
    i += op.length;
  }
  out.push({ t: 'eof' });
  return out;
}
