import { errors } from '../../errors.js';
import { deepEqual, describeOperation, type Column, type Operation, type Table, type TableRef } from '../../unified/index.js';
import { tokenize } from '../sql-tokens.js';
import { castSql, plainCast } from './cast.js';
import { columnSql, columnTarget, commentSql, dropIndexSql, indexSql } from './ddl.js';
import { qname, quoteIdent } from './sql-text.js';
import { unhandled } from '../../unified/unhandled.js';

/**
 * What DuckDB's ALTER TABLE can do in place. It cannot add or drop constraints, cannot add columns
 * with constraints or generated columns, and refuses most changes to a table that an index or
 * another table's foreign key depends on (even when the plan drops that index first: DuckDB keeps
 * the dependency until the transaction commits). Everything else rebuilds the table.
 */

const mentions = (expression: string, name: string): boolean =>
  tokenize(expression).some((t) => (t.type === 'ident' || t.type === 'word') && t.value.toUpperCase() === name.toUpperCase());

/** Whether a key, constraint, index or generated column depends on the column. */
function columnUsed(t: Table, name: string): boolean {
  return (
    t.primaryKey?.columns.includes(name) === true ||
    t.uniques.some((u) => u.columns.includes(name)) ||
    t.foreignKeys.some((f) => f.columns.includes(name)) ||
    t.checks.some((c) => mentions(c.expression, name)) ||
    t.columns.some((c) => c.generated !== undefined && mentions(c.generated.expression, name))
  );
}

const onlyDefaultOrComment = (from: Column, to: Column): boolean =>
  deepEqual({ ...from, default: undefined, comment: undefined }, { ...to, default: undefined, comment: undefined });
const onlyTypeNullDefaultOrComment = (from: Column, to: Column): boolean =>
  deepEqual(
    { ...from, type: undefined, nullable: undefined, default: undefined, comment: undefined },
    { ...to, type: undefined, nullable: undefined, default: undefined, comment: undefined },
  );

/**
 * Whether ALTER can carry out this operation on `from` (the table as it is). `free` says the table
 * has no index and no other table references it, so DuckDB lets its columns change.
 */
export function alterable(op: Operation, from: Table, free: boolean): boolean {
  switch (op.op) {
    case 'add_index':
    case 'drop_index':
    case 'rename_index':
    case 'alter_table':
      return true;
    case 'add_column':
      return op.column.nullable && op.column.generated === undefined && op.column.identity === undefined && !op.column.autoIncrement;
    case 'alter_column':
      if (onlyDefaultOrComment(op.from, op.to)) return true;
      return free && onlyTypeNullDefaultOrComment(op.from, op.to) && !columnUsed(from, op.from.name);
    case 'drop_column':
      return free && !columnUsed(from, op.column.name);
    case 'rename_column':
      // `from` has the recorded renames applied already: keys name the column by its new name, checks by its old one.
      return free && !columnUsed(from, op.from) && !columnUsed(from, op.column.name);
    case 'rename_object':
      return free && op.from.schema === op.target.object.schema;
    // The rest rebuild the table.
    case 'create_object':
    case 'drop_object':
    case 'alter_object':
    case 'set_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'add_policy':
    case 'drop_policy':
      return false;
    default:
      return unhandled(op);
  }
}

/** Column names in the order the ALTERs leave them: drops removed, renames in place, adds appended. */
export function columnsAfter(from: Table, ops: readonly Operation[]): string[] {
  let names = from.columns.map((c) => c.name);
  for (const op of ops) {
    if (op.op === 'drop_column') names = names.filter((n) => n !== op.column.name);
    if (op.op === 'rename_column') names = names.map((n) => (n === op.from ? op.column.name : n));
    if (op.op === 'add_column') names.push(op.column.name);
  }
  return names;
}

/**
 * The order ALTERs run in: the table's own name first, since the other operations use the new one;
 * columns are added before others are dropped, since DuckDB will not drop a table's last column.
 */
const ORDER: readonly Operation['op'][] = [
  'rename_object',
  'rename_column',
  'add_column',
  'drop_column',
  'alter_column',
  'alter_table',
  'rename_index',
  'add_index',
];
export const alterOrder = (ops: readonly Operation[]): Operation[] => ORDER.flatMap((kind) => ops.filter((op) => op.op === kind));

function alterColumnSql(table: TableRef, from: Column, to: Column): string[] {
  const column = `ALTER TABLE ${qname(table)} ALTER COLUMN ${quoteIdent(to.name)}`;
  const out: string[] = [];
  if (!deepEqual(from.type, to.type)) {
    const cast = castSql(quoteIdent(to.name), table.name, from, to);
    out.push(`${column} SET DATA TYPE ${to.type.native}${cast === plainCast(quoteIdent(to.name), to.type.native) ? '' : ` USING ${cast}`}`);
  }
  if (from.nullable !== to.nullable) out.push(`${column} ${to.nullable ? 'DROP' : 'SET'} NOT NULL`);
  if (from.default !== to.default) out.push(to.default === undefined ? `${column} DROP DEFAULT` : `${column} SET DEFAULT (${to.default})`);
  if (from.comment !== to.comment) out.push(commentSql(columnTarget(table, to.name), to.comment));
  return out;
}

export function alterSql(op: Operation): string[] {
  switch (op.op) {
    case 'add_index':
      return indexSql(op.table, op.index);
    case 'drop_index':
      return [dropIndexSql(op.table, op.index)];
    case 'rename_index':
      // DuckDB cannot rename an index; building it again under the new name is cheap.
      return [dropIndexSql(op.table, { ...op.index, name: op.from }), ...indexSql(op.table, op.index)];
    case 'alter_table': {
      const { comment: _from, ...fromRest } = op.from;
      const { comment: to, ...toRest } = op.to;
      if (!deepEqual(fromRest, toRest)) throw errors.planUnsupported('duckdb', `table options or partitioning of ${op.table.name}`);
      return [commentSql(`TABLE ${qname(op.table)}`, to)];
    }
    case 'add_column': {
      const comment = op.column.comment === undefined ? [] : [commentSql(columnTarget(op.table, op.column.name), op.column.comment)];
      return [`ALTER TABLE ${qname(op.table)} ADD COLUMN ${columnSql(op.table, op.column)}`, ...comment];
    }
    case 'drop_column':
      return [`ALTER TABLE ${qname(op.table)} DROP COLUMN ${quoteIdent(op.column.name)}`];
    case 'rename_column':
      return [`ALTER TABLE ${qname(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.column.name)}`];
    case 'alter_column':
      return alterColumnSql(op.table, op.from, op.to);
    case 'rename_object':
      if (op.from.schema !== op.target.object.schema) throw errors.planUnsupported('duckdb', `moving ${op.target.kind} ${op.from.name} to another schema`);
      return [`ALTER ${op.target.kind === 'table' ? 'TABLE' : 'VIEW'} ${qname(op.from)} RENAME TO ${quoteIdent(op.target.object.name)}`];
    case 'create_object':
    case 'drop_object':
    case 'alter_object':
    case 'set_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'add_policy':
    case 'drop_policy':
      throw errors.planUnsupported('duckdb', describeOperation(op).kind);
    default:
      return unhandled(op);
  }
}
