import type { Column, ColumnType, Table } from '../../unified/index.js';
import type { Expr, ValueClass } from './ast.js';
import { unhandled } from '../../unified/unhandled.js';

/** A column's class, and its collation where the engine would compare text by it. */
export interface ColumnFacts {
  /** The column's name as the table spells it (SQLite and MariaDB match names case-insensitively). */
  readonly name: string;
  readonly cls: ValueClass;
  readonly collation?: string | undefined;
}

/** What the names in an expression refer to: the table's columns, or a view's FROM items. */
export interface Scope {
  column(qualifier: string | undefined, name: string): ColumnFacts | undefined;
}

export function classOfType(t: ColumnType): ValueClass {
  switch (t.kind) {
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'float':
      return 'float';
    case 'text':
    case 'enum':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'time':
      return t.tz ? 'other' : 'time';
    case 'timestamp':
      return t.tz ? 'timestamptz' : 'timestamp';
    case 'binary':
    case 'interval':
    case 'uuid':
    case 'json':
    case 'set':
    case 'vector':
    case 'spatial':
    case 'network':
    case 'bit':
    case 'user':
    case 'other':
    case 'array':
      return 'other';
    default:
      return unhandled(t);
  }
}

const factsOf = (c: Column): ColumnFacts => ({ name: c.name, cls: classOfType(c.type), collation: c.collation });

/** The columns of one table, named bare or by the table's name. */
export function tableScope(table: Table): Scope {
  const byName = new Map(table.columns.map((c) => [c.name.toLowerCase(), factsOf(c)]));
  return {
    column: (qualifier, name) => (qualifier === undefined || qualifier.toLowerCase() === table.name.toLowerCase() ? byName.get(name.toLowerCase()) : undefined),
  };
}

/** The columns of several tables, each under its alias (or name); a bare name must be unambiguous. */
export function fromScope(items: readonly { readonly alias: string; readonly table: Table }[]): Scope {
  return {
    column(qualifier, name) {
      const found = items
        .filter((i) => qualifier === undefined || i.alias.toLowerCase() === qualifier.toLowerCase())
        .flatMap((i) => i.table.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase()));
      return found.length === 1 ? factsOf(found[0] as Column) : undefined;
    },
  };
}

const NUMERIC: readonly ValueClass[] = ['integer', 'decimal', 'float'];
export const isNumeric = (c: ValueClass): boolean => NUMERIC.includes(c);

/** The class of an expression's value. */
export function classOf(e: Expr, scope: Scope): ValueClass {
  switch (e.k) {
    case 'column':
      return scope.column(e.qualifier, e.name)?.cls ?? 'other';
    case 'string':
      return 'text';
    case 'number':
      return e.integer ? 'integer' : 'decimal';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'temporal':
      return e.type;
    case 'cast':
      return e.type.to;
    case 'neg':
      return classOf(e.arg, scope);
    case 'arith': {
      if (e.op === 'div' || e.op === 'mod') return 'integer';
      const l = classOf(e.l, scope);
      const r = classOf(e.r, scope);
      if (l === 'float' || r === 'float') return 'float';
      if (l === 'decimal' || r === 'decimal') return 'decimal';
      return l === 'null' ? r : l;
    }
    case 'concat':
      return 'text';
    case 'case': {
      for (const v of [...e.whens.map((w) => w.then), ...(e.else === undefined ? [] : [e.else])]) {
        const c = classOf(v, scope);
        if (c !== 'null') return c;
      }
      return 'null';
    }
    case 'call':
      if (e.fn === 'length') return 'integer';
      if (e.fn === 'abs' || e.fn === 'round' || e.fn === 'coalesce' || e.fn === 'nullif') return e.args[0] === undefined ? 'other' : classOf(e.args[0], scope);
      return 'text';
    case 'aggregate':
      return e.fn === 'count' ? 'integer' : e.arg === undefined ? 'other' : classOf(e.arg, scope);
    case 'now':
      return e.type;
    case 'not':
    case 'and':
    case 'or':
    case 'compare':
    case 'isnull':
    case 'distinct':
    case 'like':
    case 'regex':
    case 'in':
    case 'between':
      return 'boolean';
    default:
      return unhandled(e);
  }
}
