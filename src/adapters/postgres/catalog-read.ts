import type { ClientBase, QueryResult } from 'pg';
import { groupBy } from '../group-by.js';
import { catalogTypes } from './catalog-arrays.js';
import * as ix from './catalog-indexes.js';
import * as nq from './catalog-natives.js';
import * as q from './catalog-objects.js';
import * as t from './catalog-tables.js';
import { loadPg } from './load-pg.js';

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
  // Nor are they big enough to gain from parallel workers: starting them costs more than it saves,
  // and takes CPU from this process, which is parsing the rows of the query before.
  'SET LOCAL max_parallel_workers_per_gather = 0',
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
  ix.KEY_DECORATIONS,
  t.TRIGGERS,
  t.POLICIES,
  q.ROUTINES,
  nq.NATIVES,
];
// Nothing is read after the catalog: the snapshot ends in the same string, not a round trip later.
const CLOSE = ['COMMIT'];

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

/** Open the snapshot, read the catalog in it and end it, in one string. On failure it is rolled back here. */
export async function sendCatalog(client: ClientBase) {
  try {
    const text = [...OPEN, ...QUERIES, ...CLOSE].join(';\n');
    const types = catalogTypes((await loadPg()).types);
    const results = (await client.query({ text, types })) as unknown as readonly QueryResult[];
    const expected = OPEN.length + QUERIES.length + CLOSE.length;
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
      decorations: new Map(rows<ix.RawKeyDecoration>(8).map((d) => [d.signature, d])),
      triggers: rows<t.RawTrigger>(9),
      policies: rows<t.RawPolicy>(10),
      routines: rows<q.RawRoutine>(11),
      natives: rows<nq.RawNative>(12),
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
