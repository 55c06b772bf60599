import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redbOk } from '../support/cli.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, loadChinookPostgres, redbPw, sqliteQuery } from './helpers.js';

const POLICY = `secret: env:REDB_MASK_SECRET
rules:
  - match: customer.customer_id
    transform: pseudonym
  - match: invoice.customer_id
    transform: pseudonym
  - match: customer.email
    transform: email
  - match: customer.last_name
    transform: name
    options: { part: last }
deny:
  - customer.phone
`;

describe('clone --mask (real PostgreSQL → SQLite)', () => {
  let dir: ReturnType<typeof tempDir>;
  let source: ScratchDb;
  const env = { REDB_MASK_SECRET: 'a-secret-for-tests' };

  beforeAll(async () => {
    dir = tempDir('redb-clone-mask-');
    redbOk(dir.path, ['init']);
    writeFileSync(join(dir.path, 'policy.yaml'), POLICY);
    source = await postgresEngine.create();
    loadChinookPostgres(source.url);
  });
  afterAll(async () => {
    await source?.drop();
    dir?.cleanup();
  });

  const run = (file: string) => {
    const r = redbPw(
      dir.path,
      ['clone', envUrl(source.url), `sqlite:${file}`, '--tables', 'employee,customer,invoice', '--mask', 'policy.yaml', '--allow', 'lossy', '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    return cloneResult(r);
  };

  it('masks in flight, the same way on every run, keeping foreign keys joinable', async () => {
    const first = run('one.db');
    const second = run('two.db');
    const dump = (file: string) => sqliteQuery(join(dir.path, file), 'SELECT * FROM customer ORDER BY customer_id');
    expect(dump('one.db')).toEqual(dump('two.db'));
    expect(sqliteQuery(join(dir.path, 'one.db'), 'SELECT * FROM invoice ORDER BY invoice_id')).toEqual(
      sqliteQuery(join(dir.path, 'two.db'), 'SELECT * FROM invoice ORDER BY invoice_id'),
    );

    const original = await pgQuery<{ customer_id: number; email: string; last_name: string }>(
      source.url,
      'SELECT customer_id, email, last_name FROM customer ORDER BY customer_id',
    );
    const masked = sqliteQuery<{ customer_id: number; email: string; last_name: string; phone: string | null }>(
      join(dir.path, 'one.db'),
      'SELECT customer_id, email, last_name, phone FROM customer',
    );
    expect(masked).toHaveLength(original.length);
    const originalEmails = new Set(original.map((c) => c.email));
    expect(masked.filter((c) => originalEmails.has(c.email))).toEqual([]);
    expect(masked.every((c) => c.phone === null)).toBe(true);
    expect(new Set(masked.map((c) => c.customer_id)).size).toBe(original.length);
    expect(masked.map((c) => c.customer_id).sort((a, b) => a - b)).not.toEqual(original.map((c) => c.customer_id));

    // Invoice.customer_id was pseudonymised exactly as Customer.customer_id: every invoice still finds its customer,
    // and each customer keeps the same number of invoices and the same total.
    const joined = sqliteQuery<{ n: number }>(
      join(dir.path, 'one.db'),
      'SELECT count(*) AS n FROM invoice i JOIN customer c ON c.customer_id = i.customer_id',
    )[0]?.n;
    expect(joined).toBe(412);
    const perCustomer = (rows: { n: number; total: number }[]) => rows.map((r) => `${r.n}:${Number(r.total).toFixed(2)}`).sort();
    expect(perCustomer(sqliteQuery(join(dir.path, 'one.db'), 'SELECT count(*) AS n, sum(total) AS total FROM invoice GROUP BY customer_id'))).toEqual(
      perCustomer(await pgQuery(source.url, 'SELECT count(*)::int AS n, sum(total) AS total FROM invoice GROUP BY customer_id')),
    );

    // Masked tables are verified against the source's values masked by the same policy, and the output says so.
    expect(first.verify?.map((v) => [v.table, v.countsOnly, v.match, (v as { masked?: boolean }).masked === true])).toEqual([
      ['public.employee', false, true, false],
      ['public.customer', false, true, true],
      ['public.invoice', false, true, true],
    ]);
    expect(second.tables.filter((t) => t.masked).map((t) => t.table)).toEqual(['public.customer', 'public.invoice']);
    const human = redbPw(dir.path, ['clone', envUrl(source.url), 'sqlite:three.db', '--tables', 'customer', '--mask', 'policy.yaml', '--allow', 'lossy'], env);
    expect(human.stdout).toMatch(/checksums equal \(masked\)/);
    expect(human.stdout).toContain("compared with the source's values masked by the policy");
  });
});
