import type { Constraint, Index, Table, TableRef } from '../../unified/index.js';
import { addConstraintSql, indexSql } from './ddl-tables.js';
import { qname, quoteIdent } from './sql-text.js';

/**
 * What `--online` changes in a PostgreSQL plan: no statement waits long for a lock it cannot get
 * (lock_timeout), indexes on existing tables are built and dropped CONCURRENTLY (outside the
 * transaction), and foreign keys and checks are added NOT VALID, then validated on their own, which
 * reads the rows without blocking writes.
 */

export const LOCK_TIMEOUT = '5s';
export const lockTimeoutSql = `SET lock_timeout = '${LOCK_TIMEOUT}'`;

/**
 * Only tables that exist before the plan benefit (a new table is empty and unseen), and partitioned
 * tables support neither CONCURRENTLY nor NOT VALID foreign keys.
 */
export const onlineTable = (t: Table | undefined): t is Table => t !== undefined && t.partitionBy === undefined;

/** A concurrent build; a failed one leaves an INVALID index behind, which `onFailure` drops. */
export const concurrentIndex = (t: TableRef, i: Index): { statements: string[]; onFailure: string[] } => ({
  statements: indexSql(t, i, true),
  onFailure: [`DROP INDEX CONCURRENTLY IF EXISTS ${qname({ schema: t.schema, name: i.name })}`],
});

/** A foreign key or check added NOT VALID and validated later; undefined for what cannot be (or already is not validated). */
export function validatedLater(t: TableRef, c: Constraint): { add: string[]; validate: string } | undefined {
  if ((c.type !== 'foreign_key' && c.type !== 'check') || c.def.notValid || c.def.name === undefined) return undefined;
  const notValid: Constraint =
    c.type === 'check' ? { type: 'check', def: { ...c.def, notValid: true } } : { type: 'foreign_key', def: { ...c.def, notValid: true } };
  return { add: addConstraintSql(t, notValid), validate: `ALTER TABLE ${qname(t)} VALIDATE CONSTRAINT ${quoteIdent(c.def.name)}` };
}
