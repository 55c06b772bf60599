import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinookCopy, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

/**
 * The project's access policy enforced for the local user on the CLI: `clone` (and `verify`) need
 * `replicate` on the source, tables and columns follow the policy, `migrate` needs `migrate`.
 * The built CLI on a real SQLite copy of Chinook.
 */
const READ = `@id("the local user reads the app")
permit(principal is LocalUser, action in [Action::"readTable", Action::"readColumnClear"], resource in Database::"app");
`;

const REPLICATE = `@id("the local user copies the app")
permit(principal is LocalUser, action in [Action::"replicate", Action::"readTable", Action::"readColumnClear"], resource in Database::"app");

@id("emails leave only masked")
forbid(principal, action == Action::"readColumnClear", resource == Column::"app/Customer/Email");
permit(principal is LocalUser, action == Action::"readColumnMasked", resource == Column::"app/Customer/Email");

@id("phones never leave")
forbid(principal, action == Action::"readColumnClear", resource == Column::"app/Customer/Phone");

@id("staff stay home")
forbid(principal, action == Action::"replicate", resource == Table::"app/Employee");
`;

const MIGRATE = `${READ}
@id("the local user migrates the app")
permit(principal is LocalUser, action == Action::"migrate", resource == Database::"app");
`;

describe('the access policy on clone, verify and migrate (the local user)', () => {
  const tmp = tempDir('redb-access-');
  const root = tmp.path;
  const env = { REDB_AUTHOR_NAME: 'ada', REDB_AUTHOR_EMAIL: 'ada@example.com', NO_COLOR: '1' };
  const usePolicy = (text: string) => {
    writeFileSync(join(root, 'access.cedar'), text);
    redbOk(root, ['config', 'access.policy', 'access.cedar'], env);
  };
  const accessLog = () =>
    existsSync(join(root, '.redb', 'state', 'access.log'))
      ? readFileSync(join(root, '.redb', 'state', 'access.log'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, string>)
      : [];

  beforeAll(() => {
    chinookCopy(root, 'app.db');
    redbOk(root, ['init'], env);
    redbOk(root, ['db', 'add', 'app', 'sqlite:app.db'], env);
    redbOk(root, ['pull', 'app'], env);
    redbOk(root, ['commit', '-m', 'chinook'], env);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('refuses a clone of a database the policy does not let the local user replicate, before anything is written, and logs it', () => {
    usePolicy(READ);
    const r = redb(root, ['clone', 'app', 'sqlite:copy.db', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[REDB_ACCESS_DENIED\]: the local user may not replicate database app \(no policy permits the local user to replicate database app\)/m,
    );
    expect(existsSync(join(root, 'copy.db'))).toBe(false);
    const verified = redb(root, ['verify', 'app', 'sqlite:app.db'], env);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/REDB_ACCESS_DENIED/);
    const log = accessLog();
    expect(log.filter((e) => e.command === 'clone')).toEqual([
      expect.objectContaining({ principal: 'the local user', via: 'cli', refused: expect.stringMatching(/^replicate database app: no policy permits/) }),
    ]);
    expect(log.some((e) => e.command === 'verify')).toBe(true);
  });

  it('refuses replication of a database the policy does not let the local user replicate: no capture is set up on the source, and it is logged', () => {
    usePolicy(READ);
    const r = redb(root, ['replicate', 'app', 'sqlite:replica.db', '--name', 'denied', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[REDB_ACCESS_DENIED\]: the local user may not replicate database app/m);
    expect(existsSync(join(root, 'replica.db'))).toBe(false);
    // Nothing made on the source: no capture triggers, no change table.
    const db = new Sqlite(join(root, 'app.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'redb_%'").all()).toEqual([]);
    } finally {
      db.close();
    }
    expect(accessLog().some((e) => e.command === 'replicate' && /^replicate database app/.test(e.refused ?? ''))).toBe(true);
  });

  it('refuses a column the policy wants masked when no masking rule says how, naming the rule to add', () => {
    usePolicy(REPLICATE);
    const r = redb(root, ['clone', 'app', 'sqlite:copy.db', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[REDB_ACCESS_MASK_MISSING\]: the access policy lets the local user see app\/Customer\.Email only masked, but no masking policy is in use \(give a masking policy .* with a rule such as: - \{ match: Customer\.Email, transform: redact \}\)/m,
    );
    writeFileSync(join(root, 'other.yaml'), 'rules:\n  - match: Invoice.BillingAddress\n    transform: redact\n');
    const partial = redb(root, ['clone', 'app', 'sqlite:copy.db', '--mask', 'other.yaml', '--yes'], env);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(
      /REDB_ACCESS_MASK_MISSING.*the masking policy other\.yaml has no rule for it \(add a rule to other\.yaml, such as: - \{ match: Customer\.Email, transform: redact \}/,
    );
    const copy = join(root, 'copy.db');
    if (existsSync(copy)) {
      const c = new Sqlite(copy, { readonly: true });
      expect(c.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
      c.close();
    }
  });

  it('copies what the policy allows: masked columns masked, denied ones NULL, denied tables left out; verify agrees', () => {
    usePolicy(REPLICATE);
    writeFileSync(join(root, 'mask.yaml'), 'rules:\n  - match: Customer.Email\n    transform: redact\n');
    const r = redbOk(root, ['clone', 'app', 'sqlite:copy.db', '--mask', 'mask.yaml', '--yes', '--json'], env);
    // --json is a stream of events, the result last.
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as { type: string; denied: string[]; tables: { table: string }[] };
    expect(result.type).toBe('result');
    expect(result.denied).toEqual(['Employee']);
    expect(result.tables.map((t) => t.table)).not.toContain('Employee');
    const src = new Sqlite(join(root, 'app.db'), { readonly: true });
    const dst = new Sqlite(join(root, 'copy.db'), { readonly: true });
    try {
      expect(dst.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Employee'").all()).toEqual([]);
      const a = src.prepare('SELECT CustomerId, FirstName, Email, Phone FROM Customer ORDER BY CustomerId').all() as Record<string, unknown>[];
      const b = dst.prepare('SELECT CustomerId, FirstName, Email, Phone FROM Customer ORDER BY CustomerId').all() as Record<string, unknown>[];
      expect(b.map((x) => x.FirstName)).toEqual(a.map((x) => x.FirstName));
      expect(b.every((x) => x.Phone === null)).toBe(true);
      expect(a.some((x) => x.Phone !== null)).toBe(true);
      for (const [i, x] of b.entries()) expect(x.Email).not.toBe(a[i]?.Email);
    } finally {
      src.close();
      dst.close();
    }
    const v = JSON.parse(redbOk(root, ['verify', 'app', 'sqlite:copy.db', '--mask', 'mask.yaml', '--json'], env).stdout) as { denied: string[] };
    expect(v.denied).toEqual(['Employee']);
    // Naming a denied table is a refusal, not a silent omission.
    const named = redb(root, ['clone', 'app', 'sqlite:copy2.db', '--tables', 'Employee', '--mask', 'mask.yaml', '--yes'], env);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(
      /^error\[REDB_ACCESS_DENIED\]: the local user may not replicate table app\/Employee \(forbidden by staff stay home \(access\.cedar:11\)\)/m,
    );
    expect(accessLog().some((e) => e.command === 'clone' && /^replicate table app\/Employee/.test(e.refused ?? ''))).toBe(true);
  });

  it('checks migrate on the database for the local user; a dry run is not a migration', () => {
    usePolicy(READ);
    const refused = redb(root, ['migrate', 'app', '--yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[REDB_ACCESS_DENIED\]: the local user may not migrate database app/m);
    expect(accessLog().some((e) => e.command === 'migrate' && /^migrate database app/.test(e.refused ?? ''))).toBe(true);
    expect(redb(root, ['migrate', 'app', '--dry-run'], env).code).toBe(0);
    usePolicy(MIGRATE);
    expect(redb(root, ['migrate', 'app', '--yes'], env).code).toBe(0);
    // Unset, there is no policy and nothing is checked.
    redbOk(root, ['config', 'access.policy', ''], env);
    expect(redb(root, ['config', 'access.policy'], env).code).toBe(1);
    expect(JSON.parse(readFileSync(join(root, '.redb', 'redb.json'), 'utf8'))).not.toHaveProperty('access');
  });
});
