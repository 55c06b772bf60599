import type { DuckDBConnection } from '@duckdb/node-api';
import {
  MODEL_VERSION,
  normalizeSchema,
  type KnownObjects,
  type Column,
  type Enum,
  type Index,
  type NativeObject,
  type Schema,
  type Sequence,
  type Table,
  type View,
} from '../../unified/index.js';
import { groupBy } from '../group-by.js';
import { readCatalog, type RawColumn, type RawConstraint, type RawIndex, type RawMacro, type RawTable } from './catalog.js';
import { parseCreateIndex, parseCreateTable, parseCreateView, type ParsedColumn } from './parse-ddl.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';
import { duckdbColumnType } from './types.js';

/** `main` is DuckDB's default schema: objects there carry no schema in the model. */
const schemaOf = (name: string): string | undefined => (name === 'main' ? undefined : name);
const keyOf = (schema: string, name: string) => `${schema}\u0000${name}`;
const comment = (c: string | null): string | undefined => c ?? undefined;

function mapColumn(raw: RawColumn, parsed: ParsedColumn | undefined): Column {
  const generated = parsed?.generated;
  return {
    name: raw.column_name,
    type: duckdbColumnType(raw.data_type),
    nullable: raw.is_nullable,
    // A generated column reports its expression (cast to its type) as its default.
    default: generated === undefined ? (raw.column_default ?? undefined) : undefined,
    generated: generated === undefined ? undefined : { expression: generated, stored: false },
    collation: parsed?.collation,
    comment: comment(raw.comment),
  };
}

/**
 * DuckDB does not keep constraint names (it makes its own), nor foreign key actions other than NO
 * ACTION, so the model carries neither.
 */
function mapConstraints(schema: string, constraints: readonly RawConstraint[]): Pick<Table, 'primaryKey' | 'uniques' | 'checks' | 'foreignKeys'> {
  const out: Pick<Table, 'primaryKey' | 'uniques' | 'checks' | 'foreignKeys'> = { uniques: [], checks: [], foreignKeys: [] };
  for (const c of constraints) {
    if (c.constraint_type === 'PRIMARY KEY') out.primaryKey = { columns: c.constraint_column_names };
    else if (c.constraint_type === 'UNIQUE') out.uniques.push({ columns: c.constraint_column_names });
    else if (c.constraint_type === 'CHECK') out.checks.push({ expression: c.expression ?? '' });
    else {
      // Foreign keys cannot cross schemas in DuckDB: the parent lives beside the child.
      const references = { schema: schemaOf(schema), table: c.referenced_table ?? '', columns: c.referenced_column_names };
      out.foreignKeys.push({ columns: c.constraint_column_names, references });
    }
  }
  return out;
}

function mapIndex(raw: RawIndex & { sql: string }): Index {
  const parsed = parseCreateIndex(raw.sql);
  return {
    name: raw.index_name,
    unique: raw.is_unique,
    method: parsed.method,
    keys: parsed.keys.map((k) => ({ ...k })),
    with: parsed.with,
    comment: comment(raw.comment),
  };
}

/** Macros have no place in the model: kept as the DDL that makes them, overloads together. */
function macroNative(overloads: readonly RawMacro[]): NativeObject {
  const first = overloads[0] as RawMacro;
  const bodies = overloads.map(
    (m) => `(${m.parameters.map(quoteIdent).join(', ')}) AS ${m.function_type === 'table_macro' ? 'TABLE ' : ''}${m.macro_definition}`,
  );
  const name = qname({ schema: schemaOf(first.schema_name), name: first.function_name });
  const note = first.comment === null ? '' : `;\nCOMMENT ON MACRO ${name} IS ${quoteLiteral(first.comment)}`;
  return {
    type: first.function_type === 'table_macro' ? 'table macro' : 'macro',
    schema: schemaOf(first.schema_name),
    name: first.function_name,
    definition: `CREATE MACRO ${name}${bodies.join(', ')}${note}`,
    reason: 'DuckDB macros are kept as their CREATE MACRO text (the catalog does not report parameter defaults)',
  };
}

export async function introspectDuckdb(connection: DuckDBConnection, known?: KnownObjects): Promise<Schema> {
  const catalog = await readCatalog(connection);
  const byTable = <T extends { schema_name: string; table_name: string }>(items: readonly T[]) => groupBy(items, (i) => keyOf(i.schema_name, i.table_name));
  const columns = byTable(catalog.columns);
  const constraints = byTable(catalog.constraints);
  const indexes = byTable(catalog.indexes.filter((i): i is RawIndex & { sql: string } => i.sql !== null));

  const table = (t: RawTable): Table => {
    const key = keyOf(t.schema_name, t.table_name);
    const parsed = parseCreateTable(t.sql);
    return {
      schema: schemaOf(t.schema_name),
      name: t.table_name,
      columns: (columns.get(key) ?? []).map((c) => mapColumn(c, parsed.get(c.column_name))),
      ...mapConstraints(t.schema_name, constraints.get(key) ?? []),
      exclusions: [],
      indexes: (indexes.get(key) ?? []).map(mapIndex),
      policies: [],
      comment: comment(t.comment),
    };
  };

  const views: View[] = catalog.views.map((v) => {
    const parsed = parseCreateView(v.sql);
    return {
      schema: schemaOf(v.schema_name),
      name: v.view_name,
      definition: parsed.definition,
      columns: parsed.columns,
      indexes: [],
      comment: comment(v.comment),
    };
  });

  const sequences: Sequence[] = catalog.sequences.map((s) => ({
    schema: schemaOf(s.schema_name),
    name: s.sequence_name,
    start: String(s.start_value),
    increment: String(s.increment_by),
    min: String(s.min_value),
    max: String(s.max_value),
    cycle: s.cycle,
    comment: comment(s.comment),
  }));

  const enums: Enum[] = catalog.types
    .filter((t) => t.logical_type === 'ENUM')
    .map((t) => ({ schema: schemaOf(t.schema_name), name: t.type_name, values: t.labels ?? [], comment: comment(t.comment) }));

  const typeNatives: NativeObject[] = catalog.typeSpellings.map((s) => {
    const raw = catalog.types.find((t) => t.schema_name === s.schema_name && t.type_name === s.type_name);
    const name = qname({ schema: schemaOf(s.schema_name), name: s.type_name });
    const note = raw?.comment == null ? '' : `;\nCOMMENT ON TYPE ${name} IS ${quoteLiteral(raw.comment)}`;
    return {
      type: 'type',
      schema: schemaOf(s.schema_name),
      name: s.type_name,
      definition: `CREATE TYPE ${name} AS ${s.spelled}${note}`,
      reason: 'DuckDB type aliases and struct types have no place in the model; columns use the type they stand for',
    };
  });
  const macroNatives = [...groupBy(catalog.macros, (m) => keyOf(m.schema_name, m.function_name)).values()].map(macroNative);

  return normalizeSchema(
    {
      version: MODEL_VERSION,
      engine: 'duckdb',
      namespaces: catalog.schemas.map((s) => ({ name: s.schema_name, comment: comment(s.comment) })),
      enums,
      sequences,
      tables: catalog.tables.map(table),
      views,
      natives: [...typeNatives, ...macroNatives],
    },
    known,
  );
}
