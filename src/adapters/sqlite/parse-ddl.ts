import type { FkAction, OnConflict } from '../../unified/index.js';
import { TokenCursor, isPunct, isWord, tokenize, type Token } from '../sql-tokens.js';

/**
 * Parsers for what SQLite keeps only as CREATE text: constraint names, CHECK expressions, collations,
 * generated columns, AUTOINCREMENT, expression index keys, partial index predicates, view bodies.
 */

export interface ParsedReference {
  readonly table: string;
  readonly columns: readonly string[];
  readonly onDelete?: FkAction | undefined;
  readonly onUpdate?: FkAction | undefined;
  readonly match?: 'full' | 'partial' | 'simple' | undefined;
  readonly deferrable?: boolean | undefined;
  readonly initiallyDeferred?: boolean | undefined;
}

export type ParsedConstraint =
  | {
      readonly kind: 'primary' | 'unique';
      readonly name?: string | undefined;
      readonly columns: readonly string[];
      /** Per-part order and collation, one per column; absent when every part is plain. */
      readonly keys?: readonly KeyOptions[] | undefined;
      readonly onConflict?: OnConflict | undefined;
    }
  | { readonly kind: 'check'; readonly name?: string | undefined; readonly expression: string }
  | { readonly kind: 'foreign'; readonly name?: string | undefined; readonly columns: readonly string[]; readonly references: ParsedReference };

export interface ParsedColumn {
  readonly name: string;
  readonly collation?: string | undefined;
  readonly generated?: string | undefined;
  readonly autoIncrement: boolean;
  readonly notNullOnConflict?: OnConflict | undefined;
}

export interface ParsedTable {
  readonly columns: readonly ParsedColumn[];
  /** Column constraints are lifted to table level: the model has one place for each kind. */
  readonly constraints: readonly ParsedConstraint[];
}

const COLUMN_CONSTRAINT_START = ['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS', 'ON'];
const TABLE_CONSTRAINT_START = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'];

function parseAction(c: TokenCursor): FkAction | undefined {
  if (c.accept('SET', 'NULL')) return 'set null';
  if (c.accept('SET', 'DEFAULT')) return 'set default';
  if (c.accept('CASCADE')) return 'cascade';
  if (c.accept('RESTRICT')) return 'restrict';
  c.expect('NO', 'ACTION');
  return undefined; // NO ACTION is the default: canonical form leaves it out
}

export interface KeyOptions {
  readonly column: string;
  readonly desc?: true | undefined;
  readonly collation?: string | undefined;
}

interface KeyPart extends KeyOptions {
  /** `PRIMARY KEY (id AUTOINCREMENT)`, the table-constraint spelling. */
  readonly autoIncrement: boolean;
}

/** `(a, b COLLATE NOCASE DESC, ...)`: names with their collation and order. */
function keyParts(c: TokenCursor): KeyPart[] {
  c.expect('(');
  const parts: KeyPart[] = [];
  do {
    const column = c.name();
    const collation = c.accept('COLLATE') ? c.name() : undefined;
    const desc = c.accept('DESC') ? true : undefined;
    if (desc === undefined) c.accept('ASC');
    parts.push({ column, desc, collation, autoIncrement: c.accept('AUTOINCREMENT') });
  } while (c.accept(','));
  c.expect(')');
  return parts;
}

/** A key constraint from its parts; `keys` only when some part is more than a column name. */
function keyConstraint(kind: 'primary' | 'unique', name: string | undefined, parts: readonly KeyPart[], onConflict: OnConflict | undefined): ParsedConstraint {
  const plain = parts.every((p) => p.desc === undefined && p.collation === undefined);
  const keys = plain ? undefined : parts.map(({ column, desc, collation }) => ({ column, desc, collation }));
  return { kind, name, columns: parts.map((p) => p.column), keys, onConflict };
}

const nameList = (c: TokenCursor): string[] => keyParts(c).map((p) => p.column);

function parseReference(c: TokenCursor): ParsedReference {
  const table = c.qualifiedName();
  const columns = c.at('(') ? nameList(c) : [];
  let onDelete: FkAction | undefined;
  let onUpdate: FkAction | undefined;
  let match: ParsedReference['match'];
  let deferrable: boolean | undefined;
  let initiallyDeferred: boolean | undefined;
  for (;;) {
    if (c.accept('ON', 'DELETE')) onDelete = parseAction(c);
    else if (c.accept('ON', 'UPDATE')) onUpdate = parseAction(c);
    else if (c.accept('MATCH')) {
      const m = c.name().toLowerCase();
      match = m === 'full' || m === 'partial' ? m : undefined;
    } else if (c.accept('NOT', 'DEFERRABLE')) {
      deferrable = undefined;
      if (c.accept('INITIALLY', 'DEFERRED') || c.accept('INITIALLY', 'IMMEDIATE')) initiallyDeferred = undefined;
    } else if (c.accept('DEFERRABLE')) {
      deferrable = true;
      if (c.accept('INITIALLY', 'DEFERRED')) initiallyDeferred = true;
      else c.accept('INITIALLY', 'IMMEDIATE');
    } else break;
  }
  return { table, columns, onDelete, onUpdate, match, deferrable, initiallyDeferred };
}

/** `ON CONFLICT <resolution>`; ABORT is the default, so it reads as no clause. */
function conflictClause(c: TokenCursor): OnConflict | undefined {
  if (!c.accept('ON', 'CONFLICT')) return undefined;
  const resolution = c.name().toLowerCase();
  if (resolution === 'abort') return undefined;
  if (resolution === 'rollback' || resolution === 'fail' || resolution === 'ignore' || resolution === 'replace') return resolution;
  throw new SyntaxError(`unknown ON CONFLICT resolution '${resolution}'`);
}

function parseColumn(c: TokenCursor, constraints: ParsedConstraint[]): ParsedColumn {
  const name = c.name();
  c.until((t) => isPunct(t, ',') || (t.type === 'word' && COLUMN_CONSTRAINT_START.includes(t.value)));
  let collation: string | undefined;
  let generated: string | undefined;
  let autoIncrement = false;
  let notNullOnConflict: OnConflict | undefined;
  let pending: string | undefined;
  while (!c.done() && !c.at(',') && !c.at(')')) {
    if (c.accept('CONSTRAINT')) {
      pending = c.name();
      continue;
    }
    const constraintName = pending;
    pending = undefined;
    if (c.accept('PRIMARY', 'KEY')) {
      const desc = c.accept('DESC');
      if (!desc) c.accept('ASC');
      const onConflict = conflictClause(c);
      if (c.accept('AUTOINCREMENT')) autoIncrement = true;
      constraints.push({ kind: 'primary', name: constraintName, columns: [name], keys: desc ? [{ column: name, desc: true }] : undefined, onConflict });
    } else if (c.accept('NOT', 'NULL')) {
      notNullOnConflict = conflictClause(c);
    } else if (c.accept('NULL')) {
      conflictClause(c); // a NULL "constraint" allows what is allowed anyway: its clause never fires
    } else if (c.accept('UNIQUE')) {
      constraints.push({ kind: 'unique', name: constraintName, columns: [name], onConflict: conflictClause(c) });
    } else if (c.accept('CHECK')) {
      constraints.push({ kind: 'check', name: constraintName, expression: c.parenthesized() });
    } else if (c.accept('DEFAULT')) {
      // The value comes from PRAGMA table_xinfo; here it only has to be stepped over.
      if (c.at('(')) c.parenthesized();
      else {
        if (c.accept('-') || c.accept('+')) c.next();
        else c.next();
      }
    } else if (c.accept('COLLATE')) {
      collation = c.name();
    } else if (c.accept('REFERENCES')) {
      constraints.push({ kind: 'foreign', name: constraintName, columns: [name], references: parseReference(c) });
    } else if (c.accept('GENERATED', 'ALWAYS', 'AS') || c.accept('AS')) {
      generated = c.parenthesized();
      c.accept('STORED') || c.accept('VIRTUAL');
    } else {
      throw new SyntaxError(`unexpected '${c.rest().slice(0, 30)}' in column ${name}`);
    }
  }
  return { name, collation, generated, autoIncrement, notNullOnConflict };
}

/** Returns the columns a table-level primary key marks AUTOINCREMENT. */
function parseTableConstraint(c: TokenCursor, constraints: ParsedConstraint[]): string[] {
  const name = c.accept('CONSTRAINT') ? c.name() : undefined;
  if (c.accept('PRIMARY', 'KEY')) {
    const parts = keyParts(c);
    constraints.push(keyConstraint('primary', name, parts, conflictClause(c)));
    return parts.filter((p) => p.autoIncrement).map((p) => p.column);
  } else if (c.accept('UNIQUE')) {
    const parts = keyParts(c);
    constraints.push(keyConstraint('unique', name, parts, conflictClause(c)));
  } else if (c.accept('CHECK')) {
    constraints.push({ kind: 'check', name, expression: c.parenthesized() });
  } else if (c.accept('FOREIGN', 'KEY')) {
    const columns = nameList(c);
    c.expect('REFERENCES');
    constraints.push({ kind: 'foreign', name, columns, references: parseReference(c) });
  } else {
    throw new SyntaxError(`unexpected '${c.rest().slice(0, 30)}' in table constraints`);
  }
  return [];
}

function skipCreate(c: TokenCursor, object: string): void {
  c.expect('CREATE');
  c.accept('TEMP') || c.accept('TEMPORARY');
  c.accept('UNIQUE');
  c.expect(object);
  c.accept('IF', 'NOT', 'EXISTS');
  c.qualifiedName();
}

export function parseCreateTable(sql: string): ParsedTable {
  const c = new TokenCursor(sql, tokenize(sql));
  skipCreate(c, 'TABLE');
  const columns: ParsedColumn[] = [];
  const constraints: ParsedConstraint[] = [];
  const autoIncrement = new Set<string>();
  if (c.accept('AS')) return { columns, constraints }; // CREATE TABLE ... AS SELECT: columns come from the pragma
  c.expect('(');
  do {
    const t = c.peek();
    if (t !== undefined && t.type === 'word' && TABLE_CONSTRAINT_START.includes(t.value) && !isColumnNamed(c)) {
      for (const name of parseTableConstraint(c, constraints)) autoIncrement.add(name);
    } else {
      columns.push(parseColumn(c, constraints));
    }
  } while (c.accept(','));
  c.expect(')');
  return { columns: columns.map((col) => (autoIncrement.has(col.name) ? { ...col, autoIncrement: true } : col)), constraints };
}

/** `CONSTRAINT`, `PRIMARY`, ... may also be column names; a column name is followed by a type or a comma. */
function isColumnNamed(c: TokenCursor): boolean {
  const t = c.peek() as Token;
  const next = c.peek(1);
  if (t.value === 'CONSTRAINT') return next !== undefined && (isPunct(next, ',') || isWord(next, 'INTEGER', 'TEXT', 'REAL', 'BLOB', 'NUMERIC'));
  if (t.value === 'PRIMARY' || t.value === 'FOREIGN') return !(next !== undefined && isWord(next, 'KEY'));
  return next !== undefined && !isPunct(next, '(');
}

export interface ParsedIndexKey {
  readonly column?: string | undefined;
  readonly expression?: string | undefined;
  readonly desc?: boolean | undefined;
  readonly collation?: string | undefined;
}

export interface ParsedIndex {
  readonly unique: boolean;
  readonly keys: readonly ParsedIndexKey[];
  readonly where?: string | undefined;
}

export function parseCreateIndex(sql: string): ParsedIndex {
  const c = new TokenCursor(sql, tokenize(sql));
  const unique = c.at('CREATE', 'UNIQUE');
  skipCreate(c, 'INDEX');
  c.expect('ON');
  c.qualifiedName();
  c.expect('(');
  const keys: ParsedIndexKey[] = [];
  do {
    const start = c.pos;
    c.until((t) => isPunct(t, ','));
    keys.push(parseIndexKey(sql, c.tokens.slice(start, c.pos)));
  } while (c.accept(','));
  c.expect(')');
  const where = c.accept('WHERE') ? c.until(() => false) : undefined;
  return { unique, keys, where };
}

function parseIndexKey(sql: string, tokens: readonly Token[]): ParsedIndexKey {
  let end = tokens.length;
  let desc: boolean | undefined;
  let collation: string | undefined;
  const last = tokens[end - 1];
  if (last !== undefined && isWord(last, 'ASC', 'DESC')) {
    desc = last.value === 'DESC' ? true : undefined;
    end--;
  }
  const beforeName = tokens[end - 2];
  const collName = tokens[end - 1];
  if (beforeName !== undefined && collName !== undefined && isWord(beforeName, 'COLLATE')) {
    collation = collName.type === 'ident' ? collName.value : sql.slice(collName.start, collName.end);
    end -= 2;
  }
  const body = tokens.slice(0, end);
  const only = body[0];
  if (body.length === 1 && only !== undefined && (only.type === 'ident' || only.type === 'word')) {
    return { column: only.type === 'ident' ? only.value : sql.slice(only.start, only.end), desc, collation };
  }
  const first = body[0];
  const lastBody = body[body.length - 1];
  if (first === undefined || lastBody === undefined) throw new SyntaxError('empty index key');
  return { expression: sql.slice(first.start, lastBody.end), desc, collation };
}

export interface ParsedView {
  readonly columns?: readonly string[] | undefined;
  readonly definition: string;
}

export function parseCreateView(sql: string): ParsedView {
  const c = new TokenCursor(sql, tokenize(sql));
  skipCreate(c, 'VIEW');
  const columns = c.at('(') ? nameList(c) : undefined;
  c.expect('AS');
  const definition = c.rest().trim().replace(/;\s*$/, '');
  return { columns, definition };
}
