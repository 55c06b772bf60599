/**
 * Reading the CREATE text DuckDB prints back (duckdb_tables().sql, duckdb_indexes().sql, ...) for
 * what its catalog functions do not report. DuckDB's quoting is a subset of what the SQLite
 * tokenizer reads, so that tokenizer is reused rather than copied.
 */
import { isPunct, tokenize, TokenCursor } from '../sql-tokens.js';

export interface ParsedColumn {
  readonly generated?: string | undefined;
  readonly collation?: string | undefined;
}

const TABLE_CONSTRAINTS = ['CHECK', 'UNIQUE', 'PRIMARY', 'FOREIGN', 'CONSTRAINT'];

/** Change over one top-level clause, stopping at a `,` or the closing `)`; parentheses are skipped whole. */
function skipClause(c: TokenCursor, inspect: (c: TokenCursor) => boolean): void {
  while (!c.done() && !c.at(',') && !c.at(')')) {
    if (inspect(c)) continue;
    if (c.at('(')) c.parenthesized();
    else c.next();
  }
}

/** Generation expressions and collations of a table's columns, by column name. */
export function parseCreateTable(sql: string): Map<string, ParsedColumn> {
  const c = new TokenCursor(sql, tokenize(sql));
  const out = new Map<string, ParsedColumn>();
  c.expect('CREATE');
  c.accept('TEMP') || c.accept('TEMPORARY');
  c.expect('TABLE');
  c.qualifiedName();
  c.expect('(');
  do {
    const t = c.peek();
    // DuckDB prints a self-referencing foreign key as an empty element: `..., PRIMARY KEY(id), , ...`
    if (c.at(')')) break;
    if (c.at(',')) continue;
    if (t?.type === 'word' && TABLE_CONSTRAINTS.includes(t.value)) {
      skipClause(c, () => false);
      continue;
    }
    const name = c.name();
    let generated: string | undefined;
    let collation: string | undefined;
    skipClause(c, (cur) => {
      if (cur.accept('COLLATE')) collation = cur.name();
      else if (cur.accept('GENERATED', 'ALWAYS', 'AS')) generated = cur.parenthesized();
      else return false;
      return true;
    });
    if (generated !== undefined || collation !== undefined) out.set(name, { generated, collation });
  } while (c.accept(','));
  return out;
}

export interface ParsedIndex {
  readonly method?: string | undefined;
  readonly keys: readonly { readonly column?: string | undefined; readonly expression?: string | undefined }[];
  readonly with?: string | undefined;
}

/** `CREATE [UNIQUE] INDEX name ON [schema.]table [USING method] (keys) [WITH (options)]`. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const c = new TokenCursor(sql, tokenize(sql));
  c.expect('CREATE');
  c.accept('UNIQUE');
  c.expect('INDEX');
  c.accept('IF', 'NOT', 'EXISTS');
  c.name();
  c.expect('ON');
  c.qualifiedName();
  const method = c.accept('USING') ? c.name() : undefined;
  c.expect('(');
  const keys: { column?: string; expression?: string }[] = [];
  do {
    const start = c.pos;
    c.until((t) => isPunct(t, ','));
    const tokens = c.tokens.slice(start, c.pos);
    const only = tokens[0];
    if (tokens.length === 1 && only !== undefined && (only.type === 'ident' || only.type === 'word')) {
      keys.push({ column: only.type === 'ident' ? only.value : sql.slice(only.start, only.end) });
    } else {
      const first = tokens[0];
      const last = tokens[tokens.length - 1];
      if (first === undefined || last === undefined) throw new SyntaxError(`empty index key in ${sql}`);
      keys.push({ expression: sql.slice(first.start, last.end) });
    }
  } while (c.accept(','));
  c.expect(')');
  const options = c.accept('WITH') ? c.parenthesized() : undefined;
  return { method: method?.toLowerCase(), keys, with: options };
}

/** `CREATE VIEW name [(columns)] AS <select>`: the column list and the SELECT. */
export function parseCreateView(sql: string): { columns?: string[] | undefined; definition: string } {
  const c = new TokenCursor(sql, tokenize(sql));
  c.expect('CREATE');
  c.accept('TEMP') || c.accept('TEMPORARY');
  c.expect('VIEW');
  c.qualifiedName();
  let columns: string[] | undefined;
  if (c.accept('(')) {
    columns = [];
    do columns.push(c.name());
    while (c.accept(','));
    c.expect(')');
  }
  c.expect('AS');
  return { columns, definition: c.rest().trim().replace(/;\s*$/, '') };
}
