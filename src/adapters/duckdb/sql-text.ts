/** Quoting for DuckDB SQL text (PostgreSQL's rules). */

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"`, or `"name"` where the model carries no schema (DuckDB's `main`). */
export const qname = (o: { readonly schema?: string | undefined; readonly name: string }): string =>
  o.schema === undefined ? quoteIdent(o.name) : `${quoteIdent(o.schema)}.${quoteIdent(o.name)}`;

export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export const identList = (names: readonly string[]): string => names.map(quoteIdent).join(', ');
