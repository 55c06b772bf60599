import { sqliteEngine, type TestEngine } from '../support/scratch.js';
import { sqliteCases } from './cases/sqlite.js';
import { mysqlEngine } from '../support/mysql.js';
import { mysqlCases } from './cases/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { postgresCases } from './cases/postgres.js';
import { duckdbEngine } from '../support/duckdb.js';
import { duckdbCases } from './cases/duckdb.js';

/**
 * Every adapter runs the same conformance cases. A case is named once and written in each engine's
 * own SQL; an engine that cannot express a case leaves it out of its file.
 */
export interface ConformanceEngine {
  readonly test: TestEngine;
  readonly cases: Readonly<Record<string, string>>;
}

export const CONFORMANCE_ENGINES: readonly ConformanceEngine[] = [
  { test: sqliteEngine, cases: sqliteCases },
  { test: mysqlEngine, cases: mysqlCases },
  { test: postgresEngine, cases: postgresCases },
  { test: duckdbEngine, cases: duckdbCases },
];
