import type { Table } from '../../unified/index.js';
import { lossy, type Expr, type FromItem, type Select, type TableRef } from './ast.js';
import { lex, type LexRules, type Token } from './lex.js';
import { arith, between, compare, concat, condition, distinct, engineName, glob, inList, nullIf, regex, temporal, type Reading } from './meaning.js';
import { classOf, fromScope, isNumeric, type Scope } from './scope.js';

/**
 * A reader for the expressions MySQL/MariaDB and SQLite store: MariaDB prints its own canonical
 * form (information_schema), SQLite keeps the text as written. Operator precedence is each
 * engine's own; whatever the reader does not know is refused, so nothing is guessed.
 */
export type SqlDialect = 'mysql' | 'sqlite';

const RULES: Readonly<Record<SqlDialect, LexRules>> = {
  mysql: {
    identifierQuotes: { '`': '`' },
    stringQuotes: `'"`,
    backslashEscapes: true,
    introducers: true,
    operators: ['<=>', '<>', '!=', '<=', '>=', '||', '&&', '<<', '>>', '->>', '->', ':=', '=', '<', '>', '+', '-', '*', '/', '%', '!', '~', '^', '&', '|', '(', ')', ',', '.'],
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
  mysql: { OR: 1, '||': 1, XOR: 2, AND: 3, '&&': 3, '=': 5, '<=>': 5, '<>': 5, '!=': 5, '<': 5, '<=': 5, '>': 5, '>=': 5, IS: 5, LIKE: 5, REGEXP: 5, RLIKE: 5, IN: 5, BETWEEN: 5, NOT: 5, '|': 6, '&': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, DIV: 10, '%': 10, MOD: 10, '^': 11, COLLATE: 13 },
  sqlite: { OR: 1, AND: 2, '=': 4, '==': 4, '!=': 4, '<>': 4, IS: 4, IN: 4, LIKE: 4, GLOB: 4, MATCH: 4, REGEXP: 4, BETWEEN: 4, NOT: 4, ISNULL: 4, NOTNULL: 4, '<': 5, '<=': 5, '>': 5, '>=': 5, '&': 6, '|': 6, '<<': 6, '>>': 6, '+': 7, '-': 7, '*': 8, '/': 8, '%': 8, '||': 9, '->': 9, '->>': 9, COLLATE: 11 },
};
/** Where NOT binds as a prefix: above OR/AND, below comparisons. */
const NOT_POWER: Readonly<Record<SqlDialect, number>> = { mysql: 4, sqlite: 3 };
const UNARY_POWER: Readonly<Record<SqlDialect, number>> = { mysql: 12, sqlite: 10 };

export class SqlReader {
  constructor(private readonly dialect: SqlDialect) {}

  expression(text: string, scope: Scope): Expr {
    const p = new Parser(lex(text, RULES[this.dialect]), this.dialect, { source: this.dialect, scope });
    const e = p.expr(0);
    p.end();
    return e;
  }

  select(text: string, tables: readonly Table[]): Select {
    const p = new Parser(lex(text, RULES[this.dialect]), this.dialect, { source: this.dialect, scope: fromScope([]) });
    const s = p.select(tables);
    p.end();
    return s;
  }
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly dialect: SqlDialect,
    private r: Reading,
  ) {}

  private peek(ahead = 0): Token {
    return this.tokens[this.i + ahead] ?? { t: 'eof' };
  }

  private next(): Token {
    return this.tokens[this.i++] ?? { t: 'eof' };
  }

  /** The upper-cased keyword at the cursor, if the token is a bare word or an operator. */
  private key(ahead = 0): string | undefined {
    const t = this.peek(ahead);
    return t.t === 'word' && !t.quoted ? t.text.toUpperCase() : t.t === 'op' ? t.text : undefined;
  }

  private accept(key: string): boolean {
    if (this.key() !== key) return false;
    this.i++;
    return true;
  }

  private expect(key: string): void {
    if (!this.accept(key)) lossy(`expected ${key} where ${describe(this.peek())} is written`);
  }

  end(): void {
    if (this.peek().t !== 'eof') lossy(`unexpected ${describe(this.peek())}`);
  }

  private name(): string {
    const t = this.next();
    if (t.t !== 'word') return lossy(`expected a name, found ${describe(t)}`);
    return t.text;
  }

  private cond(min: number): Expr {
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
        return lossy(this.dialect === 'mysql' ? "MySQL's LIKE compares by the column's collation (case-insensitive by default)" : "SQLite's LIKE ignores the case of ASCII letters only");
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
    const r = this.r;
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
          if (this.peek().t === 'number') lossy('a current time with fractional seconds');
          this.expect(')');
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
    if (this.r.scope.column(qualifier, name) === undefined) lossy(`the column ${parts.join('.')} is not known`);
    return { k: 'column', qualifier, name };
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
      if ((temporalType === 'date' && cls === 'timestamp') || (temporalType === 'timestamp' && cls === 'date')) return { k: 'cast', arg, type: { to: temporalType } };
      if (cls === temporalType) return arg;
    }
    if (['signed', 'integer', 'int', 'bigint'].includes(type) && (cls === 'integer' || cls === 'decimal')) {
      // SQLite truncates toward zero where MySQL and the others round.
      if (cls === 'decimal' && this.dialect === 'sqlite') lossy("SQLite's CAST to INTEGER truncates where other engines round");
      return cls === 'integer' ? arg : { k: 'cast', arg, type: { to: 'integer' } };
    }
    if ((type === 'char' || type === 'text' || type === 'varchar') && mods.length === 0 && (cls === 'integer' || cls === 'text')) return cls === 'text' ? arg : { k: 'cast', arg, type: { to: 'text' } };
    if ((type === 'decimal' || type === 'numeric') && mods.length > 0 && this.dialect === 'mysql' && (cls === 'integer' || cls === 'decimal')) return { k: 'cast', arg, type: { to: 'decimal', precision: mods[0] ?? 10, scale: mods[1] ?? 0 } };
    return lossy(`a cast of ${cls} to ${type} differs between engines`);
  }

  private call(name: string): Expr {
    if (name === 'count' && this.accept('*')) {
      this.expect(')');
      return { k: 'aggregate', fn: 'count', distinct: false };
    }
    const isDistinct = this.accept('DISTINCT');
    const args = this.list();
    const cls = args.map((a) => classOf(a, this.r.scope));
    const arity = (n: number) => {
      if (args.length !== n) lossy(`${name} with ${args.length} arguments`);
    };
    const mysql = this.dialect === 'mysql';
    const positive = (e: Expr | undefined) => e?.k === 'number' && e.integer && !e.text.startsWith('-') && e.text !== '0';
    if (isDistinct && !['count', 'sum', 'min', 'max'].includes(name)) lossy(`${name}(DISTINCT …)`);
    switch (name) {
      case 'now':
      case 'current_timestamp':
      case 'localtimestamp':
        if (args.length > 0) lossy('a current time with fractional seconds');
        return { k: 'now', type: 'timestamp' };
      case 'curdate':
      case 'current_date':
        arity(0);
        return { k: 'now', type: 'date' };
      case 'date':
      case 'datetime':
        // SQLite's date('now') and datetime('now').
        if (!mysql && args.length === 1 && args[0]?.k === 'string' && args[0].value === 'now') return { k: 'now', type: name === 'date' ? 'date' : 'timestamp' };
        break;
      case 'lower':
      case 'lcase':
      case 'upper':
      case 'ucase':
        arity(1);
        if (!mysql) lossy("SQLite's lower() and upper() change ASCII letters only");
        if (cls[0] !== 'text') lossy(`${name} of a ${cls[0]} value`);
        return { k: 'call', fn: name === 'lower' || name === 'lcase' ? 'lower' : 'upper', args };
      case 'char_length':
      case 'character_length':
      case 'length':
        arity(1);
        if (mysql && name === 'length') lossy("MySQL's length() counts bytes");
        if (cls[0] !== 'text') lossy(`${name} of a ${cls[0]} value`);
        return { k: 'call', fn: 'length', args };
      case 'trim':
        arity(1);
        if (cls[0] !== 'text') lossy(`trim of a ${cls[0]} value`);
        return { k: 'call', fn: 'trim', args };
      case 'abs':
        arity(1);
        if (!isNumeric(cls[0] ?? 'other')) lossy(`abs of a ${cls[0]} value`);
        return { k: 'call', fn: 'abs', args };
      case 'round':
        if (!mysql) lossy("SQLite's round() works in floating point");
        if (cls[0] !== 'integer' && cls[0] !== 'decimal') lossy('round of a floating-point value');
        if (args.length === 2 && !(args[1]?.k === 'number' && args[1].integer)) lossy('round to a computed number of digits');
        if (args.length < 1 || args.length > 2) arity(1);
        return { k: 'call', fn: 'round', args };
      case 'substr':
      case 'substring':
      case 'mid':
        arity(3);
        if (cls[0] !== 'text' || !positive(args[1]) || !positive(args[2])) lossy(`${name} with a start or length that is not a positive constant`);
        return { k: 'call', fn: 'substr', args };
      case 'replace':
        arity(3);
        if (cls.some((c) => c !== 'text')) lossy('replace on values that are not text');
        return { k: 'call', fn: 'replace', args };
      case 'coalesce':
      case 'ifnull':
        if (args.length < 2) arity(2);
        return { k: 'call', fn: 'coalesce', args };
      case 'nullif':
        arity(2);
        return nullIf(args[0] as Expr, args[1] as Expr, this.r);
      case 'concat':
        // MariaDB's CONCAT() is NULL when any argument is; SQLite's (like PostgreSQL's) skips NULLs.
        return concat(args, mysql ? 'propagate' : 'skip', this.r);
      case 'concat_ws':
        if (!mysql || args[0]?.k !== 'string' || args[0].value !== '') break;
        return concat(args.slice(1), 'skip', this.r);
      case 'if':
      case 'iif':
        arity(3);
        return { k: 'case', whens: [{ when: condition(args[0] as Expr, this.r), then: args[1] as Expr }], else: args[2] };
      case 'count':
      case 'sum':
      case 'min':
      case 'max':
        arity(1);
        if ((name === 'min' || name === 'max') && cls[0] === 'text') lossy(`${name} of text depends on the collation`);
        if (name === 'sum' && !isNumeric(cls[0] ?? 'other')) lossy(`sum of ${cls[0]}`);
        if (name === 'sum' && !mysql && cls[0] !== 'integer') lossy('SQLite sums decimals in floating point');
        return { k: 'aggregate', fn: name, arg: args[0], distinct: isDistinct };
    }
    return lossy(`${engineName(this.dialect)}'s ${name}() has no equivalent redb knows`);
  }

  /** SELECT … FROM … [WHERE] [GROUP BY] [HAVING] [UNION [ALL] SELECT …]. FROM is read first, to know the columns. */
  select(tables: readonly Table[]): Select {
    this.expect('SELECT');
    const distinctRows = this.accept('DISTINCT');
    if (!distinctRows) this.accept('ALL');
    const listStart = this.i;
    this.skipToTopLevel(['FROM']);
    const bound: { alias: string; table: Table }[] = [];
    const from: FromItem[] = [];
    if (this.accept('FROM')) {
      do from.push(this.fromItem(tables, bound));
      while (this.accept(','));
    }
    const afterFrom = this.i;
    this.r = { ...this.r, scope: fromScope(bound) };
    this.i = listStart;
    const columns: { expr: Expr; name: string }[] = [];
    do {
      if (this.key() === '*' || (this.peek(1).t === 'op' && this.key(1) === '.' && this.key(2) === '*')) lossy('SELECT * (the columns are fixed when the view is made)');
      const expr = this.expr(0);
      const alias = this.accept('AS') || (this.peek().t === 'word' && !['FROM', 'WHERE', 'GROUP', 'HAVING', 'UNION', 'ORDER', 'LIMIT'].includes(this.key() ?? '')) ? this.name() : undefined;
      columns.push({ expr, name: alias ?? (expr.k === 'column' ? expr.name : lossy('a view column without a name')) });
    } while (this.accept(','));
    this.i = afterFrom;
    const where = this.accept('WHERE') ? this.cond(0) : undefined;
    const groupBy: Expr[] = [];
    if (this.accept('GROUP')) {
      this.expect('BY');
      do groupBy.push(this.expr(0));
      while (this.accept(','));
    }
    const having = this.accept('HAVING') ? this.cond(0) : undefined;
    const tail = this.key() ?? '';
    if (['ORDER', 'LIMIT', 'WINDOW', 'FOR'].includes(tail)) lossy(`${tail === 'ORDER' ? 'ORDER BY' : tail} in a view`);
    const union: { all: boolean; select: Select }[] = [];
    while (this.accept('UNION')) {
      const all = this.accept('ALL');
      if (!all) this.accept('DISTINCT');
      const next = this.select(tables);
      union.push({ all, select: { ...next, union: [] } }, ...next.union);
    }
    return { scope: fromScope(bound), distinct: distinctRows, columns, from, where, groupBy, having, union };
  }

  private skipToTopLevel(keys: readonly string[]): void {
    let depth = 0;
    while (this.peek().t !== 'eof') {
      const k = this.key();
      if (depth === 0 && k !== undefined && keys.includes(k) && this.peek().t === 'word') return;
      if (k === '(') depth++;
      if (k === ')') depth--;
      this.i++;
    }
  }

  private fromItem(tables: readonly Table[], bound: { alias: string; table: Table }[]): FromItem {
    let left = this.tableRef(tables, bound);
    for (;;) {
      let type: 'inner' | 'left' | 'cross' | undefined;
      if (this.accept('JOIN')) type = 'inner';
      else if (this.accept('INNER')) type = 'inner';
      else if (this.accept('CROSS')) type = 'cross';
      else if (this.accept('LEFT')) {
        this.accept('OUTER');
        type = 'left';
      } else if (['RIGHT', 'FULL', 'NATURAL', 'STRAIGHT_JOIN'].includes(this.key() ?? '')) lossy(`${this.key() ?? ''} JOIN`);
      if (type === undefined) return left;
      if (this.key() === 'JOIN') this.i++;
      const right = this.tableRef(tables, bound);
      let on: Expr | undefined;
      if (this.accept('ON')) {
        this.r = { ...this.r, scope: fromScope(bound) };
        on = this.cond(0);
      } else if (this.key() === 'USING') lossy('JOIN USING');
      if (type === 'inner' && on === undefined) type = 'cross';
      left = { k: 'join', type, left, right, on };
    }
  }

  private tableRef(tables: readonly Table[], bound: { alias: string; table: Table }[]): FromItem {
    // MariaDB prints every join in parentheses: `from (a join b on(...))`.
    if (this.key() === '(') {
      if (this.key(1) === 'SELECT') lossy('a subquery in FROM');
      this.i++;
      const inner = this.fromItem(tables, bound);
      this.expect(')');
      return inner;
    }
    const parts = [this.name()];
    while (this.accept('.')) parts.push(this.name());
    const name = parts[parts.length - 1] as string;
    const alias = this.accept('AS') || (this.peek().t === 'word' && !JOIN_WORDS.includes(this.key() ?? '')) ? this.name() : undefined;
    const table = tables.find((t) => t.name === name) ?? tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (table === undefined) lossy(`${name} is not a table of this schema`);
    bound.push({ alias: alias ?? table.name, table });
    const ref: TableRef = { name: table.name, alias, schema: table.schema };
    return { k: 'table', table: ref };
  }
}

const JOIN_WORDS = ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'WHERE', 'GROUP', 'HAVING', 'UNION', 'ORDER', 'LIMIT', 'STRAIGHT_JOIN', 'OUTER'];

function describe(t: Token): string {
  return t.t === 'eof' ? 'the end' : t.t === 'string' ? 'a string' : t.t === 'number' ? t.text : t.text;
}
