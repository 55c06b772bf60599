import type { ClientBase, QueryResult } from 'pg';
import { groupBy } from '../group-by.js';
import * as ix from './catalog-indexes.js';
import { type CatalogQuery, jsonRows, query, toRows } from './catalog-json.js';
import * as nq from './catalog-natives.js';
import * as q from './catalog-objects.js';
import * as t from './catalog-tables.js';

/**
 * The catalog rows the model is made from, sent as one string that also opens the read-only
 * snapshot: the server runs each query while the rows of the one before are still being parsed here,
 * and nothing waits on a round trip or on this process being free to send the next statement (a pull
 * sends it before loading the model, which loads while the server works). Light on purpose: only
 * SQL text, so that sending costs no module loading. Each query's rows come as one JSON value
 * (catalog-json.ts).
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
/** Each query with the keys of its rows, in order (see catalog-json.ts). */
// biome-ignore format: a key a line would make this five times as long
export const QUERIES = {
  namespaces: query<q.RawNamespace>()(q.NAMESPACES, ['name', 'comment']),
  extensions: query<q.RawExtension>()(q.EXTENSIONS, ['name', 'schema']),
  typeInfo: query<q.RawTypeInfo>()(q.TYPE_INFO, ['oid', 'name', 'schema', 'typtype', 'category', 'elem']),
  userTypes: query<q.RawUserType>()(q.USER_TYPES, [
    'oid', 'schema', 'name', 'typtype', 'comment', 'labels', 'base_oid', 'base_native', 'ndims', 'not_null', 'default_expr', 'collation', 'relid',
    'range_subtype', 'range_opclass', 'range_collation', 'range_canonical', 'range_diff', 'range_multirange',
  ]),
  relations: query<t.RawRelation>()(t.RELATIONS, [
    'oid', 'schema', 'name', 'kind', 'persistence', 'reloptions', 'rls', 'force_rls', 'partkey', 'bound', 'parent_schema', 'parent_name', 'inherits',
    'viewdef', 'comment', 'seq_type', 'seq_start', 'seq_increment', 'seq_min', 'seq_max', 'seq_cache', 'seq_cycle', 'owner_deptype', 'owner_schema',
    'owner_table', 'owner_column', 'grants', 'tablespace', 'access_method',
  ]),
  columns: query<t.RawColumn>()(t.COLUMNS, [
    'rel', 'num', 'name', 'type_oid', 'native', 'ndims', 'not_null', 'identity', 'generated', 'default_expr', 'collation_oid', 'collation', 'comment',
    'id_start', 'id_increment', 'id_min', 'id_max', 'id_cache', 'id_cycle', 'id_seq_schema', 'id_seq_name', 'options', 'grants',
  ]),
  constraints: query<t.RawConstraint>()(t.CONSTRAINTS, [
    'oid', 'name', 'type', 'rel', 'domain', 'def', 'deferrable', 'deferred', 'validated', 'no_inherit', 'is_local', 'keys', 'ref_rel', 'ref_schema',
    'ref_table', 'ref_keys', 'ref_columns', 'on_update', 'on_delete', 'match', 'nulls_not_distinct', 'comment', 'delete_set', 'index_name',
    'index_include', 'index_options', 'index_tablespace',
  ]),
  indexes: query<ix.RawIndex>()(ix.INDEXES, [
    'rel', 'name', 'method', 'am', 'unique', 'nulls_not_distinct', 'key_count', 'attnums', 'classes', 'collations', 'options', 'def', 'key_texts',
    'predicate', 'reloptions', 'comment', 'tablespace',
  ]),
  decorations: query<ix.RawKeyDecoration>()(ix.KEY_DECORATIONS, ['signature', 'opclass', 'collation']),
  triggers: query<t.RawTrigger>()(t.TRIGGERS, ['rel', 'name', 'def', 'enabled', 'comment']),
  policies: query<t.RawPolicy>()(t.POLICIES, ['rel', 'name', 'permissive', 'command', 'roles', 'using', 'with_check']),
  routines: query<q.RawRoutine>()(q.ROUTINES, [
    'schema', 'name', 'kind', 'signature', 'language', 'def', 'comment', 'agg_kind', 'agg_sfunc', 'agg_stype', 'agg_finalfunc', 'agg_combinefunc',
    'agg_initcond', 'agg_sortop', 'parallel',
  ]),
  natives: query<nq.RawNative>()(nq.NATIVES, ['type', 'schema', 'rel', 'name', 'def', 'comment', 'detail']),
};
const ORDER: readonly { readonly sql: string; readonly keys: readonly string[] }[] = Object.values(QUERIES);
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
    const text = [...OPEN, ...ORDER.map(jsonRows), ...CLOSE].join(';\n');
    const results = (await client.query(text)) as unknown as readonly QueryResult[];
    const expected = OPEN.length + ORDER.length + CLOSE.length;
    if (!Array.isArray(results) || results.length !== expected)
      throw new Error(`catalog: ${expected} statements gave ${Array.isArray(results) ? results.length : 1} results`);
    const rows = <T>(query: CatalogQuery<T>): T[] => toRows(query, (results[OPEN.length + ORDER.indexOf(query)] as QueryResult).rows[0]?.rows);
    return {
      namespaces: rows(QUERIES.namespaces),
      extensions: rows(QUERIES.extensions),
      typeInfo: rows(QUERIES.typeInfo),
      userTypes: rows(QUERIES.userTypes),
      relations: rows(QUERIES.relations),
      columns: columnMaps(rows(QUERIES.columns)),
      constraints: rows(QUERIES.constraints),
      indexes: rows(QUERIES.indexes),
      decorations: new Map(rows(QUERIES.decorations).map((d) => [d.signature, d])),
      triggers: rows(QUERIES.triggers),
      policies: rows(QUERIES.policies),
      routines: rows(QUERIES.routines),
      natives: rows(QUERIES.natives),
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
