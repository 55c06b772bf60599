/**
 * A small SQL tokenizer (SQLite's rules, which DuckDB's DDL also reads by): enough to find the
 * structure of CREATE statements while keeping every expression as the exact source text the user wrote.
 */
export interface Token {
  readonly type: 'ident' | 'word' | 'string' | 'number' | 'punct' | 'blob';
  /** Identifiers unquoted; words upper-cased; everything else verbatim. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+/y;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const quoted = (close: string, type: Token['type'], start: number): void => {
    let j = i + 1;
    let value = '';
    for (;;) {
      const k = sql.indexOf(close, j);
      if (k === -1) throw new SyntaxError(`unterminated ${close} at ${start}`);
      value += sql.slice(j, k);
      // A doubled closing quote is an escaped one (not for [brackets]).
      if (close !== ']' && sql[k + 1] === close) {
        value += close;
        j = k + 2;
        continue;
      }
      i = k + 1;
      break;
    }
    tokens.push({ type, value: type === 'string' ? sql.slice(start, i) : value, start, end: i });
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === "'") {
      quoted("'", 'string', i);
    } else if (ch === '"') {
      quoted('"', 'ident', i);
    } else if (ch === '`') {
      quoted('`', 'ident', i);
    } else if (ch === '[') {
      quoted(']', 'ident', i);
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      const start = i;
      i++;
      quoted("'", 'string', start);
      const last = tokens.pop() as Token;
      tokens.push({ ...last, type: 'blob', value: sql.slice(start, last.end) });
    } else {
      NUMBER.lastIndex = i;
      WORD.lastIndex = i;
      const num = /[0-9.]/.test(ch) ? NUMBER.exec(sql) : null;
      const word = num === null ? WORD.exec(sql) : null;
      if (num !== null) {
        tokens.push({ type: 'number', value: num[0], start: i, end: i + num[0].length });
        i += num[0].length;
      } else if (word !== null) {
        tokens.push({ type: 'word', value: word[0].toUpperCase(), start: i, end: i + word[0].length });
        i += word[0].length;
      } else {
        const two = sql.slice(i, i + 2);
        const op = ['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '->'].includes(two) ? (sql.slice(i, i + 3) === '->>' ? '->>' : two) : ch;
        tokens.push({ type: 'punct', value: op, start: i, end: i + op.length });
        i += op.length;
      }
    }
  }
  return tokens;
}

/** A cursor over tokens with the few look-ahead helpers the parsers need. */
export class TokenCursor {
  pos = 0;
  constructor(
    readonly sql: string,
    readonly tokens: readonly Token[],
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  /** Whether the next tokens are these keywords (or punctuation). */
  at(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.peek(k);
      return t !== undefined && (t.type === 'word' || t.type === 'punct') && t.value === w;
    });
  }
  accept(...words: string[]): boolean {
    if (!this.at(...words)) return false;
    this.pos += words.length;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw new SyntaxError(`expected ${words.join(' ')} near '${this.rest().slice(0, 40)}'`);
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new SyntaxError('unexpected end of statement');
    return t;
  }
  /** An identifier: quoted, or a bare word (keywords are allowed as names, as SQLite allows). */
  name(): string {
    const t = this.next();
    if (t.type === 'ident') return t.value;
    if (t.type === 'word' || t.type === 'string') return t.type === 'string' ? t.value.slice(1, -1).replace(/''/g, "'") : this.sql.slice(t.start, t.end);
    throw new SyntaxError(`expected a name near '${this.sql.slice(t.start, t.start + 40)}'`);
  }
  /** `[schema.]name`, returning the name. */
  qualifiedName(): string {
    const first = this.name();
    return this.accept('.') ? this.name() : first;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }
  rest(): string {
    const t = this.peek();
    return t === undefined ? '' : this.sql.slice(t.start);
  }
  /**
   * Skip a balanced run of tokens up to (not including) a top-level token for which `stop` is true,
   * and return the exact source text skipped.
   */
  until(stop: (t: Token) => boolean): string {
    let depth = 0;
    const first = this.peek();
    let last: Token | undefined;
    while (!this.done()) {
      const t = this.peek() as Token;
      if (depth === 0 && stop(t)) break;
      if (t.type === 'punct' && t.value === '(') depth++;
      if (t.type === 'punct' && t.value === ')') {
        if (depth === 0) break;
        depth--;
      }
      last = t;
      this.pos++;
    }
    return first === undefined || last === undefined ? '' : this.sql.slice(first.start, last.end);
  }
  /** `( ... )`: the exact source text inside the parentheses. */
  parenthesized(): string {
    this.expect('(');
    const inner = this.until(() => false);
    this.expect(')');
    return inner;
  }
}

export const isPunct = (t: Token, value: string): boolean => t.type === 'punct' && t.value === value;
export const isWord = (t: Token, ...values: string[]): boolean => t.type === 'word' && values.includes(t.value);
