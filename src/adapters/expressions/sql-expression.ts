import { lossy, type Expr } from './ast.js';
import { nowDigits, readCall } from './functions.js';
import type { LexRules, Token } from './lex.js';
import { arith, between, compare, concat, condition, distinct, engineName, glob, inList, regex, temporal, type Reading } from './meaning.js';
import { classOf } from './scope.js';
import { Cursor } from './sql-cursor.js';

/**
 * A reader for the expressions MySQL/MariaDB and SQLite store: MariaDB prints its own canonical
 * form (information_schema), SQLite keeps the text as written. Operator precedence is each
 * engine's own; whatever the reader does not know is refused, so nothing is guessed.
 */
export type SqlDialect = 'mysql' | 'sqlite';

export const RULES: Readonly<Record<SqlDialect, LexRules>> = {
  mysql: {
    identifierQuotes: { '`': '`' },
    stringQuotes: `'"`,
    backslashEscapes: true,
    introducers: true,
    operators: [
      '<=>',
      '<>',
      '!=',
      '<=',
      '>=',
      '||',
      '&&',
      '<<',
      '>>',
      '->>',
      '->',
      ':=',
      '=',
      '<',
      '>',
      '+',
      '-',
      '*',
      '/',
      '%',
      '!',
      '~',
      '^',
      '&',
      '|',
      '(',
      ')',
      ',',
      '.',
    ],
  },
  sqlite: {
    identifierQuotes: { '"': '"', '`': '`', '[': ']' },
    stringQuotes: `'`,
    backslashEscapes: false,
    introducers: false,
    operators: ['||', '==', '!=', '<>', '<=', '>=', '<<', '>>', '->>', '->', '=', '<', '>', '+', '-', '*', '/', '%', '~', '&', '|', '(', ')', ',', '.'],
  },
};

/** Binding power of each infix operator (higher binds tighter); words are upper-cased. */
const POWER: Readonly<Record<SqlDialect, Readonly<Record<string, number>>>> = {
  mysql: {
    OR: 1,
    '||': 1,
    XOR: 2,
    AND: 3,
    '&&': 3,
    '=': 5,
    '<=>': 5,
    '<>': 5,
    '!=': 5,
    '<': 5,
    '<=': 5,
    '>': 5,
    '>=': 5,
    IS: 5,
    LIKE: 5,
    REGEXP: 5,
    RLIKE: 5,
    IN: 5,
    BETWEEN: 5,
    NOT: 5,
    '|': 6,
    '&': 7,
    '<<': 8,
    '>>': 8,
    '+': 9,
    '-': 9,
    '*': 10,
    '/': 10,
    DIV: 10,
    '%': 10,
    MOD: 10,
    '^': 11,
    COLLATE: 13,
  },
  sqlite: {
    OR: 1,
    AND: 2,
    '=': 4,
    '==': 4,
    '!=': 4,
    '<>': 4,
    IS: 4,
    IN: 4,
    LIKE: 4,
    GLOB: 4,
    MATCH: 4,
    REGEXP: 4,
    BETWEEN: 4,
    NOT: 4,
    ISNULL: 4,
    NOTNULL: 4,
    '<': 5,
    '<=': 5,
    '>': 5,
    '>=': 5,
    '&': 6,
    '|': 6,
    '<<': 6,
    '>>': 6,
    '+': 7,
    '-': 7,
    '*': 8,
    '/': 8,
    '%': 8,
    '||': 9,
    '->': 9,
    '->>': 9,
    COLLATE: 11,
  },
};
/** Where NOT binds as a prefix: above OR/AND, below comparisons. */
const NOT_POWER: Readonly<Record<SqlDialect, number>> = { mysql: 4, sqlite: 3 };
const UNARY_POWER: Readonly<Record<SqlDialect, number>> = { mysql: 12, sqlite: 10 };

export class ExpressionParser extends Cursor {
  constructor(
    tokens: readonly Token[],
    protected readonly dialect: SqlDialect,
    protected r: Reading,
  ) {
    super(tokens);
  }

  protected cond(min: number): Expr {
    return condition(this.expr(min), this.r);
  }

  expr(min: number): Expr {
    let left = this.prefix();
    for (;;) {
      const key = this.key();
      const power = key === undefined ? undefined : POWER[this.dialect][key];
      if (power === undefined || power <= min) return left;
      // NOT here can only start NOT IN / NOT LIKE / NOT BETWEEN / NOT REGEXP / NOT NULL.
      this.i++;
      left = this.infix(key as string, left, power);
    }
  }

  private infix(key: string, left: Expr, power: number): Expr {
    const r = this.r;
    switch (key) {
      case 'OR':
      case 'AND':
      case '&&':
        return { k: key === 'OR' ? 'or' : 'and', args: [condition(left, r), this.cond(power)] };
      case '||':
        return this.dialect === 'mysql' ? { k: 'or', args: [condition(left, r), this.cond(power)] } : concat([left, this.expr(power)], 'propagate', r);
      case '=':
      case '==':
        return compare('=', left, this.expr(power), r);
      case '<>':
      case '!=':
        return compare('<>', left, this.expr(power), r);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return compare(key, left, this.expr(power), r);
      case '<=>':
        return distinct(left, this.expr(power), true, r);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arith(key, left, this.expr(power), r);
      case 'MOD':
        return arith('%', left, this.expr(power), r);
      case 'DIV':
        return arith('div', left, this.expr(power), r);
      case 'IS':
        return this.isTail(left, power);
      case 'ISNULL':
      case 'NOTNULL':
        return { k: 'isnull', arg: left, not: key === 'NOTNULL' };
      case 'NOT':
        return this.negatable(left, power, true);
      case 'IN':
      case 'LIKE':
      case 'BETWEEN':
      case 'REGEXP':
      case 'RLIKE':
      case 'GLOB':
        this.i--;
        return this.negatable(left, power, false);
    }
    return lossy(`${engineName(this.dialect)}'s ${key} has no portable equivalent`);
  }

  private isTail(left: Expr, power: number): Expr {
    const not = this.accept('NOT');
    if (this.accept('NULL')) return { k: 'isnull', arg: left, not };
    if (this.accept('DISTINCT')) {
      this.expect('FROM');
      return distinct(left, this.expr(power), !not, this.r);
    }
    if (['TRUE', 'FALSE', 'UNKNOWN'].includes(this.key() ?? '')) lossy('IS TRUE / IS FALSE');
    if (this.dialect === 'sqlite') return distinct(left, this.expr(power), !not, this.r);
    return lossy('IS followed by a value');
  }

  private negatable(left: Expr, power: number, not: boolean): Expr {
    const key = this.next();
    const word = key.t === 'word' ? key.text.toUpperCase() : key.t === 'op' ? key.text : '';
    const r = this.r;
    switch (word) {
      case 'NULL':
        if (this.dialect === 'sqlite' && not) return { k: 'isnull', arg: left, not: true };
        break;
      case 'IN': {
        this.expect('(');
        if (this.key() === 'SELECT') lossy('IN with a subquery');
        const list = this.list();
        return inList(left, list, not, r);
      }
      case 'BETWEEN': {
        const lo = this.expr(power);
        this.expect('AND');
        return between(left, lo, this.expr(power), not, r);
      }
      case 'LIKE': {
        const pattern = this.expr(power);
        if (this.key() === 'ESCAPE') lossy('LIKE … ESCAPE');
        void pattern;
        return lossy(
          this.dialect === 'mysql'
            ? "MySQL's LIKE compares by the column's collation (case-insensitive by default)"
            : "SQLite's LIKE ignores the case of ASCII letters only",
        );
      }
      case 'GLOB':
        return glob(left, this.expr(power), not, r);
      case 'REGEXP':
      case 'RLIKE':
        if (this.dialect === 'mysql') lossy("MySQL's REGEXP follows the column's collation (case-insensitive by default) and PCRE's syntax");
        return regex(left, this.expr(power), not, false, r);
    }
    return lossy(`NOT ${word}`);
  }

  /** Comma-separated expressions up to the closing parenthesis (the opening one was read). */
  private list(): Expr[] {
    const out: Expr[] = [];
    if (this.accept(')')) return out;
    do out.push(this.expr(0));
    while (this.accept(','));
    this.expect(')');
    return out;
  }

  private prefix(): Expr {
    const t = this.next();
    if (t.t === 'number') return { k: 'number', text: t.text, integer: !t.text.includes('.') };
    if (t.t === 'string') return { k: 'string', value: t.value };
    if (t.t === 'op') {
      switch (t.text) {
        case '(': {
          if (this.key() === 'SELECT') lossy('a subquery');
          const e = this.expr(0);
          this.expect(')');
          return e;
        }
        case '-': {
          const e = this.expr(UNARY_POWER[this.dialect]);
          return e.k === 'number' ? { ...e, text: e.text.startsWith('-') ? e.text.slice(1) : `-${e.text}` } : { k: 'neg', arg: e };
        }
        case '+':
          return this.expr(UNARY_POWER[this.dialect]);
        case '!':
          if (this.dialect === 'mysql') return { k: 'not', arg: this.cond(UNARY_POWER.mysql) };
      }
      return lossy(`the operator ${t.text}`);
    }
    if (t.t === 'eof') return lossy('an incomplete expression');
    if (t.quoted) return this.column(t.text);
    const word = t.text.toUpperCase();
    switch (word) {
      case 'NULL':
        return { k: 'null' };
      case 'TRUE':
      case 'FALSE':
        return { k: 'boolean', value: word === 'TRUE' };
      case 'NOT':
        return { k: 'not', arg: this.cond(NOT_POWER[this.dialect]) };
      case 'CASE':
        return this.caseExpr();
      case 'CAST':
        return this.cast();
      case 'EXISTS':
        return lossy('EXISTS');
      case 'CURRENT_TIMESTAMP':
      case 'CURRENT_DATE':
      case 'LOCALTIMESTAMP':
        if (this.accept('(')) {
          const digits = this.peek().t === 'number' ? nowDigits([this.prefix()]) : undefined;
          this.expect(')');
          if (digits !== undefined && word === 'CURRENT_DATE') lossy('CURRENT_DATE with fractional digits');
          return { k: 'now', type: word === 'CURRENT_DATE' ? 'date' : 'timestamp', digits };
        }
        return { k: 'now', type: word === 'CURRENT_DATE' ? 'date' : 'timestamp' };
    }
    if (this.key() === '(') {
      this.i++;
      return this.call(word.toLowerCase());
    }
    return this.column(t.text);
  }

  private column(first: string): Expr {
    const parts = [first];
    while (this.accept('.')) parts.push(this.name());
    const name = parts[parts.length - 1] as string;
    const qualifier = parts[parts.length - 2];
    const facts = this.r.scope.column(qualifier, name) ?? lossy(`the column ${parts.join('.')} is not known`);
    return { k: 'column', qualifier, name: facts.name };
  }

  private caseExpr(): Expr {
    const operand = this.key() === 'WHEN' ? undefined : this.expr(0);
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.accept('WHEN')) {
      const w = this.expr(0);
      const when = operand === undefined ? condition(w, this.r) : (compare('=', operand, w, this.r) as { r: Expr }).r;
      this.expect('THEN');
      whens.push({ when, then: this.expr(0) });
    }
    const otherwise = this.accept('ELSE') ? this.expr(0) : undefined;
    this.expect('END');
    return { k: 'case', operand, whens, else: otherwise };
  }

  private cast(): Expr {
    this.expect('(');
    const arg = this.expr(0);
    this.expect('AS');
    const type = this.name().toLowerCase();
    const mods: number[] = [];
    if (this.accept('(')) {
      do {
        const n = this.next();
        mods.push(n.t === 'number' ? Number(n.text) : lossy('a type modifier'));
      } while (this.accept(','));
      this.expect(')');
    }
    if (['charset', 'character', 'unsigned'].includes(this.key()?.toLowerCase() ?? '')) lossy(`CAST AS ${type} ${this.key() ?? ''}`);
    this.expect(')');
    const cls = classOf(arg, this.r.scope);
    const temporalType = type === 'date' ? 'date' : type === 'datetime' || type === 'timestamp' ? 'timestamp' : undefined;
    if (temporalType !== undefined) {
      if (arg.k === 'string' && this.dialect === 'mysql') return temporal(temporalType, arg.value);
      if ((temporalType === 'date' && cls === 'timestamp') || (temporalType === 'timestamp' && cls === 'date'))
        return { k: 'cast', arg, type: { to: temporalType } };
      if (cls === temporalType) return arg;
    }
    if (['signed', 'integer', 'int', 'bigint'].includes(type) && (cls === 'integer' || cls === 'decimal')) {
      // SQLite truncates toward zero where MySQL and the others round.
      if (cls === 'decimal' && this.dialect === 'sqlite') lossy("SQLite's CAST to INTEGER truncates where other engines round");
      return cls === 'integer' ? arg : { k: 'cast', arg, type: { to: 'integer' } };
    }
    if ((type === 'char' || type === 'text' || type === 'varchar') && mods.length === 0 && (cls === 'integer' || cls === 'text'))
      return cls === 'text' ? arg : { k: 'cast', arg, type: { to: 'text' } };
    if ((type === 'decimal' || type === 'numeric') && mods.length > 0 && this.dialect === 'mysql' && (cls === 'integer' || cls === 'decimal'))
      return { k: 'cast', arg, type: { to: 'decimal', precision: mods[0] ?? 10, scale: mods[1] ?? 0 } };
    return lossy(`a cast of ${cls} to ${type} differs between engines`);
  }

  private call(name: string): Expr {
    if (name === 'count' && this.accept('*')) {
      this.expect(')');
      return { k: 'aggregate', fn: 'count', distinct: false };
    }
    const isDistinct = this.accept('DISTINCT');
    return readCall(name, this.list(), isDistinct, this.r);
  }
}
