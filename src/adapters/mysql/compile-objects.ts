import { errors } from '../../errors.js';
import { objectId, type Column, type Hazard, type SchemaObject, type Table, type TableAttributes, type TableRef } from '../../unified/index.js';
import { columnCheck, columnSql, createSequenceSql, createTableSql, createViewSql, sequenceOptionsSql } from './ddl.js';
import { underSettings } from './session-settings.js';
import { quoteIdent, quoteString, splitOptions } from './sql-text.js';

const unsupported = (what: string) => errors.planUnsupported('mysql', what);

/** The statements that create one whole object (`replace`: over an existing one of the same name). */
export function createObjectSql(target: SchemaObject, replace: boolean): string[] {
  switch (target.kind) {
    case 'table':
      return [createTableSql(target.object)];
    case 'view':
      return [createViewSql(target.object, replace)];
    case 'sequence':
      return [replace ? `ALTER SEQUENCE ${quoteIdent(target.object.name)} ${sequenceOptionsSql(target.object)}` : createSequenceSql(target.object)];
    case 'routine':
    case 'trigger':
    case 'native':
      return underSettings(target.object.definition);
    default:
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)} (MySQL has no such objects)`);
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
    default:
      throw unsupported(`${target.kind} ${objectId(target.kind, target.object)} (MySQL has no such objects)`);
  }
}

/** Whether MODIFY COLUMN has to copy rows: anything about the stored value changes. */
export function columnChangeRewrites(from: Column, to: Column): boolean {
  const stored = (c: Column) => JSON.stringify([c.type, c.nullable, c.charset, c.collation, c.generated, c.zerofill ?? false]);
  return stored(from) !== stored(to);
}

const optionKey = (item: string) => item.slice(0, Math.max(item.indexOf('='), 0)).toLowerCase();

/**
 * ALTER TABLE for engine, charset/collation, row format, other options and the comment.
 * A new default charset converts the table (CONVERT TO), as the model says columns without their
 * own charset follow the table's; columns that keep their own are then declared again.
 */
export function alterTableSql(ref: TableRef, from: TableAttributes, to: TableAttributes, toTable: Table | undefined): { statements: string[]; hazards: Hazard[] } {
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
    const reset = splitOptions(a.with ?? '').filter((i) => !kept.has(optionKey(i))).map((i) => `${optionKey(i)}=DEFAULT`);
    clauses.push(...next, ...reset);
    hazards.push({ name: 'rewrites-table', reason: `changing table options of ${ref.name} may rebuild the table` });
  }
  if (from.comment !== to.comment) clauses.push(`COMMENT=${quoteString(to.comment ?? '')}`);
  if (clauses.length > 0) statements.push(`ALTER TABLE ${name} ${clauses.join(' ')}`);
  if ((a.charset !== b.charset || a.collation !== b.collation) && (b.charset !== undefined || b.collation !== undefined)) {
    const target = [b.charset === undefined ? '' : `CHARACTER SET ${b.charset}`, b.collation === undefined ? '' : `COLLATE ${b.collation}`].filter(Boolean).join(' ');
    statements.push(`ALTER TABLE ${name} CONVERT TO ${target}`);
    hazards.push({ name: 'rewrites-table', reason: `converting ${ref.name} to ${target} rewrites every text column` });
    const own = (toTable?.columns ?? []).filter((c) => c.charset !== undefined || c.collation !== undefined || (c.type.kind === 'json' && c.type.native === 'json'));
    for (const c of own) statements.push(`ALTER TABLE ${name} MODIFY COLUMN ${columnSql(c, columnCheck(toTable, c.name))}`);
  }
  return { statements, hazards };
}

