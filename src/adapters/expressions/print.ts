import type { Engine } from '../../unified/index.js';
import { lossy, type CastType, type Expr, type FromItem, type Select } from './ast.js';
import { manifestOf } from '../registry.js';
import { engineName } from './meaning.js';
import { endAnchorsToZ } from './regex.js';
import { classOf, type Scope } from './scope.js';
import { unhandled } from '../../unified/unhandled.js';

/**
 * The portable form written in one engine's SQL. Every compound part is parenthesised, so the
 * engines' different precedences (SQLite binds `||` above `*`) cannot regroup it.
 */
export interface Printing {
  readonly target: Engine;
  readonly scope: Scope;
  /** The target's namespace for a source table's schema (views only). */
  readonly namespace?: (schema: string | undefined) => string | undefined;
}

export function quoteIdent(target: Engine, name: string): string {
  return target === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

export function quoteString(target: Engine, value: string): string {
  const doubled = value.replaceAll("'", "''");
  return `'${target === 'mysql' ? doubled.replaceAll('\\', '\\\\') : doubled}'`;
}

/** Byte-wise, no-pad comparison: what `=` on text means in PostgreSQL, SQLite and DuckDB. */
const MYSQL_BINARY = 'utf8mb4_nopad_bin';

export class Printer {
  constructor(private readonly p: Printing) {}

  private get to(): Engine {
    return this.p.target;
  }

  private q(name: string): string {
    return quoteIdent(this.to, name);
  }

  private s(value: string): string {
    return quoteString(this.to, value);
  }

  /** A part inside an operator, parenthesised unless it is atomic. */
  private sub(e: Expr): string {
    const text = this.expr(e);
    return ['column', 'string', 'number', 'boolean', 'null', 'temporal', 'call', 'aggregate', 'now', 'cast'].includes(e.k) &&
      !(e.k === 'number' && e.text.startsWith('-'))
      ? text
      : `(${text})`;
  }

  /** On MySQL a text operand is compared byte-wise, as the other engines compare it. */
  private textSide(e: Expr): string {
    if (this.to !== 'mysql' || classOf(e, this.p.scope) !== 'text') return this.sub(e);
    return `${this.sub(e)} COLLATE ${MYSQL_BINARY}`;
  }

  expr(e: Expr): string {
    const to = this.to;
    switch (e.k) {
      case 'column':
        return e.qualifier === undefined ? this.q(e.name) : `${this.q(e.qualifier)}.${this.q(e.name)}`;
      case 'string':
        return this.s(e.value);
      case 'number':
        return e.text;
      case 'boolean':
        return e.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'temporal': {
        if (to === 'sqlite') return this.s(e.value);
        const word = e.type.toUpperCase();
        return to === 'mysql' ? `${word}'${e.value}'` : `${word} '${e.value}'`;
      }
      case 'cast':
        return this.cast(e.arg, e.type);
      case 'not':
        return `NOT ${this.sub(e.arg)}`;
      case 'neg':
        return `-${this.sub(e.arg)}`;
      case 'and':
      case 'or':
        return e.args.map((a) => this.sub(a)).join(e.k === 'and' ? ' AND ' : ' OR ');
      case 'compare':
        return `${this.textSide(e.l)} ${e.op} ${this.sub(e.r)}`;
      case 'arith':
        return this.arith(e);
      case 'concat':
        return this.concat(e.nulls === 'skip' ? e.args.map((a) => ({ k: 'call', fn: 'coalesce', args: [a, { k: 'string', value: '' }] }) as Expr) : e.args);
      case 'isnull':
        return `${this.sub(e.arg)} IS ${e.not ? 'NOT ' : ''}NULL`;
      case 'distinct':
        if (to === 'mysql') return e.not ? `${this.textSide(e.l)} <=> ${this.sub(e.r)}` : `NOT (${this.textSide(e.l)} <=> ${this.sub(e.r)})`;
        return `${this.sub(e.l)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${this.sub(e.r)}`;
      case 'like':
        return this.like(e);
      case 'regex':
        return this.regex(e);
      case 'in':
        return `${this.textSide(e.arg)} ${e.not ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')})`;
      case 'between':
        return `${this.sub(e.arg)} ${e.not ? 'NOT ' : ''}BETWEEN ${this.sub(e.lo)} AND ${this.sub(e.hi)}`;
      case 'case': {
        const operand = e.operand === undefined ? '' : ` ${this.textSide(e.operand)}`;
        const whens = e.whens.map((w) => ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join('');
        return `CASE${operand}${whens}${e.else === undefined ? '' : ` ELSE ${this.expr(e.else)}`} END`;
      }
      case 'call':
        return this.call(e);
      case 'aggregate':
        if (e.arg === undefined) return 'count(*)';
        if (e.fn === 'sum' && to === 'sqlite' && classOf(e.arg, this.p.scope) !== 'integer') lossy('SQLite sums decimals in floating point');
        return `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${this.expr(e.arg)})`;
      case 'now':
        return e.digits === undefined ? manifestOf(to).now[e.type] : this.nowDigits(e.digits);
    }
  }

  /**
   * The current time kept to some fractional digits. PostgreSQL and MariaDB/MySQL take the digits as
   * written; SQLite's CURRENT_TIMESTAMP keeps whole seconds and its strftime('%f') milliseconds;
   * DuckDB's current time keeps microseconds.
   */
  private nowDigits(digits: number): string {
    switch (this.to) {
      case 'postgres':
        return `CURRENT_TIMESTAMP(${digits})`;
      case 'mysql':
        return `current_timestamp(${digits})`;
      case 'sqlite':
        if (digits === 0) return 'CURRENT_TIMESTAMP';
        if (digits === 3) return "strftime('%Y-%m-%d %H:%M:%f', 'now')";
        return lossy(`SQLite keeps the current time to whole seconds or milliseconds, not ${digits} digits`);
      case 'duckdb':
        if (digits === 6) return 'CURRENT_TIMESTAMP';
        return lossy(`DuckDB keeps the current time to microseconds, not ${digits} digits`);
      default:
        return lossy(`the current time to ${digits} digits on ${engineName(this.to)}`);
    }
  }

  private cast(arg: Expr, type: CastType): string {
    const to = this.to;
    const a = this.expr(arg);
    switch (type.to) {
      case 'integer':
        if (to === 'sqlite') lossy("SQLite's CAST to INTEGER truncates where other engines round");
        return `CAST(${a} AS ${to === 'mysql' ? 'SIGNED' : to === 'duckdb' ? 'BIGINT' : 'bigint'})`;
      case 'decimal':
        if (to === 'sqlite') lossy('SQLite keeps decimals in floating point');
        if (to === 'duckdb' && type.precision > 38) lossy(`DuckDB's decimals hold 38 digits at most, not ${type.precision}`);
        if (to === 'mysql' && type.precision > 65) lossy(`MySQL's decimals hold 65 digits at most, not ${type.precision}`);
        return `CAST(${a} AS ${to === 'postgres' ? 'numeric' : 'DECIMAL'}(${type.precision},${type.scale}))`;
      case 'text':
        return `CAST(${a} AS ${to === 'mysql' ? 'CHAR' : to === 'duckdb' ? 'VARCHAR' : to === 'sqlite' ? 'TEXT' : 'text'})`;
      case 'date':
        return to === 'sqlite' ? `date(${a})` : `CAST(${a} AS ${to === 'postgres' ? 'date' : 'DATE'})`;
      case 'timestamp':
        if (to === 'sqlite') lossy('SQLite keeps timestamps as text');
        return `CAST(${a} AS ${to === 'mysql' ? 'DATETIME' : to === 'duckdb' ? 'TIMESTAMP' : 'timestamp'})`;
    }
  }

  private arith(e: Extract<Expr, { k: 'arith' }>): string {
    const to = this.to;
    if (to === 'sqlite' && (e.op === '+' || e.op === '-' || e.op === '*') && [e.l, e.r].some((x) => classOf(x, this.p.scope) === 'decimal'))
      lossy('SQLite computes decimals in binary floating point');
    const op = e.op === 'div' ? (to === 'mysql' ? 'DIV' : to === 'duckdb' ? '//' : '/') : e.op === 'mod' ? '%' : e.op;
    return `${this.sub(e.l)} ${op} ${this.sub(e.r)}`;
  }

  private concat(args: readonly Expr[]): string {
    if (this.to === 'mysql') return `CONCAT(${args.map((a) => this.expr(a)).join(', ')})`;
    // PostgreSQL has no integer || integer; text on either side makes the other text, as MySQL's CONCAT does.
    return args.map((a) => (classOf(a, this.p.scope) === 'integer' ? this.cast(a, { to: 'text' }) : this.sub(a))).join(' || ');
  }

  private like(e: Extract<Expr, { k: 'like' }>): string {
    const not = e.not ? 'NOT ' : '';
    switch (this.to) {
      case 'postgres':
      case 'duckdb':
        return `${this.sub(e.arg)} ${not}${e.ci ? 'ILIKE' : 'LIKE'} ${this.s(e.pattern)}`;
      case 'mysql':
        if (e.ci) return `LOWER(${this.expr(e.arg)}) COLLATE utf8mb4_bin ${not}LIKE LOWER(${this.s(e.pattern)})`;
        return `${this.sub(e.arg)} COLLATE utf8mb4_bin ${not}LIKE ${this.s(e.pattern)}`;
      case 'sqlite': {
        // SQLite's LIKE ignores ASCII case; GLOB is the case-sensitive match, with its own wildcards.
        if (e.ci) lossy("SQLite's LIKE ignores the case of ASCII letters only");
        const pattern = [...e.pattern].map((c) => (c === '%' ? '*' : c === '_' ? '?' : c === '*' || c === '?' || c === '[' ? `[${c}]` : c)).join('');
        return `${this.sub(e.arg)} ${not}GLOB ${this.s(pattern)}`;
      }
      case 'mongodb':
        return lossy(`LIKE on ${engineName(this.to)}`);
      default:
        return unhandled(this.to);
    }
  }

  private regex(e: Extract<Expr, { k: 'regex' }>): string {
    switch (this.to) {
      case 'postgres':
        return `${this.sub(e.arg)} ${e.not ? '!' : ''}~${e.ci ? '*' : ''} ${this.s(e.pattern)}`;
      case 'mysql': {
        // PCRE: `.` must match newlines and `$` only the very end, as in PostgreSQL.
        const m = `${this.sub(e.arg)} REGEXP ${this.s(`(?s${e.ci ? 'i' : '-i'})${endAnchorsToZ(e.pattern)}`)}`;
        return e.not ? `NOT (${m})` : m;
      }
      case 'duckdb': {
        const m = `regexp_matches(${this.expr(e.arg)}, ${this.s(`(?s${e.ci ? 'i' : ''})${e.pattern}`)})`;
        return e.not ? `NOT ${m}` : m;
      }
      case 'sqlite':
      case 'mongodb':
        return lossy(`${engineName(this.to)} has no regular-expression match`);
      default:
        return unhandled(this.to);
    }
  }

  private call(e: Extract<Expr, { k: 'call' }>): string {
    const to = this.to;
    const args = e.args.map((a) => this.expr(a));
    switch (e.fn) {
      case 'lower':
      case 'upper':
        if (to === 'sqlite') lossy(`SQLite's ${e.fn}() changes ASCII letters only`);
        return `${e.fn.toUpperCase()}(${args.join(', ')})`;
      case 'length':
        return `${to === 'mysql' ? 'CHAR_LENGTH' : 'length'}(${args.join(', ')})`;
      case 'round': {
        const [x, digits] = e.args;
        if (x !== undefined && classOf(x, this.p.scope) === 'integer') {
          if (digits?.k === 'number' && digits.text.startsWith('-')) lossy('round to tens or more');
          return this.expr(x);
        }
        if (to === 'sqlite') lossy("SQLite's round() works in floating point");
        return `round(${args.join(', ')})`;
      }
      case 'substr':
        return `${to === 'mysql' ? 'SUBSTRING' : 'substr'}(${args.join(', ')})`;
      case 'trim':
        return `${to === 'postgres' ? 'btrim' : to === 'mysql' ? 'TRIM' : 'trim'}(${args.join(', ')})`;
      case 'nullif':
        return `NULLIF(${e.args[0] === undefined ? '' : this.textSide(e.args[0])}, ${args[1] ?? ''})`;
      case 'coalesce':
        return `COALESCE(${args.join(', ')})`;
      case 'abs':
      case 'replace':
        return `${e.fn}(${args.join(', ')})`;
    }
  }

  select(s: Select): string {
    if (s.scope !== this.p.scope) return new Printer({ ...this.p, scope: s.scope }).select(s);
    const cols = s.columns.map((c) => `${this.expr(c.expr)} AS ${this.q(c.name)}`).join(', ');
    const parts = [`SELECT ${s.distinct ? 'DISTINCT ' : ''}${cols}`];
    if (s.from.length > 0) parts.push(`FROM ${s.from.map((f) => this.from(f)).join(', ')}`);
    if (s.where !== undefined) parts.push(`WHERE ${this.expr(s.where)}`);
    if (s.groupBy.length > 0) parts.push(`GROUP BY ${s.groupBy.map((g) => this.expr(g)).join(', ')}`);
    if (s.having !== undefined) parts.push(`HAVING ${this.expr(s.having)}`);
    return [parts.join(' '), ...s.union.map((u) => `UNION ${u.all ? 'ALL ' : ''}${this.select(u.select)}`)].join(' ');
  }

  private from(f: FromItem): string {
    if (f.k === 'table') {
      const schema = this.p.namespace?.(f.table.schema);
      const name = `${schema === undefined ? '' : `${this.q(schema)}.`}${this.q(f.table.name)}`;
      return f.table.alias === undefined ? name : `${name} AS ${this.q(f.table.alias)}`;
    }
    const join = f.type === 'left' ? 'LEFT JOIN' : f.type === 'cross' ? 'CROSS JOIN' : 'JOIN';
    return `${this.from(f.left)} ${join} ${this.from(f.right)}${f.on === undefined ? '' : ` ON ${this.expr(f.on)}`}`;
  }
}
