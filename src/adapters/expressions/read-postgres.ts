import type { Engine, Table } from '../../unified/index.js';
import { lossy, type CastType, type Expr, type FromItem, type Select, type TableRef } from './ast.js';
import { readCall } from './functions.js';
import { arith, between, compare, concat, condition, distinct, inList, like, nullIf, regex, temporal, type Reading } from './meaning.js';
import { classOf, fromScope, type Scope } from './scope.js';

/**
 * PostgreSQL's parse trees (from libpg-query, PostgreSQL's own parser) read into the portable form.
 * DuckDB's parser descends from PostgreSQL's and DuckDB prints its stored expressions in that
 * grammar, so the same reader serves it; where DuckDB means something else (`/`, `~`), it says so.
 */

// Parse-tree nodes are plain JSON from the parser; each is checked by its key as it is read.
// biome-ignore lint/suspicious/noExplicitAny: the parser's tree has no types; every node is checked by its key where it is read
type Node = any;

export type ParseSync = (sql: string) => { stmts?: { stmt?: Node }[] | undefined };

export interface PgReading extends Reading {
  /** Defaults may cast a constant to the column's own type: the column converts it on either engine. */
  readonly inDefault?: boolean;
}

const str = (n: Node): string => n?.String?.sval ?? lossy('an unexpected name');
const nameOf = (names: Node[]): string => str(names[names.length - 1]).toLowerCase();

function constant(c: Node): Expr {
  if (c.isnull === true) return { k: 'null' };
  if (c.ival !== undefined) return { k: 'number', text: String(c.ival.ival ?? 0), integer: true };
  if (c.fval !== undefined) return { k: 'number', text: String(c.fval.fval), integer: false };
  if (c.boolval !== undefined) return { k: 'boolean', value: c.boolval.boolval === true };
  if (c.sval !== undefined) return { k: 'string', value: String(c.sval.sval ?? '') };
  return lossy('a constant redb cannot read (bit strings, ...)');
}

/** A type name as a portable cast target, or the reason there is none. */
function castType(t: Node): CastType | { other: string } {
  if (t.arrayBounds !== undefined) return { other: 'an array' };
  const name = nameOf(t.names);
  const mods = (t.typmods ?? []).map((m: Node) => m?.A_Const?.ival?.ival ?? 0) as number[];
  if (['int2', 'int4', 'int8', 'integer', 'smallint', 'bigint', 'int'].includes(name)) return { to: 'integer' };
  if (name === 'numeric' || name === 'decimal')
    return mods.length === 0 ? { other: 'numeric without precision' } : { to: 'decimal', precision: mods[0] ?? 0, scale: mods[1] ?? 0 };
  if (['text', 'varchar', 'string'].includes(name) && mods.length === 0) return { to: 'text' };
  if (name === 'date') return { to: 'date' };
  if (name === 'timestamp' && mods.length === 0) return { to: 'timestamp' };
  return { other: name };
}

export class PgReader {
  constructor(
    private readonly parse: ParseSync,
    private readonly source: Engine,
  ) {}

  /** One expression (a check, default, generated column or index predicate). */
  expression(text: string, scope: Scope, inDefault: boolean): Expr {
    const stmt = this.parse(`SELECT ${text}`).stmts?.[0]?.stmt?.SelectStmt;
    const targets = stmt?.targetList ?? [];
    if (targets.length !== 1 || stmt.fromClause !== undefined) lossy('not a single expression');
    return new Walk({ source: this.source, scope, inDefault }).expr(targets[0].ResTarget.val);
  }

  /** A view's SELECT; `tables` are the source schema's, to know the columns' classes. */
  select(text: string, tables: readonly Table[]): Select {
    const parsed = this.parse(text).stmts ?? [];
    if (parsed.length !== 1) lossy('not a single SELECT');
    return this.selectStmt(parsed[0]?.stmt?.SelectStmt ?? lossy('not a SELECT'), tables);
  }

  private selectStmt(s: Node, tables: readonly Table[]): Select {
    if (s.op !== undefined && s.op !== 'SETOP_NONE') {
      if (s.op !== 'SETOP_UNION') lossy(`${String(s.op).slice(6)} of SELECTs`);
      const left = this.selectStmt(s.larg, tables);
      const right = this.selectStmt(s.rarg, tables);
      if (right.union.length > 0) lossy('nested set operations');
      if (s.sortClause !== undefined || s.limitCount !== undefined) lossy('ORDER BY or LIMIT on a UNION');
      return { ...left, union: [...left.union, { all: s.all === true, select: { ...right, union: [] } }] };
    }
    for (const key of ['withClause', 'limitCount', 'limitOffset', 'windowClause', 'lockingClause', 'intoClause', 'valuesLists']) {
      if (s[key] !== undefined)
        lossy(
          `${key
            .replace('Clause', '')
            .replace(/([A-Z])/g, ' $1')
            .toUpperCase()} in a view`,
        );
    }
    if (s.distinctClause?.some((d: Node) => Object.keys(d ?? {}).length > 0)) lossy('DISTINCT ON');
    const bound: { alias: string; table: Table }[] = [];
    const from = (s.fromClause ?? []).map((f: Node) => this.fromItem(f, tables, bound)) as FromItem[];
    const w = new Walk({ source: this.source, scope: fromScope(bound) });
    const columns = (s.targetList ?? []).map((t: Node) => {
      const val = t.ResTarget.val;
      if (val?.ColumnRef?.fields?.some((f: Node) => f.A_Star !== undefined)) lossy('SELECT * (the columns are fixed when the view is made)');
      const expr = w.expr(val);
      const name = t.ResTarget.name ?? (expr.k === 'column' ? expr.name : lossy('a view column without a name'));
      return { expr, name: String(name) };
    });
    if (s.sortClause !== undefined) lossy('ORDER BY in a view');
    return {
      scope: fromScope(bound),
      distinct: s.distinctClause !== undefined,
      columns,
      from,
      where: s.whereClause === undefined ? undefined : w.condition(s.whereClause),
      groupBy: (s.groupClause ?? []).map((g: Node) => w.expr(g)),
      having: s.havingClause === undefined ? undefined : w.condition(s.havingClause),
      union: [],
    };
  }

  private fromItem(f: Node, tables: readonly Table[], bound: { alias: string; table: Table }[]): FromItem {
    if (f.RangeVar !== undefined) {
      const r = f.RangeVar;
      const ref: TableRef = { schema: r.schemaname, name: r.relname, alias: r.alias?.aliasname };
      const table = tables.find((t) => t.name === ref.name && (ref.schema === undefined || t.schema === ref.schema));
      if (table === undefined) lossy(`${ref.name} is not a table of this schema`);
      bound.push({ alias: ref.alias ?? ref.name, table });
      return { k: 'table', table: ref };
    }
    if (f.JoinExpr !== undefined) {
      const j = f.JoinExpr;
      if (j.usingClause !== undefined || j.isNatural === true) lossy('JOIN USING or NATURAL JOIN');
      const type =
        j.jointype === 'JOIN_INNER'
          ? j.quals === undefined
            ? 'cross'
            : 'inner'
          : j.jointype === 'JOIN_LEFT'
            ? 'left'
            : lossy(`${String(j.jointype).slice(5)} JOIN`);
      const left = this.fromItem(j.larg, tables, bound);
      const right = this.fromItem(j.rarg, tables, bound);
      const on = j.quals === undefined ? undefined : new Walk({ source: this.source, scope: fromScope(bound) }).condition(j.quals);
      return { k: 'join', type, left, right, on };
    }
    return lossy('a subquery or function in FROM');
  }
}

class Walk {
  constructor(private readonly r: PgReading) {}

  condition(n: Node): Expr {
    return condition(this.expr(n), this.r);
  }

  expr(n: Node): Expr {
    const [kind] = Object.keys(n ?? {});
    const v = kind === undefined ? undefined : n[kind];
    switch (kind) {
      case 'ColumnRef': {
        const fields = v.fields.map(str) as string[];
        const name = fields[fields.length - 1] as string;
        if (this.r.scope.column(fields[fields.length - 2], name) === undefined) lossy(`the column ${fields.join('.')} is not known`);
        return { k: 'column', qualifier: fields[fields.length - 2], name };
      }
      case 'A_Const':
        return constant(v);
      case 'TypeCast':
        return this.cast(v);
      case 'BoolExpr': {
        const args = v.args.map((a: Node) => this.condition(a)) as Expr[];
        if (v.boolop === 'NOT_EXPR') return { k: 'not', arg: args[0] as Expr };
        return { k: v.boolop === 'AND_EXPR' ? 'and' : 'or', args };
      }
      case 'NullTest':
        return { k: 'isnull', arg: this.expr(v.arg), not: v.nulltesttype === 'IS_NOT_NULL' };
      case 'A_Expr':
        return this.aExpr(v);
      case 'CaseExpr': {
        const operand = v.arg === undefined ? undefined : this.expr(v.arg);
        const whens = v.args.map((w: Node) => {
          const when = operand === undefined ? this.condition(w.CaseWhen.expr) : (compare('=', operand, this.expr(w.CaseWhen.expr), this.r) as { r: Expr }).r;
          return { when, then: this.expr(w.CaseWhen.result) };
        });
        return { k: 'case', operand, whens, else: v.defresult === undefined ? undefined : this.expr(v.defresult) };
      }
      case 'CoalesceExpr':
        return { k: 'call', fn: 'coalesce', args: v.args.map((a: Node) => this.expr(a)) };
      case 'SQLValueFunction':
        if (v.op === 'SVFOP_CURRENT_DATE') return { k: 'now', type: 'date' };
        if (v.op === 'SVFOP_CURRENT_TIMESTAMP' || v.op === 'SVFOP_LOCALTIMESTAMP') return { k: 'now', type: 'timestamp' };
        // CURRENT_TIMESTAMP(3): the parser keeps the digits as the value's type modifier (left out when 0).
        if (v.op === 'SVFOP_CURRENT_TIMESTAMP_N' || v.op === 'SVFOP_LOCALTIMESTAMP_N') {
          const digits = v.typmod ?? 0;
          if (Number.isInteger(digits) && digits >= 0 && digits <= 6) return { k: 'now', type: 'timestamp', digits };
        }
        return lossy(`${String(v.op).slice(6)} has no portable equivalent`);
      case 'FuncCall':
        return this.call(v);
      default:
        return lossy(`${kind ?? 'an empty node'} expressions are not translated`);
    }
  }

  private cast(v: Node): Expr {
    const target = castType(v.typeName);
    // ('now'::text)::date and 'now'::timestamp: PostgreSQL's spellings of the current date and time.
    const inner = v.arg?.TypeCast?.arg?.A_Const?.sval?.sval ?? v.arg?.A_Const?.sval?.sval;
    if (inner === 'now' && 'to' in target && (target.to === 'date' || target.to === 'timestamp')) return { k: 'now', type: target.to };
    const arg = this.expr(v.arg);
    const name = nameOf(v.typeName.names);
    if (arg.k === 'string') {
      if ('to' in target && (target.to === 'date' || target.to === 'timestamp')) return temporal(target.to, arg.value);
      if (name === 'time') return temporal('time', arg.value);
      if ('to' in target && target.to === 'text') return arg;
      if (name === 'bool' || name === 'boolean') {
        const b = /^(t|true|y|yes|on|1)$/i.test(arg.value) ? true : /^(f|false|n|no|off|0)$/i.test(arg.value) ? false : lossy(`'${arg.value}' as a boolean`);
        return { k: 'boolean', value: b };
      }
      if ('to' in target && (target.to === 'integer' || target.to === 'decimal') && /^[+-]?\d+(\.\d+)?$/.test(arg.value))
        return { k: 'number', text: arg.value, integer: !arg.value.includes('.') };
      // A constant for a column of its own type (json, uuid, an enum): the target column reads it the same way.
      if (
        this.r.inDefault === true &&
        'other' in target &&
        !['bool', 'boolean', 'float4', 'float8', 'interval', 'timestamptz', 'timetz', 'bytea'].includes(target.other)
      )
        return arg;
    }
    if (arg.k === 'number' && 'to' in target && (target.to === 'integer' || target.to === 'decimal')) {
      if (target.to === 'integer' && !arg.integer) lossy('a fraction cast to an integer');
      return arg;
    }
    const cls = classOf(arg, this.r.scope);
    // numeric without precision keeps a decimal as it is; an integer would change how it divides.
    if ('other' in target && target.other === 'numeric without precision' && (cls === 'decimal' || (arg.k === 'number' && arg.integer)))
      return arg.k === 'number' ? { ...arg, integer: false } : arg;
    // An integer made numeric (PostgreSQL adds the cast itself in `qty * price`): a decimal of 20 digits holds any integer
    // exactly, and is a decimal where it divides.
    if ('other' in target && target.other === 'numeric without precision' && cls === 'integer')
      return { k: 'cast', arg, type: { to: 'decimal', precision: 20, scale: 0 } };
    if ('other' in target) return lossy(`a cast to ${target.other} has no portable equivalent`);
    if (target.to === cls && target.to !== 'decimal') return arg;
    if (target.to === 'text' && (cls === 'integer' || cls === 'text')) return cls === 'text' ? arg : { k: 'cast', arg, type: target };
    if ((target.to === 'integer' || target.to === 'decimal') && (cls === 'integer' || cls === 'decimal')) return { k: 'cast', arg, type: target };
    if ((target.to === 'date' && cls === 'timestamp') || (target.to === 'timestamp' && cls === 'date')) return { k: 'cast', arg, type: target };
    return lossy(`a cast of ${cls} to ${name} differs between engines`);
  }

  private aExpr(v: Node): Expr {
    const op = v.name === undefined ? '' : str(v.name[0] !== undefined && v.name.length > 1 ? v.name[v.name.length - 1] : v.name[0]);
    const l = () => this.expr(v.lexpr);
    const rr = () => this.expr(v.rexpr);
    switch (v.kind) {
      case 'AEXPR_OP':
        return this.operator(op, v.lexpr === undefined ? undefined : l(), rr());
      case 'AEXPR_OP_ANY': {
        const list = v.rexpr?.TypeCast?.arg?.A_ArrayExpr?.elements ?? v.rexpr?.A_ArrayExpr?.elements;
        if (op !== '=' || list === undefined) return lossy('ANY over something other than a list of values');
        return inList(
          l(),
          list.map((e: Node) => this.expr(e)),
          false,
          this.r,
        );
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT':
        return distinct(l(), rr(), v.kind === 'AEXPR_NOT_DISTINCT', this.r);
      case 'AEXPR_NULLIF':
        return nullIf(l(), rr(), this.r);
      case 'AEXPR_IN':
        return inList(
          l(),
          v.rexpr.List.items.map((e: Node) => this.expr(e)),
          op === '<>',
          this.r,
        );
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
        return this.likeOp(v.kind === 'AEXPR_ILIKE', op.startsWith('!'), l(), rr());
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN': {
        const [lo, hi] = v.rexpr.List.items.map((e: Node) => this.expr(e)) as Expr[];
        return between(l(), lo as Expr, hi as Expr, v.kind === 'AEXPR_NOT_BETWEEN', this.r);
      }
      default:
        return lossy(`${String(v.kind).slice(6)} is not translated`);
    }
  }

  private likeOp(ci: boolean, not: boolean, arg: Expr, pattern: Expr): Expr {
    return like(arg, pattern, not, ci, this.r);
  }

  private operator(op: string, l: Expr | undefined, rr: Expr): Expr {
    if (l === undefined) {
      if (op === '-') return rr.k === 'number' ? { ...rr, text: rr.text.startsWith('-') ? rr.text.slice(1) : `-${rr.text}` } : { k: 'neg', arg: rr };
      if (op === '+') return rr;
      return lossy(`the prefix operator ${op}`);
    }
    const duck = this.r.source === 'duckdb';
    switch (op) {
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return compare(op, l, rr, this.r);
      case '!=':
        return compare('<>', l, rr, this.r);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arith(op, l, rr, this.r);
      case '//':
        if (!duck) break;
        return arith('div', l, rr, this.r);
      case '||':
        return concat([l, rr], 'propagate', this.r);
      case '~~':
      case '!~~':
      case '~~*':
      case '!~~*':
        return this.likeOp(op.endsWith('*'), op.startsWith('!'), l, rr);
      case '~':
      case '~*':
      case '!~':
      case '!~*':
        // DuckDB's `~` matches the whole string (regexp_full_match); PostgreSQL's searches within it.
        if (duck) return lossy('DuckDB’s ~ matches the whole string');
        return regex(l, rr, op.startsWith('!'), op.endsWith('*'), this.r);
    }
    return lossy(`the operator ${op} has no portable equivalent`);
  }

  private call(v: Node): Expr {
    const name = nameOf(v.funcname);
    if (v.over !== undefined) lossy('window functions');
    if (v.agg_filter !== undefined || v.agg_order !== undefined || v.agg_within_group === true) lossy('aggregate options');
    if (v.agg_star === true) {
      if (name !== 'count') lossy(`${name}(*)`);
      return { k: 'aggregate', fn: 'count', distinct: false };
    }
    return readCall(name, (v.args ?? []).map((a: Node) => this.expr(a)) as Expr[], v.agg_distinct === true, this.r);
  }
}
