import type { Table } from '../../unified/index.js';
import { lossy, type Expr, type FromItem, type Select, type TableRef } from './ast.js';
import { lex } from './lex.js';
import { fromScope, type Scope } from './scope.js';
import { ExpressionParser, RULES, type SqlDialect } from './sql-expression.js';

/** Expressions and view bodies of MySQL/MariaDB and SQLite, read into the portable form. */
export class SqlReader {
  constructor(private readonly dialect: SqlDialect) {}

  expression(text: string, scope: Scope): Expr {
    const p = new SelectParser(lex(text, RULES[this.dialect]), this.dialect, { source: this.dialect, scope });
    const e = p.expr(0);
    p.end();
    return e;
  }

  select(text: string, tables: readonly Table[]): Select {
    const p = new SelectParser(lex(text, RULES[this.dialect]), this.dialect, { source: this.dialect, scope: fromScope([]) });
    const s = p.select(tables);
    p.end();
    return s;
  }
}

/** SELECT on top of the expression reader: FROM is read first, so that names resolve to columns. */
class SelectParser extends ExpressionParser {
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
      if (this.key() === '*' || (this.peek(1).t === 'op' && this.key(1) === '.' && this.key(2) === '*'))
        lossy('SELECT * (the columns are fixed when the view is made)');
      const expr = this.expr(0);
      const alias =
        this.accept('AS') || (this.peek().t === 'word' && !['FROM', 'WHERE', 'GROUP', 'HAVING', 'UNION', 'ORDER', 'LIMIT'].includes(this.key() ?? ''))
          ? this.name()
          : undefined;
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

const JOIN_WORDS = [
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'WHERE',
  'GROUP',
  'HAVING',
  'UNION',
  'ORDER',
  'LIMIT',
  'STRAIGHT_JOIN',
  'OUTER',
];
