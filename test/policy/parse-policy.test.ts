import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPolicy, parsePolicy } from '../../src/policy/index.js';
import { thrown } from './helpers.js';

const error = (text: string) => thrown(() => parsePolicy(text, 'mask.yaml'));

describe('parsePolicy', () => {
  test('reads the documented example, remembering the line of each rule and deny entry', () => {
    const policy = parsePolicy(
      [
        'secret: env:REDB_MASK_SECRET',
        'rules:',
        '  - match: customer.email',
        '    transform: email',
        '  - match: payment.amount',
        '    transform: noise',
        '    options: { percent: 10 }',
        'deny:',
        '  - staff.password',
        '  - staff',
        '  - table: hr.salaries',
      ].join('\n'),
      'mask.yaml',
    );
    expect(policy.secret).toBe('env:REDB_MASK_SECRET');
    expect(policy.rules.map((r) => [r.match, r.transform, r.line])).toEqual([
      ['customer.email', 'email', 3],
      ['payment.amount', 'noise', 5],
    ]);
    expect(policy.rules[1]?.options).toEqual({ percent: 10 });
    expect(policy.deny).toEqual([
      { kind: 'column', pattern: 'staff.password', line: 9 },
      { kind: 'table', pattern: 'staff', line: 10 },
      { kind: 'table', pattern: 'hr.salaries', line: 11 },
    ]);
  });

  test('an empty file is an empty policy', () => {
    expect(parsePolicy('', 'mask.yaml')).toEqual({ source: 'mask.yaml', secret: undefined, rules: [], deny: [] });
  });

  const cases: [string, string, number, string, RegExp][] = [
    ['an unknown transform', 'rules:\n  - match: a.b\n    transform: emial\n', 3, 'rules.0.transform', /unknown transform; one of: hash, pseudonym/],
    ['an option out of bounds', 'rules:\n  - match: a.b\n    transform: noise\n    options:\n      percent: 200\n', 5, 'rules.0.options.percent', /100/],
    ['an unknown option', 'rules:\n  - match: a.b\n    transform: noise\n    options:\n      pct: 2\n', 5, 'rules.0.options.pct', /unknown field/],
    [
      'options a transform requires',
      'rules:\n  - match: a.b\n    transform: email\n  - match: a.c\n    transform: constant\n',
      4,
      'rules.1.options',
      /required/,
    ],
    ['a pattern without a column', 'secret: x\nrules:\n  - match: customer\n    transform: email\n', 3, 'rules.0.match', /table\.column/],
    ['a missing match', 'rules:\n  - transform: email\n', 2, 'rules.0.match', /required/],
    ['an unknown top-level field', 'secret: s\nrulez: []\n', 2, 'rulez', /unknown field/],
    ['a deny entry of four parts', 'deny:\n  - a.b.c.d\n', 2, 'deny.0', /table, table\.column/],
    ['a newer version', 'version: 2\n', 1, 'version', /1/],
  ];
  test.each(cases)('%s is REDB_POLICY_INVALID naming the source, line and field', (_what, text, line, field, detail) => {
    const e = error(text);
    expect(e.code).toBe('REDB_POLICY_INVALID');
    expect(e.data).toMatchObject({ source: 'mask.yaml', line, field });
    expect(e.message).toContain(`mask.yaml:${line}: ${field}: `);
    expect(e.message).toMatch(detail);
  });

  test('broken YAML names its line', () => {
    const e = error('rules:\n  - match: a.b\n    transform: [email\n');
    expect(e.code).toBe('REDB_POLICY_INVALID');
    expect(e.message).toMatch(/^mask\.yaml:\d+: not valid YAML/);
    expect(e.data.line).toBeGreaterThan(1);
  });

  test('loadPolicy reads a file and names it in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redb-policy-'));
    const file = join(dir, 'mask.yaml');
    writeFileSync(file, 'rules:\n  - match: a.b\n    transform: hash\n');
    expect((await loadPolicy(file)).rules).toHaveLength(1);
    writeFileSync(file, 'deny: 3\n');
    await expect(loadPolicy(file)).rejects.toMatchObject({ code: 'REDB_POLICY_INVALID', data: { source: file, line: 1, field: 'deny' } });
    await expect(loadPolicy(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'REDB_POLICY_INVALID', message: expect.stringMatching(/ENOENT/) });
  });
});
