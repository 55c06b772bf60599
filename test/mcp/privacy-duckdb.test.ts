import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbEngine } from '../support/duckdb.js';
import type { ScratchDb } from '../support/scratch.js';
import { expectPrivacy, HIDDEN, POLICY, setupSql } from './privacy-cases.js';
import { bothTransports, call, project, type Project, type Served } from './support.js';

/** What DuckDB adds: macros, generated columns, and a binder that can reach a column without naming it. */
const EXTRA_SETUP = `
CREATE MACRO password_of(id) AS (SELECT Password FROM Employee WHERE EmployeeId = id);
CREATE TABLE Login (Id int PRIMARY KEY, Employee int, Password varchar, Shout varchar GENERATED ALWAYS AS (upper(Password)));
INSERT INTO Login (Id, Employee, Password) VALUES (1, 3, 'pw-3');
`;

const DUCKDB_LEAKS = [
  'SELECT e FROM Employee e',
  'SELECT x FROM Employee t(a, b, c, x)',
  'FROM Employee',
  'SUMMARIZE Employee',
  "SELECT * FROM pragma_storage_info('Employee')",
  "SELECT COLUMNS('Pass.*') FROM Employee",
  "SELECT * FROM query('SELECT Password FROM Employee')",
  "SELECT EmployeeId FROM Employee NATURAL JOIN (SELECT 'pw-3' AS Password)",
  "SELECT EmployeeId FROM Employee JOIN (SELECT 'pw-3' AS Password) USING (Password)",
  'SELECT * EXCLUDE (Password) FROM Employee',
  'SELECT password_of(3)',
  'SELECT Shout FROM Login',
];

describe('query never shows what the policy hides: DuckDB, through stdio and HTTP', () => {
  let db: ScratchDb;
  let p: Project;
  let served: Served[];

  beforeAll(async () => {
    db = await duckdbEngine.create();
    await db.exec(setupSql('duckdb') + EXTRA_SETUP);
    p = await project({ app: db.url });
    writeFileSync(join(p.dir, 'policy.yaml'), `${POLICY}  - Login.Password\n`);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'policy: policy.yaml\n');
    served = await bothTransports(p);
  });
  afterAll(async () => {
    await Promise.all(served.map((s) => s.close()));
    p.cleanup();
    await db.drop();
  });

  it('refuses every statement that reads a denied or masked column, by its unoptimized plan, and answers the rest', async () => {
    await expectPrivacy(served, 'app', 'duckdb', DUCKDB_LEAKS);
  });

  it('still serves views, macros and generators that stay clear of the hidden columns', async () => {
    for (const s of served) {
      for (const sql of [
        'SELECT EmployeeId FROM EmployeeLogin ORDER BY 1',
        'SELECT Employee FROM Login',
        'SELECT sum(range) FROM range(10)',
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'Employee'",
      ]) {
        const r = await call(s.client, 'query', { database: 'app', sql });
        expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(false);
        expect(r.text).not.toMatch(HIDDEN);
      }
      const login = (await call(s.client, 'sample_rows', { database: 'app', table: 'Login' })).json<{ columns: string[] }>();
      expect(login.columns).toEqual(['Id', 'Employee']);
    }
  });
});
