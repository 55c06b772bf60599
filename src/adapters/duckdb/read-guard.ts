/**
 * DuckDB has no privileges, so what a client's statement reads is read from its plan, made with
 * the optimizer switched off except for the pass that drops unread columns: each table scan then lists exactly the columns the statement references
 * anywhere (select list, WHERE, JOIN, ORDER BY, aggregates, windows, subqueries, CTEs, views and
 * macros, all bound by DuckDB itself). With the optimizer on, a filter on a masked column can be
 * folded away by its statistics (`WHERE password > 'x'` becomes an empty result naming nothing),
 * so the plan that is checked is this unoptimized one; the query itself runs optimized, after the
 * optimizer is switched back on and the configuration locked. Operators and table functions outside a known list are refused: one that reads a
 * table's storage (pragma_storage_info shows each column's min and max) would name no column.
 */
import { errors } from '../../errors.js';
import type { ReadPolicy } from '../adapter.js';
import type { DuckdbHandle } from './connect.js';

/** Relational operators: they only move rows that scans produced. */
const OPERATORS = new Set([
  'PROJECTION',
  'FILTER',
  'SEQ_SCAN',
  'TABLE_SCAN',
  'HASH_JOIN',
  'NESTED_LOOP_JOIN',
  'PIECEWISE_MERGE_JOIN',
  'BLOCKWISE_NL_JOIN',
  'CROSS_PRODUCT',
  'POSITIONAL_JOIN',
  'POSITIONAL_SCAN',
  'ASOF_JOIN',
  'IE_JOIN',
  'LEFT_DELIM_JOIN',
  'RIGHT_DELIM_JOIN',
  'DELIM_JOIN',
  'DELIM_SCAN',
  'HASH_GROUP_BY',
  'PERFECT_HASH_GROUP_BY',
  'PARTITIONED_AGGREGATE',
  'UNGROUPED_AGGREGATE',
  'SIMPLE_AGGREGATE',
  'STREAMING_WINDOW',
  'WINDOW',
  'ORDER_BY',
  'TOP_N',
  'LIMIT',
  'STREAMING_LIMIT',
  'LIMIT_PERCENT',
  'UNION',
  'CTE',
  'CTE_SCAN',
  'RECURSIVE_CTE',
  'RECURSIVE_CTE_SCAN',
  'RECURSIVE_RECURRING_CTE',
  'RECURSIVE_KEY_CTE',
  'COLUMN_DATA_SCAN',
  'CHUNK_SCAN',
  'DUMMY_SCAN',
  'EMPTY_RESULT',
  'EXPRESSION_SCAN',
  'UNNEST',
  'STREAMING_SAMPLE',
  'RESERVOIR_SAMPLE',
  'RESULT_COLLECTOR',
  'INOUT_FUNCTION',
  'PIVOT',
]);
/** Table functions that read no table data: generators and the catalog. */
const FUNCTIONS = new Set([
  'RANGE',
  'GENERATE_SERIES',
  'UNNEST',
  'REPEAT',
  'REPEAT_ROW',
  'DUCKDB_TABLES',
  'DUCKDB_COLUMNS',
  'DUCKDB_VIEWS',
  'DUCKDB_SCHEMAS',
  'DUCKDB_INDEXES',
  'DUCKDB_CONSTRAINTS',
  'DUCKDB_TYPES',
  'DUCKDB_DATABASES',
  'DUCKDB_KEYWORDS',
  'DUCKDB_FUNCTIONS',
  'PRAGMA_TABLE_INFO',
  'PRAGMA_SHOW',
]);

interface PlanNode {
  readonly name: string;
  readonly children?: readonly PlanNode[];
  readonly extra_info?: Record<string, unknown>;
}

interface TableInfo {
  readonly label: string;
  readonly denied: boolean;
  readonly hidden: ReadonlyMap<string, 'denied' | 'masked'>;
}

export interface DuckdbGuard {
  /** Throws REDB_MCP_COLUMN_WITHHELD when the statement would read what the policy hides; leaves the optimizer as it found it. */
  check(sql: string): Promise<void>;
}
const names = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value !== '' ? [value] : []);

async function rows(handle: DuckdbHandle, sql: string): Promise<Record<string, unknown>[]> {
  return (await handle.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/**
 * A guard over an open file whose configuration is not locked yet (the caller locks it after the
 * check); undefined when the policy hides nothing in the file.
 */
export async function duckdbGuard(handle: DuckdbHandle, policy: ReadPolicy): Promise<DuckdbGuard | undefined> {
  if (policy.empty) return undefined;
  {
    const columns = await rows(
      handle,
      'SELECT database_name AS d, schema_name AS s, table_name AS t, column_name AS c FROM duckdb_columns() WHERE NOT internal',
    );
    const tables = new Map<string, TableInfo>();
    for (const r of columns) {
      const key = `${String(r.d)}.${String(r.s)}.${String(r.t)}`;
      // `main` is DuckDB's default schema: the model (and so the policy) names its tables without one.
      const relation = { schema: r.s === 'main' ? undefined : String(r.s), name: String(r.t) };
      const info = tables.get(key) ?? {
        label: relation.schema === undefined ? relation.name : `${relation.schema}.${relation.name}`,
        denied: policy.tableDenied(relation),
        hidden: new Map(),
      };
      const verdict = policy.column(relation, String(r.c));
      if (verdict !== undefined) (info.hidden as Map<string, 'denied' | 'masked'>).set(String(r.c), verdict);
      tables.set(key, info);
    }
    if (![...tables.values()].some((t) => t.denied || t.hidden.size > 0)) return undefined;
    const optimizers = (await rows(handle, 'SELECT name FROM duckdb_optimizers()')).map((r) => String(r.name)).filter((n) => n !== 'unused_columns');

    const visit = (node: PlanNode): void => {
      const info = node.extra_info ?? {};
      const table = typeof info.Table === 'string' ? info.Table : undefined;
      const fn = typeof info.Function === 'string' ? info.Function : undefined;
      if (table !== undefined) {
        const t = tables.get(table);
        if (t === undefined) throw errors.mcpColumnWithheld(`the statement reads ${table}, which redb cannot check`);
        if (t.denied) throw errors.mcpColumnWithheld(`table ${t.label} is denied`);
        for (const c of names(info.Projections)) {
          const verdict = t.hidden.get(c);
          if (verdict !== undefined) throw errors.mcpColumnWithheld(`column ${t.label}.${c} is ${verdict}`);
        }
        if (t.hidden.size > 0 && names(info.Filters).length > 0) throw errors.mcpColumnWithheld(`the statement filters ${t.label} in a way redb cannot check`);
      } else if (fn !== undefined) {
        if (!FUNCTIONS.has(fn)) throw errors.mcpColumnWithheld(`the table function ${fn.toLowerCase()} is not served under a masking policy`);
      } else if (!OPERATORS.has(node.name)) throw errors.mcpColumnWithheld(`the plan step ${node.name} is not served under a masking policy`);
      for (const child of node.children ?? []) visit(child);
    };

    return {
      async check(sql) {
        await handle.connection.run(`SET disabled_optimizers = '${optimizers.join(',')}'`);
        let plan: PlanNode[];
        try {
          const explained = await rows(handle, `EXPLAIN (FORMAT JSON) ${sql}`);
          plan = explained.flatMap((r) => JSON.parse(String(r.explain_value)) as PlanNode[]);
        } finally {
          await handle.connection.run("SET disabled_optimizers = ''");
        }
        if (plan.length === 0) throw errors.mcpColumnWithheld('the statement has no plan redb can check');
        for (const node of plan) visit(node);
      },
    };
  }
}
