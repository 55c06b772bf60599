import type { ClientBase, QueryResult } from 'pg';
import { groupBy } from '../group-by.js';
import * as ix from './catalog-indexes.js';
import * as nq from './catalog-natives.js';
import * as q from './catalog-objects.js';
import * as t from './catalog-tables.js';

/**
 * The catalog rows the model is made from, sent as one string that also opens the read-only
 * snapshot: the server runs each query while the rows of the one before are still being parsed here,
 * and nothing waits on a round trip or on this process being free to send the next statement (a pull
 * sends it before loading the model, which loads while the server works). Light on purpose: only
 * SQL text and the driver's types, so that sending costs no module loading.
 */
const OPEN = [
  'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  // With no search path everything the server prints is schema-qualified (see catalog-sql.ts);
  // catalog queries are estimated costly enough to be JIT-compiled, which takes longer than running them.
  "SET LOCAL search_path = ''",
  'SET LOCAL jit = off',
];
const QUERIES = [
  q.NAMESPACES,
  q.EXTENSIONS,
  q.TYPE_INFO,
  q.USER_TYPES,
  t.RELATIONS,
  t.COLUMNS,
  t.CONSTRAINTS,
  ix.INDEXES,
  t.TRIGGERS,
  t.POLICIES,
  q.ROUTINES,
  nq.NATIVES,
];

/** Columns by relation in attribute order, and by relation and attribute number. */
function columnMaps(columns: readonly t.RawColumn[]) {
  const byRel = groupBy(columns, (c) => c.rel);
  const attributes = new Map<string, Map<number, t.RawColumn>>();
  for (const [rel, list] of byRel) {
    list.sort((a, b) => a.num - b.num);
    attributes.set(rel, new Map(list.map((c) => [c.num, c])));
  }
  return { byRel, attributes };
}

export type CatalogRows = Awaited<ReturnType<typeof sendCatalog>>;

/**
 * Open the snapshot and read the catalog in it; the transaction is left open for what depends on
 * these rows (introspect.ts), which ends it. On failure it is rolled back here.
 */
export async function sendCatalog(client: ClientBase) {
  try {
    const results = (await client.query([...OPEN, ...QUERIES].join(';\n'))) as unknown as readonly QueryResult[];
    const expected = OPEN.length + QUERIES.length;
    if (!Array.isArray(results) || results.length !== expected)
      throw new Error(`catalog: ${expected} statements gave ${Array.isArray(results) ? results.length : 1} results`);
    const rows = <T>(i: number): T[] => (results[OPEN.length + i] as QueryResult).rows as T[];
    return {
      namespaces: rows<q.RawNamespace>(0),
      extensions: rows<q.RawExtension>(1),
      typeInfo: rows<q.RawTypeInfo>(2),
      userTypes: rows<q.RawUserType>(3),
      relations: rows<t.RawRelation>(4),
      columns: columnMaps(rows<t.RawColumn>(5)),
      constraints: rows<t.RawConstraint>(6),
      indexes: rows<ix.RawIndex>(7),
      triggers: rows<t.RawTrigger>(8),
      policies: rows<t.RawPolicy>(9),
      routines: rows<q.RawRoutine>(10),
      natives: rows<nq.RawNative>(11),
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
