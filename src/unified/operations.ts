import type { Check, Column, Exclusion, ForeignKey, Index, Policy, PrimaryKey, Table, UniqueConstraint } from './model.js';
import type { SchemaObject } from './objects.js';
import { unhandled } from './unhandled.js';

/** Names a table from inside an operation; the compiler looks the full table up in the plan's models. */
export interface TableRef {
  readonly schema?: string | undefined;
  readonly name: string;
}

export type Constraint =
  | { readonly type: 'unique'; readonly def: UniqueConstraint }
  | { readonly type: 'foreign_key'; readonly def: ForeignKey }
  | { readonly type: 'check'; readonly def: Check }
  | { readonly type: 'exclusion'; readonly def: Exclusion };

/** Table attributes that are not columns, keys or indexes. */
export type TableAttributes = Pick<Table, 'comment' | 'options' | 'partitionBy' | 'partitionOf'>;

/** What the diff of two models yields; every dialect compiles every variant or throws. */
export type Operation =
  | { readonly op: 'create_object'; readonly target: SchemaObject }
  | { readonly op: 'drop_object'; readonly target: SchemaObject }
  /** A non-table object whose definition changed (view, routine, trigger, sequence, enum, ...). */
  | { readonly op: 'alter_object'; readonly from: SchemaObject; readonly to: SchemaObject }
  | { readonly op: 'add_column'; readonly table: TableRef; readonly column: Column }
  | { readonly op: 'drop_column'; readonly table: TableRef; readonly column: Column }
  | { readonly op: 'alter_column'; readonly table: TableRef; readonly from: Column; readonly to: Column }
  | { readonly op: 'set_primary_key'; readonly table: TableRef; readonly from?: PrimaryKey | undefined; readonly to?: PrimaryKey | undefined }
  | { readonly op: 'add_constraint'; readonly table: TableRef; readonly constraint: Constraint }
  | { readonly op: 'drop_constraint'; readonly table: TableRef; readonly constraint: Constraint }
  | { readonly op: 'add_index'; readonly table: TableRef; readonly index: Index }
  | { readonly op: 'drop_index'; readonly table: TableRef; readonly index: Index }
  | { readonly op: 'add_policy'; readonly table: TableRef; readonly policy: Policy }
  | { readonly op: 'drop_policy'; readonly table: TableRef; readonly policy: Policy }
  | { readonly op: 'alter_table'; readonly table: TableRef; readonly from: TableAttributes; readonly to: TableAttributes }
  /** A recorded rename (`redb mv`): the object keeps its rows and dependants. `target` is the object as renamed. */
  | { readonly op: 'rename_object'; readonly target: Extract<SchemaObject, { kind: 'table' | 'view' }>; readonly from: TableRef }
  | { readonly op: 'rename_column'; readonly table: TableRef; readonly from: string; readonly column: Column }
  | { readonly op: 'rename_index'; readonly table: TableRef; readonly from: string; readonly index: Index };

export type OperationKind = Operation['op'];

/** The operations on one part of a table (a column, key, index, policy or its attributes). */
export type TableOperation = Extract<Operation, { readonly table: TableRef }>;

export const tableRef = (t: { schema?: string | undefined; name: string }): TableRef =>
  t.schema === undefined ? { name: t.name } : { schema: t.schema, name: t.name };

export const refText = (t: TableRef): string => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);

/** Operations that belong to one table (everything but whole-object ones). */
export const operationTable = (op: Operation): TableRef | undefined => {
  switch (op.op) {
    case 'create_object':
    case 'drop_object':
      return op.target.kind === 'table' ? tableRef(op.target.object) : undefined;
    case 'alter_object':
      return undefined;
    case 'rename_object':
      return op.target.kind === 'table' ? tableRef(op.target.object) : undefined;
    case 'add_column':
    case 'drop_column':
    case 'alter_column':
    case 'set_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'add_index':
    case 'drop_index':
    case 'add_policy':
    case 'drop_policy':
    case 'alter_table':
    case 'rename_column':
    case 'rename_index':
      return op.table;
    default:
      return unhandled(op);
  }
};
