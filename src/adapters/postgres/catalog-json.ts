/**
 * Catalog rows as one JSON value per query. The driver parses every field of every row in
 * JavaScript (arrays character by character) and builds each row object key by key: at a few
 * thousand tables, tens of thousands of rows and most of the read's CPU and garbage. Instead the
 * server aggregates a query's rows into one JSON array of arrays, which the driver parses natively
 * in one call; each array becomes the object the driver made, with the same keys in the same order
 * and the same values. Keys are not sent with every row: spelling them for each (json_agg of the
 * rows) costs the server more than parsing saves here.
 *
 * Exact only for what JSON carries exactly, which is all the catalog queries select (the catalog
 * test checks every column's type): text (and name, and "char", oid and int8 cast to text), booleans,
 * int2 and int4, arrays of these, jsonb, NULL.
 */

/** The keys of `T`. */
type Keys<T> = readonly (keyof T & string)[];

/** A catalog query and the keys of its rows, in the order they are sent. */
export interface CatalogQuery<T> {
  readonly sql: string;
  readonly keys: Keys<T>;
  /** The row of the values of `keys` in order. */
  readonly row: (values: readonly unknown[]) => T;
}

/** The query `sql` whose rows are `T`, every key of which `keys` lists (one left out does not compile). */
export const query =
  <T>() =>
  <const K extends Keys<T>>(sql: string, keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : never)): CatalogQuery<T> => ({
    sql,
    keys,
    // An object literal of its own per query, made from its constant keys: one function that assigns
    // the keys of every query in a loop sees a dozen row shapes at one place and is several times slower.
    row: new Function('v', `return { ${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')} };`) as (values: readonly unknown[]) => T,
  });

/** The statement whose single value is the JSON array of the query's rows, each the array of its keys' values. */
export const jsonRows = ({ sql, keys }: { readonly sql: string; readonly keys: readonly string[] }) =>
  `SELECT coalesce(json_agg(json_build_array(${keys.map((k) => `q."${k}"`).join(', ')})), '[]') AS rows FROM (${sql}) q`;

/** The rows of the query from the value jsonRows() gave (parsed by the driver, as json is). */
export function toRows<T>(query: CatalogQuery<T>, value: unknown): T[] {
  if (!Array.isArray(value)) throw new Error(`catalog: a query gave ${typeof value}, not an array of rows`);
  return (value as (readonly unknown[])[]).map(query.row);
}
