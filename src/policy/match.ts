import type { MaskTable } from './mask-types.js';

/** A compiled `[schema.]table[.column]` pattern. Globs: `*` any run of characters, `?` one. */
export interface NamePattern {
  readonly text: string;
  /** Written without `*` or `?`: it names one thing, which must then exist. */
  readonly exact: boolean;
  matchesTable(table: Pick<MaskTable, 'schema' | 'name'>): boolean;
  matchesColumn(table: Pick<MaskTable, 'schema' | 'name'>, column: string): boolean;
}

const segment = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[\\^$+.()|{}[\]]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** A table without a schema (SQLite, MySQL) matches only a `*` schema part. */
const schemaMatches = (re: RegExp | undefined, schema: string | undefined) =>
  re === undefined || (schema === undefined ? re.source === '^.*$' : re.test(schema));

/**
 * `kind` says how the dotted segments read: a rule's `table.column` / `schema.table.column`, or
 * a denied table's `table` / `schema.table`.
 */
export function compilePattern(text: string, kind: 'column' | 'table'): NamePattern {
  const parts = text.split('.').map(segment);
  const column = kind === 'column' ? parts.pop() : undefined;
  const table = parts.pop() as RegExp;
  const schema = parts.pop();
  const tableMatches = (t: Pick<MaskTable, 'schema' | 'name'>) => table.test(t.name) && schemaMatches(schema, t.schema);
  return {
    text,
    exact: !/[*?]/.test(text),
    matchesTable: tableMatches,
    matchesColumn: (t, name) => column !== undefined && tableMatches(t) && column.test(name),
  };
}
