import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';
import { expectPrivacy, HIDDEN, POLICY, setupSql } from './privacy-cases.js';
import { bothTransports, call, project, type Project, type Served } from './support.js';

/** What SQLite adds to the common cases: indexes that answer a lookup alone, generated columns, virtual tables, statistics. */
const EXTRA_SETUP = `
CREATE INDEX employee_password ON Employee (Password);
CREATE INDEX employee_email_salary ON Employee (Salary, Email);
CREATE TABLE Login (Id INTEGER PRIMARY KEY, Employee int, Password text, Shout text GENERATED ALWAYS AS (upper(Password)) VIRTUAL,
                    Kept text GENERATED ALWAYS AS (Password || '!') STORED);
INSERT INTO Login (Id, Employee, Password) VALUES (1, 3, 'pw-3');
CREATE TABLE Badge (Code text PRIMARY KEY, Employee int) WITHOUT ROWID;
INSERT INTO Badge VALUES ('pw-badge', 3);
CREATE VIRTUAL TABLE Notes USING fts5(Body);
INSERT INTO Notes VALUES ('pw-in-fts');
ANALYZE;
`;

const EXTRA_POLICY = `  - Login.Password
  - Badge.Code
  - Notes.Body
`;

const SQLITE_LEAKS = [
  "SELECT EmployeeId FROM Employee INDEXED BY employee_password WHERE Password = 'pw-3'",
  'SELECT Salary FROM Employee WHERE Salary > 0 ORDER BY Salary, Email',
  'SELECT Shout FROM Login',
  'SELECT Kept FROM Login',
  'SELECT Employee FROM Badge',
  'SELECT count(*) FROM Badge',
  'SELECT rowid FROM Notes',
  'SELECT * FROM Notes_content',
  'SELECT name, payload FROM dbstat',
  'SELECT sample FROM sqlite_stat4',
];

describe('query never shows what the policy hides: SQLite, through stdio and HTTP', () => {
  let db: ScratchDb;
  let p: Project;
  let served: Served[];

  beforeAll(async () => {
    db = await sqliteEngine.create();
    await db.exec(setupSql('sqlite') + EXTRA_SETUP);
    p = await project({ app: db.url });
    writeFileSync(join(p.dir, 'policy.yaml'), POLICY + EXTRA_POLICY);
    writeFileSync(join(p.dir, '.redb', 'mcp.yaml'), 'policy: policy.yaml\n');
    served = await bothTransports(p);
  });
  afterAll(async () => {
    await Promise.all(served.map((s) => s.close()));
    p.cleanup();
    await db.drop();
  });

  it('refuses every statement that reads a denied or masked column, by the bytecode it compiles to, and answers the rest', async () => {
    await expectPrivacy(served, 'app', 'sqlite', SQLITE_LEAKS);
  });

  it('still serves what the policy does not touch: other tables, JSON, the schema pragmas', async () => {
    for (const s of served) {
      for (const sql of ['SELECT Employee FROM Login WHERE Id = 1', "SELECT value FROM json_each('[1,2]')", "SELECT name FROM pragma_table_info('Dept')"]) {
        const r = await call(s.client, 'query', { database: 'app', sql });
        expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(false);
        expect(r.text).not.toMatch(HIDDEN);
      }
      const login = (await call(s.client, 'sample_rows', { database: 'app', table: 'Login' })).json<{ columns: string[] }>();
      expect(login.columns).toEqual(['Id', 'Employee']);
    }
  });
});
