import type { Engine, ExpressionTranslator, ExpressionUse, Table, TranslatedExpression } from '../../unified/index.js';
import { Untranslatable, type Expr, type Select } from './ast.js';
import { condition, engineName } from './meaning.js';
import { Printer } from './print.js';
import { PgReader } from './read-postgres.js';
import { SqlReader } from './read-sql.js';
import { tableScope } from './scope.js';
import { unhandled } from '../../unified/unhandled.js';

interface Reader {
  expression(text: string, table: Table, use: ExpressionUse): Expr;
  select(text: string, tables: readonly Table[]): Select;
}

/**
 * A translator of one engine's expressions into another's. PostgreSQL's parser (libpg-query, a
 * WebAssembly build) is loaded here, on the paths that translate, never at start-up.
 */
export async function loadExpressionTranslator(from: Engine, to: Engine): Promise<ExpressionTranslator> {
  const reader = await loadReader(from);
  const read = <T>(what: () => T, print: (value: T) => string): TranslatedExpression => {
    try {
      return { sql: print(what()) };
    } catch (e) {
      if (e instanceof Untranslatable) return { loss: e.reason };
      // The source engine wrote it, so text the parser rejects is syntax of that engine's own (DuckDB's lists, say).
      if (e instanceof Error && e.name === 'SqlError') return { loss: `${engineName(from)} syntax redb cannot read (${e.message.split('\n')[0] ?? ''})` };
      throw e;
    }
  };
  return {
    expression(text, use, table) {
      if (reader === undefined) return { loss: `${engineName(from)} expressions are not translated` };
      const scope = tableScope(table);
      return read(
        () => {
          const e = reader.expression(text, table, use);
          return use === 'check' || use === 'where' ? condition(e, { source: from, scope }) : e;
        },
        (e) => new Printer({ target: to, scope }).expr(e),
      );
    },
    view(definition, tables, namespace) {
      if (reader === undefined) return { loss: `${engineName(from)} views are not translated` };
      return read(
        () => reader.select(definition, tables),
        (s) => new Printer({ target: to, scope: s.scope, namespace }).select(s),
      );
    },
  };
}

async function loadReader(from: Engine): Promise<Reader | undefined> {
  switch (from) {
    case 'postgres':
    case 'duckdb': {
      const pg = await import('libpg-query');
      await pg.loadModule();
      const r = new PgReader(pg.parseSync, from);
      return { expression: (text, table, use) => r.expression(text, tableScope(table), use === 'default'), select: (text, tables) => r.select(text, tables) };
    }
    case 'mysql':
    case 'sqlite': {
      const r = new SqlReader(from);
      return { expression: (text, table) => r.expression(text, tableScope(table)), select: (text, tables) => r.select(text, tables) };
    }
    case 'mongodb':
      return undefined;
    default:
      return unhandled(from);
  }
}
