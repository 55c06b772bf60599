import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/** redb's own schema in a DuckDB database: the migration history, never part of the model. */
export const HISTORY_SCHEMA = 'redb';

/** Schemas the engine itself provides or redb keeps to itself. */
const HIDDEN = `('main', 'information_schema', 'pg_catalog', '${HISTORY_SCHEMA}')`;
const OWN = `database_name = current_database() AND NOT internal AND schema_name <> '${HISTORY_SCHEMA}'`;

/** Raw catalog rows: private to the introspector, mapped once into model objects. */
export interface RawSchema {
  schema_name: string;
  comment: string | null;
}
export interface RawTable {
  schema_name: string;
  table_name: string;
  comment: string | null;
  sql: string;
}
export interface RawColumn {
  schema_name: string;
  table_name: string;
  column_name: string;
  comment: string | null;
  column_default: string | null;
  is_nullable: boolean;
  data_type: string;
}
export interface RawConstraint {
  schema_name: string;
  table_name: string;
  constraint_type: 'PRIMARY KEY' | 'UNIQUE' | 'CHECK' | 'FOREIGN KEY';
  expression: string | null;
  constraint_column_names: string[];
  referenced_table: string | null;
  referenced_column_names: string[];
}
export interface RawIndex {
  schema_name: string;
  table_name: string;
  index_name: string;
  is_unique: boolean;
  comment: string | null;
  /** Absent only for indexes DuckDB makes itself, which the model does not hold. */
  sql: string | null;
}
export interface RawView {
  schema_name: string;
  view_name: string;
  comment: string | null;
  sql: string;
}
export interface RawSequence {
  schema_name: string;
  sequence_name: string;
  comment: string | null;
  start_value: string;
  min_value: string;
  max_value: string;
  increment_by: string;
  cycle: boolean;
}
export interface RawType {
  schema_name: string;
  type_name: string;
  logical_type: string;
  comment: string | null;
  labels: string[] | null;
}
export interface RawMacro {
  schema_name: string;
  function_name: string;
  function_type: 'macro' | 'table_macro';
  comment: string | null;
  parameters: string[];
  macro_definition: string;
}
export interface RawTypeSpelling {
  schema_name: string;
  type_name: string;
  spelled: string;
}

export interface Catalog {
  readonly schemas: RawSchema[];
  readonly tables: RawTable[];
  readonly columns: RawColumn[];
  readonly constraints: RawConstraint[];
  readonly indexes: RawIndex[];
  readonly views: RawView[];
  readonly sequences: RawSequence[];
  readonly types: RawType[];
  readonly macros: RawMacro[];
  /** What each user type other than an enum stands for (`CREATE TYPE x AS <spelled>`). */
  readonly typeSpellings: RawTypeSpelling[];
}

async function rows<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  return (await (await connection.runAndReadAll(sql)).getRowObjectsJson()) as unknown as T[];
}

/** A fixed number of catalog queries for the whole database, never one per table. */
export async function readCatalog(connection: DuckDBConnection): Promise<Catalog> {
  const q = <T>(sql: string) => rows<T>(connection, sql);
  const schemas = await q<RawSchema>(
    `SELECT schema_name, comment FROM duckdb_schemas() WHERE database_name = current_database() AND NOT internal AND schema_name NOT IN ${HIDDEN} ORDER BY schema_name`,
  );
  const tables = await q<RawTable>(
    `SELECT schema_name, table_name, comment, sql FROM duckdb_tables() WHERE ${OWN} AND NOT temporary ORDER BY schema_name, table_name`,
  );
  const columns = await q<RawColumn>(
    `SELECT c.schema_name, c.table_name, c.column_name, c.comment, c.column_default, c.is_nullable, c.data_type
       FROM duckdb_columns() c JOIN duckdb_tables() t ON t.table_oid = c.table_oid
      WHERE c.database_name = current_database() AND NOT c.internal AND c.schema_name <> '${HISTORY_SCHEMA}' AND NOT t.temporary ORDER BY c.schema_name, c.table_name, c.column_index`,
  );
  const constraints = await q<RawConstraint>(
    `SELECT schema_name, table_name, constraint_type, expression, constraint_column_names, referenced_table, referenced_column_names
       FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name <> '${HISTORY_SCHEMA}'
        AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'CHECK', 'FOREIGN KEY') ORDER BY schema_name, table_name, constraint_index`,
  );
  const indexes = await q<RawIndex>(
    `SELECT schema_name, table_name, index_name, is_unique, comment, sql FROM duckdb_indexes() WHERE database_name = current_database() AND schema_name <> '${HISTORY_SCHEMA}' ORDER BY schema_name, index_name`,
  );
  const views = await q<RawView>(
    `SELECT schema_name, view_name, comment, sql FROM duckdb_views() WHERE ${OWN} AND NOT temporary ORDER BY schema_name, view_name`,
  );
  const sequences = await q<RawSequence>(
    `SELECT schema_name, sequence_name, comment, start_value, min_value, max_value, increment_by, cycle FROM duckdb_sequences()
      WHERE database_name = current_database() AND NOT temporary AND schema_name <> '${HISTORY_SCHEMA}' ORDER BY schema_name, sequence_name`,
  );
  const types = await q<RawType>(
    `SELECT schema_name, type_name, logical_type, comment, labels FROM duckdb_types() WHERE ${OWN} ORDER BY schema_name, type_name`,
  );
  const macros = await q<RawMacro>(
    `SELECT schema_name, function_name, function_type, comment, parameters, macro_definition FROM duckdb_functions()
      WHERE ${OWN} AND function_type IN ('macro', 'table_macro') ORDER BY schema_name, function_name, function_oid`,
  );
  // The catalog names a user type's kind (STRUCT) but not its parts; one query asks for them all.
  const others = types.filter((t) => t.logical_type !== 'ENUM');
  const typeSpellings =
    others.length === 0
      ? []
      : await q<RawTypeSpelling>(
          others
            .map(
              (t) =>
                `SELECT ${quoteLiteral(t.schema_name)} AS schema_name, ${quoteLiteral(t.type_name)} AS type_name, typeof(NULL::${quoteIdent(t.schema_name)}.${quoteIdent(t.type_name)}) AS spelled`,
            )
            .join(' UNION ALL '),
        );
  return { schemas, tables, columns, constraints, indexes, views, sequences, types, macros, typeSpellings };
}
