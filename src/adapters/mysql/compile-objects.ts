import { errors } from '../../errors.js';
import { objectId, type Column, type Hazard, type SchemaObject, type Sequence, type Table, type TableAttributes, type TableRef } from '../../unified/index.js';
import { columnCheck, columnSql, createSequenceSql, createTableSql, createViewSql, sequenceOptionsSql } from './ddl.js';
import { underSettings } from './session-settings.js';
import { quoteIdent, quoteString, splitOptions } from './sql-text.js';
import { unhandled } from '../../unified/unhandled.js';

const unsupported = (what: string) => errors.planUnsupported('mysql', what);

/** A sequence altered in place keeps its position; its comment is a table option (a sequence is a table). */
function alterSequenceSql(from: Sequence, to: Sequence): string[] {
  const name = quoteIdent(to.name);
  const comment = from.comment === to.comment ? [] : [`ALTER TABLE ${name} COMMENT=${quoteString(to.comment ?? '')}`];
  return [`ALTER SEQUENCE ${name} ${sequenceOptionsSql(to)}`, ...comment];
}

/** The statements that create one whole object, or (views and sequences) turn `replacing` into it in place. */
export function createObjectSql(target: SchemaObject, replacing: SchemaObject | undefined): string[] {
  switch (target.kind) {
    case 'table':
      return [createTableSql(target.object)];
    case 'view':
      return [createViewSql(target.object, replacing !== undefined)];
    case 'sequence':
      return replacing?.kind === 'sequence' ? alterSequenceSql(replacing.object, target.object) : [createSequenceSql(target.object)];
    case 'routine':
    case 'trigger':
    case 'native':
      return underSettings(target.object.definition);
    case 'namespace':
    case 'extension':
    case 'enum':
    case 'domain':
    case 'composite':
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)} (MySQL has no such objects)`);
    default:
      return unhandled(target);
  }
}

/** The statements that drop one whole object. */
export function dropObjectSql(target: SchemaObject): string[] {
  switch (target.kind) {
    case 'table':
      return [`DROP TABLE ${quoteIdent(target.object.name)}`];
    case 'view':
      return [`DROP VIEW ${quoteIdent(target.object.name)}`];
    case 'sequence':
      return [`DROP SEQUENCE ${quoteIdent(target.object.name)}`];
    case 'routine':
      return [`DROP ${target.object.kind === 'function' ? 'FUNCTION' : 'PROCEDURE'} ${quoteIdent(target.object.name)}`];
    case 'trigger':
      return [`DROP TRIGGER ${quoteIdent(target.object.name)}`];
    case 'native':
      switch (target.object.type) {
        case 'event':
          return [`DROP EVENT ${quoteIdent(target.object.name)}`];
        case 'partitioning':
          return [`ALTER TABLE ${quoteIdent(target.object.name)} REMOVE PARTITIONING`];
        case 'system versioned table':
          return [`DROP TABLE ${quoteIdent(target.object.name)}`];
        // Only Oracle mode parses DROP PACKAGE; dropping the specification earlier in the plan takes the body along.
        case 'package':
          return underSettings(target.object.definition, `DROP PACKAGE ${quoteIdent(target.object.name)}`);
        case 'package body':
          return underSettings(target.object.definition, `DROP PACKAGE BODY IF EXISTS ${quoteIdent(target.object.name)}`);
        default:
          throw unsupported(`dropping native ${target.object.type} ${target.object.name}`);
      }
    case 'namespace':
    case 'extension':
    case 'enum':
    case 'domain':
    case 'composite':
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)} (MySQL has no such objects)`);
    default:
      return unhandled(target);
  }
}

/** Whether MODIFY COLUMN has to copy rows: anything about the stored value changes. */
function columnChangeRewrites(from: Column, to: Column): boolean {
  const stored = (c: Column) => JSON.stringify([c.type, c.nullable, c.charset, c.collation, c.generated, c.zerofill ?? false]);
  return stored(from) !== stored(to);
}

/** Where a new column goes, so the table reads back in the target's column order. */
export function position(to: Table | undefined, column: string): string {
  const at = to?.columns.findIndex((c) => c.name === column) ?? -1;
  if (at === -1) return '';
  const prev = to?.columns[at - 1];
  return prev === undefined ? ' FIRST' : ` AFTER ${quoteIdent(prev.name)}`;
}

const generation = (c: Column): string => (c.generated === undefined ? 'plain' : c.generated.stored ? 'stored' : 'virtual');

/**
 * MODIFY COLUMN for a changed column. MariaDB changes a generated column's kind with MODIFY only from
 * STORED to plain (keeping the values); any other change of kind is a DROP and ADD of the column in
 * one statement, which keeps the indexes on it.
 */
export function alterColumnSql(ref: TableRef, from: Column, to: Column, toTable: Table | undefined): { statements: string[]; hazards: Hazard[] } {
  const name = quoteIdent(ref.name);
  const definition = columnSql(to, columnCheck(toTable, to.name));
  const hazards: Hazard[] = columnChangeRewrites(from, to) ? [{ name: 'rewrites-table', reason: `MODIFY COLUMN ${ref.name}.${to.name} copies the table` }] : [];
  const [was, becomes] = [generation(from), generation(to)];
  if (was === becomes || (was === 'stored' && becomes === 'plain')) return { statements: [`ALTER TABLE ${name} MODIFY COLUMN ${definition}`], hazards };
  // Between VIRTUAL and STORED nothing is lost; a plain column's values are replaced, a virtual one's become NULL.
  if (from.generated === undefined || to.generated === undefined)
    hazards.push({ name: 'drops-data', reason: `${ref.name}.${to.name} is dropped and added again: its values are not kept` });
  return { statements: [`ALTER TABLE ${name} DROP COLUMN ${quoteIdent(to.name)}, ADD COLUMN ${definition}${position(toTable, to.name)}`], hazards };
}

const optionKey = (item: string) => item.slice(0, Math.max(item.indexOf('='), 0)).toLowerCase();

/** Options that take only a number; zero is their unset value (DEFAULT is a syntax error for them). */
const NUMERIC_OPTIONS = new Set(['max_rows', 'min_rows', 'avg_row_length', 'checksum', 'table_checksum', 'delay_key_write', 'key_block_size']);
const resetOption = (key: string): string => `${key}=${NUMERIC_OPTIONS.has(key) ? '0' : 'DEFAULT'}`;

/**
 * ALTER TABLE for engine, charset/collation, row format, other options and the comment.
 * A new default charset converts the table (CONVERT TO), as the model says columns without their
 * own charset follow the table's; columns that keep their own are then declared again.
 */
export function alterTableSql(
  ref: TableRef,
  from: TableAttributes,
  to: TableAttributes,
  toTable: Table | undefined,
): { statements: string[]; hazards: Hazard[] } {
  if (JSON.stringify(from.partitionBy) !== JSON.stringify(to.partitionBy) || JSON.stringify(from.partitionOf) !== JSON.stringify(to.partitionOf)) {
    throw unsupported(`declarative partitioning of ${ref.name}`);
  }
  const name = quoteIdent(ref.name);
  const a = from.options ?? {};
  const b = to.options ?? {};
  const clauses: string[] = [];
  const hazards: Hazard[] = [];
  const statements: string[] = [];
  if (a.engine !== b.engine && b.engine !== undefined) {
    clauses.push(`ENGINE=${b.engine}`);
    hazards.push({ name: 'rewrites-table', reason: `changing the engine of ${ref.name} copies the table` });
  }
  if (a.rowFormat !== b.rowFormat) {
    clauses.push(`ROW_FORMAT=${b.rowFormat ?? 'DEFAULT'}`);
    hazards.push({ name: 'rewrites-table', reason: `changing the row format of ${ref.name} rebuilds the table` });
  }
  if (a.with !== b.with) {
    const next = splitOptions(b.with ?? '');
    const kept = new Set(next.map(optionKey));
    const reset = splitOptions(a.with ?? '')
      .filter((i) => !kept.has(optionKey(i)))
      .map((i) => resetOption(optionKey(i)));
    clauses.push(...next, ...reset);
    hazards.push({ name: 'rewrites-table', reason: `changing table options of ${ref.name} may rebuild the table` });
  }
  if (from.comment !== to.comment) clauses.push(`COMMENT=${quoteString(to.comment ?? '')}`);
  if (clauses.length > 0) statements.push(`ALTER TABLE ${name} ${clauses.join(' ')}`);
  if ((a.charset !== b.charset || a.collation !== b.collation) && (b.charset !== undefined || b.collation !== undefined)) {
    const target = [b.charset === undefined ? '' : `CHARACTER SET ${b.charset}`, b.collation === undefined ? '' : `COLLATE ${b.collation}`]
      .filter(Boolean)
      .join(' ');
    statements.push(`ALTER TABLE ${name} CONVERT TO ${target}`);
    hazards.push({ name: 'rewrites-table', reason: `converting ${ref.name} to ${target} rewrites every text column` });
    const own = (toTable?.columns ?? []).filter(
      (c) => c.charset !== undefined || c.collation !== undefined || (c.type.kind === 'json' && c.type.native === 'json'),
    );
    for (const c of own) statements.push(`ALTER TABLE ${name} MODIFY COLUMN ${columnSql(c, columnCheck(toTable, c.name))}`);
  }
  return { statements, hazards };
}
