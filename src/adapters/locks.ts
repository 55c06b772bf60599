import type { Engine } from '../unified/index.js';

/**
 * The lock a DDL statement takes, estimated from its text, for `migrate --dry-run`: what a person
 * reviewing a plan needs to know before running it against a busy database. The first pattern that
 * matches wins.
 */
type Rule = readonly [RegExp, string];

const POSTGRES: readonly Rule[] = [
  [/^SET\b|^RESET\b/i, ''],
  [/^(CREATE|DROP) INDEX CONCURRENTLY|\bVALIDATE CONSTRAINT\b/i, 'SHARE UPDATE EXCLUSIVE (reads and writes continue)'],
  [/^CREATE (UNIQUE )?INDEX/i, 'SHARE (blocks writes while it builds)'],
  [/^ALTER TABLE .* ADD (CONSTRAINT \S+ )?FOREIGN KEY/i, 'SHARE ROW EXCLUSIVE on both tables (blocks writes)'],
  [/^CREATE (CONSTRAINT )?TRIGGER/i, 'SHARE ROW EXCLUSIVE (blocks writes)'],
  [/^ALTER INDEX .* RENAME|^COMMENT ON|^ALTER TABLE .* SET STATISTICS|^ALTER TABLE \S+ SET \(/i, 'SHARE UPDATE EXCLUSIVE (reads and writes continue)'],
  [/^(ALTER|DROP) (TABLE|INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE)|^TRUNCATE|^CREATE OR REPLACE (VIEW|RULE)|^(CREATE|DROP) (POLICY|RULE)/i, 'ACCESS EXCLUSIVE (blocks reads and writes)'],
  [/^REFRESH MATERIALIZED VIEW CONCURRENTLY/i, 'EXCLUSIVE (reads continue)'],
  [/^REFRESH MATERIALIZED VIEW/i, 'ACCESS EXCLUSIVE (blocks reads and writes)'],
];

const MYSQL: readonly Rule[] = [
  [/^SET\b/i, ''],
  [/^ALTER TABLE .*\b(MODIFY|CHANGE)\b|^ALTER TABLE .*\b(ADD|DROP) PRIMARY KEY|^ALTER TABLE .*\b(ENGINE|CONVERT TO)\b/i, 'table copy: blocks writes until done'],
  [/^ALTER TABLE .*\bADD (UNIQUE |FULLTEXT |SPATIAL )?(INDEX|KEY)\b|^CREATE (UNIQUE |FULLTEXT |SPATIAL )?INDEX/i, 'in place: reads and writes continue (brief metadata lock)'],
  [/^ALTER TABLE|^RENAME TABLE|^DROP (TABLE|INDEX|VIEW)|^TRUNCATE|^CREATE (OR REPLACE )?(TRIGGER|VIEW)/i, 'exclusive metadata lock (brief; waits for running transactions)'],
];

const SQLITE: readonly Rule[] = [
  [/^PRAGMA\b/i, ''],
  [/^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/i, 'database write lock (other writers wait)'],
];

const DUCKDB: readonly Rule[] = [[/^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/i, 'database write lock (other writers wait)']];

const RULES: Record<Engine, readonly Rule[]> = { postgres: POSTGRES, mysql: MYSQL, sqlite: SQLITE, duckdb: DUCKDB, mongodb: [] };

/** Lock names by strength, strongest first (PostgreSQL's conflict table; MariaDB's algorithms). */
const STRENGTH: Record<Engine, readonly string[]> = {
  postgres: ['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE (', 'SHARE UPDATE EXCLUSIVE'],
  mysql: ['table copy', 'exclusive metadata lock', 'in place'],
  sqlite: [],
  duckdb: [],
  mongodb: [],
};

/** The lock `statement` takes on `engine`; undefined for statements that take none worth naming. */
export function estimateLock(engine: Engine, statement: string): string | undefined {
  const text = statement.trim().replace(/\s+/g, ' ');
  for (const [pattern, lock] of RULES[engine]) if (pattern.test(text)) return lock === '' ? undefined : lock;
  return undefined;
}

/** The locks a step's statements take, each named once, strongest first. */
export function stepLocks(engine: Engine, statements: readonly string[]): string[] {
  const found = new Set(statements.map((s) => estimateLock(engine, s)).filter((l): l is string => l !== undefined));
  const rank = (lock: string) => STRENGTH[engine].findIndex((name) => lock.startsWith(name));
  return [...found].sort((a, b) => rank(a) - rank(b));
}
