import { lossy, type Expr } from './ast.js';
import { concat, condition, engineName, nullIf, regex, type Reading } from './meaning.js';
import { classOf, isNumeric } from './scope.js';

/**
 * A function call as the source engine means it, in portable terms. The names are each engine's
 * own (MySQL's lcase, SQLite's iif, DuckDB's regexp_matches); a function kept here has the same
 * result everywhere for the argument classes it accepts, and anything else is refused.
 */
export function readCall(name: string, args: readonly Expr[], distinct: boolean, r: Reading): Expr {
  const { source } = r;
  const cls = args.map((a) => classOf(a, r.scope));
  const arity = (n: number) => {
    if (args.length !== n) lossy(`${name} with ${args.length} arguments`);
  };
  const positive = (e: Expr | undefined) => e?.k === 'number' && e.integer && !e.text.startsWith('-') && e.text !== '0';
  if (distinct && !['count', 'sum', 'min', 'max'].includes(name)) lossy(`${name}(DISTINCT …)`);
  switch (name) {
    case 'now':
    case 'current_timestamp':
    case 'localtimestamp':
    case 'transaction_timestamp':
      return { k: 'now', type: 'timestamp', digits: nowDigits(args) };
    case 'curdate':
    case 'current_date':
    case 'today':
      arity(0);
      return { k: 'now', type: 'date' };
    case 'date':
    case 'datetime':
      // SQLite's date('now') and datetime('now').
      if (source === 'sqlite' && args.length === 1 && args[0]?.k === 'string' && args[0].value === 'now')
        return { k: 'now', type: name === 'date' ? 'date' : 'timestamp' };
      break;
    case 'lower':
    case 'lcase':
    case 'upper':
    case 'ucase':
      arity(1);
      if (source === 'sqlite') lossy("SQLite's lower() and upper() change ASCII letters only");
      if (cls[0] !== 'text') lossy(`${name} of a ${cls[0]} value`);
      return { k: 'call', fn: name === 'lower' || name === 'lcase' ? 'lower' : 'upper', args };
    case 'length':
    case 'char_length':
    case 'character_length':
      arity(1);
      if (source === 'mysql' && name === 'length') lossy("MySQL's length() counts bytes");
      if (cls[0] !== 'text') lossy(`${name} of a ${cls[0]} value`);
      return { k: 'call', fn: 'length', args };
    case 'trim':
    case 'btrim':
      arity(1);
      if (cls[0] !== 'text') lossy(`${name} of a ${cls[0]} value`);
      return { k: 'call', fn: 'trim', args };
    case 'abs':
      arity(1);
      if (!isNumeric(cls[0] ?? 'other')) lossy(`abs of a ${cls[0]} value`);
      return { k: 'call', fn: 'abs', args };
    case 'round':
      if (source === 'sqlite') lossy("SQLite's round() works in floating point");
      if (cls[0] !== 'integer' && cls[0] !== 'decimal') lossy('round of a floating-point value (engines round halves differently)');
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
      return nullIf(args[0] as Expr, args[1] as Expr, r);
    case 'concat':
      // MariaDB's CONCAT() is NULL when any argument is; PostgreSQL's, SQLite's and DuckDB's skip NULLs.
      return concat(args, source === 'mysql' ? 'propagate' : 'skip', r);
    case 'concat_ws':
      if (source !== 'mysql' || args[0]?.k !== 'string' || args[0].value !== '') break;
      return concat(args.slice(1), 'skip', r);
    case 'if':
    case 'iif':
      if (source !== 'mysql' && source !== 'sqlite') break;
      arity(3);
      return { k: 'case', whens: [{ when: condition(args[0] as Expr, r), then: args[1] as Expr }], else: args[2] };
    case 'regexp_matches':
      // DuckDB's search (RE2), which reads the portable subset as PostgreSQL's ~ does.
      if (source !== 'duckdb') break;
      arity(2);
      return regex(args[0] as Expr, args[1] as Expr, false, false, r);
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      arity(1);
      if ((name === 'min' || name === 'max') && cls[0] === 'text') lossy(`${name} of text depends on the collation`);
      if (name === 'sum' && !isNumeric(cls[0] ?? 'other')) lossy(`sum of ${cls[0]}`);
      if (name === 'sum' && source === 'sqlite' && cls[0] !== 'integer') lossy('SQLite sums decimals in floating point');
      return { k: 'aggregate', fn: name, arg: args[0], distinct };
  }
  return lossy(`${engineName(source)}'s ${name}() has no equivalent redb knows`);
}

/** The fractional digits of `current_timestamp(3)`: a whole number from 0 to 6, as every engine that takes one allows. */
export function nowDigits(args: readonly Expr[]): number | undefined {
  if (args.length === 0) return undefined;
  const [a] = args;
  if (args.length > 1 || a?.k !== 'number' || !/^[0-6]$/.test(a.text)) return lossy('a current time with fractional digits not from 0 to 6');
  return Number(a.text);
}
