import { describe, expect, test } from 'vitest';
import { compileMasker, maskTableOf, parsePolicy, type MaskTable } from '../../src/policy/index.js';
import { Table } from '../../src/unified/index.js';
import { column, integer, text, thrown } from './helpers.js';

const customer: MaskTable = {
  schema: 'sales',
  name: 'Customer',
  columns: [
    { name: 'Id', type: integer(32), nullable: false, unique: true },
    { name: 'Email', type: text(100), nullable: false, unique: true },
    { name: 'Phone', type: text(30), nullable: true },
    { name: 'Password', type: text(60), nullable: true },
  ],
};
const staff: MaskTable = { name: 'staff', columns: [column(text(), { name: 'phone' }), column(text(), { name: 'password' })] };
const tables = [customer, staff];

const compile = (yaml: string, env: NodeJS.ProcessEnv = { REDB_MASK_SECRET: 'a secret' }) =>
  compileMasker(parsePolicy(`secret: env:REDB_MASK_SECRET\n${yaml}`, 'mask.yaml'), { env, tables });

const maskRow = (masker: ReturnType<typeof compile>, table: MaskTable, row: unknown[], columns = table.columns.map((c) => c.name)) => {
  const copy = [...row];
  masker.rowMasker(table, columns)?.(copy);
  return copy;
};

describe('matching', () => {
  test('names match case-insensitively, with or without the schema, and the first matching rule wins', () => {
    const m = compile('rules:\n  - match: customer.email\n    transform: email\n  - match: sales.CUSTOMER.p*\n    transform: redact\n');
    const out = maskRow(m, customer, [1, 'ann@corp.com', '555-1234', 'pw']);
    expect(out[0]).toBe(1);
    expect(out[1]).toMatch(/@example\.com$/);
    expect(out[2]).toBe('********');
    expect(out[3]).toBe('**');
  });

  test('a glob such as *.phone reaches every table, and leaves other columns alone', () => {
    const m = compile('rules:\n  - match: "*.phone"\n    transform: phone\n');
    expect(maskRow(m, staff, ['555-1234', 'x'])).toEqual([expect.stringMatching(/^\d{3}-\d{4}$/), 'x']);
    expect(maskRow(m, staff, ['555-1234', 'x'])[0]).not.toBe('555-1234');
    expect(maskRow(m, customer, [1, 'a@b.co', '555-1234', 'pw'])[2]).not.toBe('555-1234');
    expect(m.rowMasker(staff, ['password'])).toBeUndefined();
  });

  test('a three-part pattern names the schema, and a table without one only matches a * schema', () => {
    const m = compile('rules:\n  - match: "*.staff.phone"\n    transform: redact\n  - match: sales.customer.phone\n    transform: redact\n');
    expect(maskRow(m, staff, ['555', 'x'])[0]).toBe('***');
    expect(maskRow(m, customer, [1, 'a@b.co', '555', 'pw'])[2]).toBe('***');
    const elsewhere = compile('rules:\n  - match: "hr.*.phone"\n    transform: redact\n');
    expect(maskRow(elsewhere, staff, ['555', 'x'])[0]).toBe('555');
    expect(maskRow(elsewhere, customer, [1, 'a@b.co', '555', 'pw'])[2]).toBe('555');
  });

  test('the row masker follows the column order it is given, including a subset', () => {
    const m = compile('rules:\n  - match: customer.phone\n    transform: redact\n');
    expect(maskRow(m, customer, ['555', 7], ['Phone', 'Id'])).toEqual(['***', 7]);
  });
});

describe('deny', () => {
  test('a column entry denies the column, which the row masker writes as NULL', () => {
    const m = compile('deny: [customer.password, "*.phone"]\n');
    expect(m.deniedColumns(customer)).toEqual(['Phone', 'Password']);
    expect(m.deniesTable(customer)).toBe(false);
    expect(maskRow(m, customer, [1, 'a@b.co', '555', 'pw'])).toEqual([1, 'a@b.co', null, null]);
  });

  test('a one-part entry, or { table }, denies the whole table', () => {
    expect(compile('deny: [staff]\n').deniesTable(staff)).toBe(true);
    expect(compile('deny: [staff]\n').deniesTable(customer)).toBe(false);
    expect(compile('deny:\n  - table: sales.customer\n').deniesTable(customer)).toBe(true);
  });

  test('deny wins over a rule for the same column', () => {
    const m = compile('rules:\n  - match: customer.password\n    transform: hash\ndeny: [customer.password]\n');
    expect(maskRow(m, customer, [1, 'a@b.co', null, 'pw'])[3]).toBeNull();
  });
});

describe('checks against the database', () => {
  test('a rule naming an unknown column is REDB_POLICY_UNKNOWN_COLUMN at its line', () => {
    const e = thrown(() => compile('rules:\n  - match: customer.email\n    transform: email\n  - match: customer.emial\n    transform: email\n'));
    expect(e.code).toBe('REDB_POLICY_UNKNOWN_COLUMN');
    expect(e.message).toBe("mask.yaml:5: 'customer.emial' names no column of Customer");
  });

  test('an unknown table, in a rule or a deny entry, is named too; a glob that matches nothing is not an error', () => {
    expect(thrown(() => compile('rules:\n  - match: client.email\n    transform: email\n')).message).toBe(
      "mask.yaml:3: 'client.email' names no table of the database",
    );
    expect(thrown(() => compile('deny:\n  - audit\n')).message).toBe("mask.yaml:3: 'audit' names no table of the database");
    expect(thrown(() => compile('deny:\n  - staff.pasword\n')).code).toBe('REDB_POLICY_UNKNOWN_COLUMN');
    expect(() => compile('rules:\n  - match: "*.ssn"\n    transform: keep-format\n')).not.toThrow();
  });

  test('a transform that does not fit a column is a policy error at its line, before any row', () => {
    const e = thrown(() => compile('rules:\n  - match: customer.id\n    transform: email\n'));
    expect(e.code).toBe('REDB_POLICY_INVALID');
    expect(e.message).toMatch(/^mask\.yaml:3: rules\.0: email cannot mask sales\.Customer\.Id: it applies to text columns/);
  });

  test('without tables, names are not checked and a misfit surfaces when the table is first masked', () => {
    const m = compileMasker(
      parsePolicy('secret: s\nrules:\n  - match: customer.id\n    transform: name\n  - match: nowhere.x\n    transform: hash\n', 'mask.yaml'),
      {},
    );
    expect(thrown(() => m.rowMasker(customer, ['Id'])).code).toBe('REDB_POLICY_INVALID');
  });
});

describe('the secret', () => {
  test('comes from the environment, and a different secret masks differently', () => {
    const yaml = 'rules:\n  - match: customer.email\n    transform: email\n';
    const a = maskRow(compile(yaml, { REDB_MASK_SECRET: 'one' }), customer, [1, 'a@b.co', null, null]);
    const b = maskRow(compile(yaml, { REDB_MASK_SECRET: 'two' }), customer, [1, 'a@b.co', null, null]);
    expect(a[1]).not.toBe(b[1]);
  });

  test('an unset variable, or no secret for a keyed transform, is REDB_POLICY_SECRET_MISSING', () => {
    expect(thrown(() => compile('rules: []\n', {})).code).toBe('REDB_POLICY_SECRET_MISSING');
    const noSecret = parsePolicy('rules:\n  - match: customer.email\n    transform: email\n', 'mask.yaml');
    expect(thrown(() => compileMasker(noSecret, { tables })).message).toMatch(/uses email, which is keyed/);
    // Unkeyed transforms need no secret.
    expect(() => compileMasker(parsePolicy('rules:\n  - match: customer.phone\n    transform: redact\n', 'mask.yaml'), { tables })).not.toThrow();
  });
});

test('shift-date with `by` moves every date of a row by the same amount, keyed on the original row key', () => {
  const visit: MaskTable = {
    name: 'visit',
    columns: [
      { name: 'patient', type: integer(32), nullable: false },
      { name: 'admitted', type: { kind: 'date', native: 'date' }, nullable: false },
      { name: 'discharged', type: { kind: 'date', native: 'date' }, nullable: true },
    ],
  };
  const policy = parsePolicy(
    'secret: s\nrules:\n  - match: visit.patient\n    transform: pseudonym\n  - match: "visit.*ed"\n    transform: shift-date\n    options: { by: patient, days: 100 }\n',
    'mask.yaml',
  );
  const mask = compileMasker(policy, { tables: [visit] }).rowMasker(visit, ['patient', 'admitted', 'discharged']);
  const rows = [7, 8, 9].map((p) => [p, '2020-01-10', '2020-01-20']);
  for (const row of rows) mask?.(row);
  for (const row of rows) expect((Date.parse(row[2] as string) - Date.parse(row[1] as string)) / 86_400_000).toBe(10);
  expect(new Set(rows.map((r) => r[1])).size).toBeGreaterThan(1);
  const bad = parsePolicy('secret: s\nrules:\n  - match: visit.admitted\n    transform: shift-date\n    options: { by: nobody }\n', 'mask.yaml');
  expect(thrown(() => compileMasker(bad, { tables: [visit] })).code).toBe('REDB_POLICY_UNKNOWN_COLUMN');
});

test('maskTableOf marks columns that a key, constraint or unique index covers alone', () => {
  const table = Table.parse({
    name: 'person',
    columns: [
      { name: 'id', type: integer(32), nullable: false },
      { name: 'email', type: text(100), nullable: false },
      { name: 'a', type: text(10), nullable: true },
      { name: 'b', type: text(10), nullable: true },
      { name: 'ssn', type: text(11), nullable: true },
    ],
    primaryKey: { columns: ['id'] },
    uniques: [{ columns: ['a', 'b'] }],
    indexes: [
      { name: 'person_email', unique: true, keys: [{ column: 'email' }] },
      { name: 'person_ssn', unique: true, keys: [{ column: 'ssn' }], where: 'ssn IS NOT NULL' },
    ],
  });
  expect(maskTableOf(table).columns.map((c) => [c.name, c.unique])).toEqual([
    ['id', true],
    ['email', true],
    ['a', false],
    ['b', false],
    ['ssn', false],
  ]);
});
