import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sqliteAdapter } from '../../src/adapters/sqlite/index.js';
import { compileMasker, maskTableOf, parsePolicy, suggestPolicy, suggestRules, type MaskTable } from '../../src/policy/index.js';
import { chinookCopy, redb, redbOk } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { column, integer, text } from './helpers.js';

/** The suggested entries as `pattern → transform` (deny entries as `pattern → deny`). */
function entries(yaml: string): Record<string, string> {
  const policy = parsePolicy(yaml, 'suggested.yaml');
  return Object.fromEntries([...policy.rules.map((r) => [r.match, r.transform]), ...policy.deny.map((d) => [d.pattern, 'deny'])]);
}

describe('suggestPolicy', () => {
  const people: MaskTable = {
    name: 'people',
    columns: [
      column(integer(32), { name: 'id', unique: true, nullable: false }),
      column(text(80), { name: 'contact' }),
      column(text(40), { name: 'reach' }),
      column(text(25), { name: 'ref' }),
      column(text(60), { name: 'passwordHash' }),
      column(text(60), { name: 'api_token' }),
      column(text(40), { name: 'name', unique: true }),
      column(text(10), { name: 'code' }),
    ],
  };
  const rows = [
    [1, 'ann@corp.com', '+1 (555) 010-2000', '4111 1111 1111 1111', 'x', 'y', 'Ann', '1234567890'],
    [2, 'bob@corp.org', '+44 20 7946 0000', '5500-0000-0000-0004', 'x', 'y', 'Bob', '2345678901'],
    [3, null, '555-0100', '340000000000009', 'x', 'y', 'Cy', '3456789012'],
  ];

  test('recognises columns by their values, denies secrets, and explains each entry', async () => {
    const yaml = await suggestPolicy([people], async () => rows);
    expect(entries(yaml)).toEqual({
      'people.contact': 'email',
      'people.reach': 'phone',
      'people.ref': 'credit-card',
      'people.passwordHash': 'deny',
      'people.api_token': 'deny',
      'people.name': 'keep-format',
    });
    expect(yaml).toContain('# 2 of 2 sampled values are e-mail addresses\n  - match: people.contact');
    expect(yaml).toContain('# 3 of 3 sampled values are Luhn-valid card numbers');
    expect(yaml).toMatch(/# people\.name names a person; name does not fit: the column is unique/);
  });

  test('what it suggests compiles against the same tables', async () => {
    const suggested = parsePolicy(await suggestPolicy([people], async () => rows), 'suggested.yaml');
    expect(() => compileMasker(suggested, { env: { REDB_MASK_SECRET: 's' }, tables: [people] })).not.toThrow();
  });

  test('a bare name column outside a person-like table, and plain numbers, are left alone', async () => {
    const artist: MaskTable = { name: 'Artist', columns: [column(text(120), { name: 'Name' }), column(text(20), { name: 'Isrc' })] };
    expect(
      await suggestRules([artist], async () => [
        ['AC/DC', '1234567890'],
        ['Accept', '9876543210'],
      ]),
    ).toEqual([]);
  });
});

describe('redb mask suggest', () => {
  const dir = tempDir();
  beforeAll(() => {
    redbOk(dir.path, ['init']);
  });
  afterAll(() => dir.cleanup());

  test('on a copy of the Chinook SQLite database: people-related columns, reasons, and a policy that compiles', async () => {
    const file = chinookCopy(dir.path);
    const r = redbOk(dir.path, ['mask', 'suggest', `sqlite:${file}`]);
    const found = entries(r.stdout);
    expect(found).toMatchObject({
      'Customer.Email': 'email',
      'Customer.Phone': 'phone',
      'Customer.FirstName': 'name',
      'Customer.LastName': 'name',
      'Customer.Address': 'keep-format',
      'Employee.Phone': 'phone',
      'Employee.Email': 'email',
      'Employee.BirthDate': 'shift-date',
    });
    expect(found['Artist.Name']).toBeUndefined();
    expect(found['Track.Name']).toBeUndefined();
    expect(r.stdout).toContain('  # the name Email says an e-mail address\n  - match: Customer.Email\n    transform: email\n');

    const connection = await sqliteAdapter.connect({ name: 'chinook', url: `sqlite:${file}`, cwd: dir.path });
    try {
      const tables = (await connection.introspect()).tables.map(maskTableOf);
      const masker = compileMasker(parsePolicy(r.stdout, 'suggested.yaml'), { env: { REDB_MASK_SECRET: 'chinook' }, tables });
      const customer = tables.find((t) => t.name === 'Customer') as MaskTable;
      const names = customer.columns.map((c) => c.name);
      const [row] = (await connection.sampleRows?.({ name: 'Customer', columns: names }, 1)) ?? [];
      const masked = [...(row as unknown[])];
      masker.rowMasker(customer, names)?.(masked);
      const at = (name: string) => names.indexOf(name);
      expect(masked[at('CustomerId')]).toBe(row?.[at('CustomerId')]);
      expect(masked[at('Email')]).toMatch(/^[a-z2-7]{26}@example\.com$/);
      expect(masked[at('Phone')]).not.toBe(row?.[at('Phone')]);
    } finally {
      await connection.close();
    }
  });

  test('--json gives the suggestions and the YAML', () => {
    const file = chinookCopy(dir.path, 'json.db');
    const result = JSON.parse(redbOk(dir.path, ['mask', 'suggest', `sqlite:${file}`, '--json']).stdout) as {
      engine: string;
      sampled: boolean;
      tables: number;
      suggestions: { table: string; column: string; action: string; reason: string }[];
      yaml: string;
    };
    expect(result).toMatchObject({ engine: 'sqlite', sampled: true, tables: 11 });
    expect(result.suggestions).toContainEqual({ table: 'Employee', column: 'Phone', action: 'phone', reason: 'the name Phone says a phone number' });
    expect(entries(result.yaml)['Employee.Phone']).toBe('phone');
  });

  test('a database that cannot be opened is a one-line error with exit code 1', () => {
    const r = redb(dir.path, ['mask', 'suggest', `sqlite:${join(dir.path, 'missing.db')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[REDB_DB_UNREACHABLE\]: .*no SQLite database at/);
    expect(r.stderr).toContain('that the file (and its folder) exists');
    expect(r.stdout).toBe('');
  });

  test('runs on a URL outside any project, as clone does; a bound name there says there is no project', () => {
    const outside = tempDir('redb-norepo-');
    try {
      const file = chinookCopy(outside.path, 'src.db');
      expect(entries(redbOk(outside.path, ['mask', 'suggest', `sqlite:${file}`]).stdout)['Customer.Email']).toBe('email');
      const named = redb(outside.path, ['mask', 'suggest', 'prod']);
      expect(named.code).toBe(1);
      expect(named.stderr).toMatch(/^error\[REDB_NOT_A_REPOSITORY\]/);
    } finally {
      outside.cleanup();
    }
  });
});

describe('redb mask suggest against a real PostgreSQL server', () => {
  const dir = tempDir();
  let pg: ScratchDb;
  beforeAll(async () => {
    pg = await postgresEngine.create();
    await pg.exec(`CREATE SCHEMA crm;
      CREATE TABLE crm.customer (id serial PRIMARY KEY, email varchar(120) NOT NULL UNIQUE, first_name text NOT NULL,
        mobile varchar(30), password_hash text, date_of_birth date, note text, loyalty_card varchar(19), city text);
      INSERT INTO crm.customer (email, first_name, mobile, password_hash, date_of_birth, note, loyalty_card, city)
      SELECT 'user' || g || '@corp.com', 'Ann', '+1 555 010 ' || lpad(g::text, 4, '0'), 'x', DATE '1980-01-01' + g,
        'contact: ' || g, CASE WHEN g % 2 = 0 THEN '4111111111111111' ELSE '5500000000000004' END, 'Oslo'
      FROM generate_series(1, 150) g;
      CREATE TABLE public.ticket (id bigint PRIMARY KEY, reporter text, body text);
      INSERT INTO public.ticket SELECT g, 'person' || g || '@example.org', 'text' FROM generate_series(1, 20) g;`);
    redbOk(dir.path, ['init']);
  });
  afterAll(async () => {
    await pg.drop();
    dir.cleanup();
  });

  test('suggests schema-qualified rules from names and from sampled values', () => {
    // The password goes through the driver's own PGPASSWORD: redb refuses URLs that carry one.
    const url = new URL(pg.url);
    const env = { PGPASSWORD: decodeURIComponent(url.password) };
    url.password = '';
    const r = redbOk(dir.path, ['mask', 'suggest', url.toString()], env);
    expect(entries(r.stdout)).toEqual({
      'crm.customer.email': 'email',
      'crm.customer.first_name': 'name',
      'crm.customer.mobile': 'phone',
      'crm.customer.date_of_birth': 'shift-date',
      'crm.customer.loyalty_card': 'credit-card',
      'public.ticket.reporter': 'email',
      'crm.customer.password_hash': 'deny',
    });
    expect(r.stdout).toContain('# 100 of 100 sampled values are Luhn-valid card numbers\n  - match: crm.customer.loyalty_card');
    expect(r.stdout).toContain('# 20 of 20 sampled values are e-mail addresses\n  - match: public.ticket.reporter');
  });
});
