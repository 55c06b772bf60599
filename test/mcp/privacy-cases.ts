import { expect } from 'vitest';
import { call, type Served } from './support.js';

/**
 * One schema and one list of statements for every engine: what an assistant could try to learn a
 * denied password or a masked e-mail through the `query` tool, and what it must still be able to do.
 */

export const POLICY = `secret: test-secret
rules:
  - match: Employee.Email
    transform: hash
deny:
  - Employee.Password
  - Secrets
`;

/** Values that must never come back from a free-form query. */
export const HIDDEN = /pw-\d|@corp\.example|launch code/;

export const employeeRows = (): string => [1, 2, 3, 4, 5].map((i) => `(${i}, 'Name ${i}', 'e${i}@corp.example', 'pw-${i}', ${i * 1000})`).join(', ');

/** The setup, in a dialect each engine accepts: a view a reader may query (on MariaDB one that reads with the reader's rights), one that reads the password. */
export function setupSql(dialect: 'postgres' | 'mysql' | 'sqlite' | 'duckdb'): string {
  const text = dialect === 'mysql' ? 'varchar(100)' : 'text';
  return `
CREATE TABLE Employee (EmployeeId int PRIMARY KEY, Name ${text}, Email ${text}, Password ${text}, Salary int);
CREATE TABLE Dept (DeptId int PRIMARY KEY, EmployeeId int, Title ${text});
CREATE TABLE Secrets (Id int PRIMARY KEY, Value ${text});
INSERT INTO Employee VALUES ${employeeRows()};
INSERT INTO Dept VALUES (1, 3, 'Ops'), (2, 4, 'Dev');
INSERT INTO Secrets VALUES (1, 'the launch code');
CREATE ${dialect === 'mysql' ? 'SQL SECURITY INVOKER ' : ''}VIEW EmployeeDirectory AS SELECT EmployeeId, Name FROM Employee;
CREATE VIEW EmployeeLogin AS SELECT EmployeeId, Password FROM Employee;
`;
}

/** Statements that would show a denied or masked value, or let one be inferred; each must be refused. */
export function leaks(dialect: 'postgres' | 'mysql' | 'sqlite' | 'duckdb'): string[] {
  const cast = { postgres: 'text', mysql: 'CHAR', sqlite: 'TEXT', duckdb: 'VARCHAR' }[dialect];
  const perColumn = (c: string) => [
    `SELECT EmployeeId FROM Employee WHERE ${c} = '${c === 'Password' ? 'pw-3' : 'e3@corp.example'}'`,
    `SELECT EmployeeId FROM Employee WHERE ${c} LIKE '%3%'`,
    `SELECT EmployeeId FROM Employee WHERE ${c} > 'zzz'`,
    `SELECT EmployeeId FROM Employee WHERE ${c} IS NULL`,
    `SELECT EmployeeId FROM Employee ORDER BY ${c}`,
    `SELECT count(*) FROM Employee GROUP BY ${c}`,
    `SELECT max(${c}) FROM Employee`,
    `SELECT count(DISTINCT ${c}) FROM Employee`,
    `SELECT length(${c}) FROM Employee`,
    `SELECT CAST(${c} AS ${cast}) FROM Employee`,
    `SELECT CASE WHEN ${c} > 'm' THEN 1 ELSE 0 END FROM Employee`,
    `SELECT a.EmployeeId FROM Employee a JOIN Employee b ON a.${c} = b.${c} AND a.EmployeeId < b.EmployeeId`,
    `SELECT EmployeeId, row_number() OVER (ORDER BY ${c}) FROM Employee`,
    `SELECT EmployeeId FROM Employee WHERE EmployeeId IN (SELECT EmployeeId FROM Employee WHERE ${c} LIKE '%3%')`,
    `SELECT e.EmployeeId FROM Employee e WHERE EXISTS (SELECT 1 FROM Dept d WHERE d.EmployeeId = e.EmployeeId AND e.${c} LIKE '%3%')`,
    `WITH p AS (SELECT EmployeeId, ${c} AS v FROM Employee) SELECT EmployeeId FROM p WHERE v LIKE '%3%'`,
    `SELECT ${c} FROM Employee`,
  ];
  return [
    ...perColumn('Password'),
    ...perColumn('Email'),
    'SELECT * FROM Employee',
    'SELECT e.* FROM Employee e',
    "SELECT EmployeeId FROM EmployeeLogin WHERE Password = 'pw-3'",
    'SELECT count(*) FROM Secrets',
    "SELECT EmployeeId FROM Employee WHERE EXISTS (SELECT 1 FROM Secrets WHERE Value LIKE 'the%')",
  ];
}

/** Statements that read only what the policy lets through: they must still work, with their values. */
export const allowed: [string, unknown[][]][] = [
  [
    'SELECT EmployeeId, Name FROM Employee WHERE EmployeeId < 3 ORDER BY EmployeeId',
    [
      [1, 'Name 1'],
      [2, 'Name 2'],
    ],
  ],
  ['SELECT count(*) AS n FROM Employee', [[5]]],
  ['SELECT upper(Name) AS u, Salary * 2 AS s FROM Employee WHERE EmployeeId = 3', [['NAME 3', 6000]]],
  [
    'SELECT d.Title, e.Name FROM Dept d JOIN Employee e ON e.EmployeeId = d.EmployeeId ORDER BY d.DeptId',
    [
      ['Ops', 'Name 3'],
      ['Dev', 'Name 4'],
    ],
  ],
  ['SELECT EmployeeId, Name FROM EmployeeDirectory WHERE EmployeeId = 5', [[5, 'Name 5']]],
];

/** Numbers as the engines return them (bigint counts, decimal text) compared as numbers. */
const normal = (rows: unknown[][]): unknown[][] => rows.map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v)));

/**
 * Every leak refused with a code that names sample_rows, every allowed statement answered. The leaks
 * are dealt out over the clients in turn (each transport carries its share; the engine decides the
 * same for all), the allowed statements and sample_rows go through every one.
 */
export async function expectPrivacy(
  served: readonly Served[],
  database: string,
  dialect: 'postgres' | 'mysql' | 'sqlite' | 'duckdb',
  extraLeaks: readonly string[] = [],
): Promise<void> {
  const all = [...leaks(dialect), ...extraLeaks];
  await Promise.all(
    served.map(async (s, k) => {
      for (const sql of all.filter((_, i) => i % served.length === k)) {
        const r = await call(s.client, 'query', { database, sql });
        expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(true);
        expect(r.text, `${s.transport}: ${sql}`).toMatch(/^error\[REDB_MCP_(NOT_GRANTED|COLUMN_WITHHELD)\]: .*sample_rows/);
        expect(r.text, `${s.transport}: ${sql}`).not.toMatch(HIDDEN);
      }
      for (const [sql, rows] of allowed) {
        const r = await call(s.client, 'query', { database, sql });
        expect(r.isError, `${s.transport}: ${sql} → ${r.text}`).toBe(false);
        expect(normal(r.json<{ rows: unknown[][] }>().rows), `${s.transport}: ${sql}`).toEqual(rows);
      }
      const sample = (await call(s.client, 'sample_rows', { database, table: 'Employee', limit: 5 })).json<{ columns: string[]; rows: unknown[][] }>();
      expect(sample.columns.map((c) => c.toLowerCase())).toEqual(['employeeid', 'name', 'email', 'salary']);
      expect(sample.rows).toHaveLength(5);
      expect(JSON.stringify(sample.rows)).not.toMatch(HIDDEN);
      expect(sample.rows.map((r) => r[1])).toContain('Name 3');
    }),
  );
}
