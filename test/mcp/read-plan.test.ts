import { describe, expect, it } from 'vitest';
import { grantBeyondReading } from '../../src/adapters/mysql/read-checks.js';
import { isQuery } from '../../src/adapters/mysql/statement-kind.js';
import { beyondPlan, readPlan, relationKey, type CatalogRelation } from '../../src/adapters/read-plan.js';
import { columnVerdicts, parsePolicy } from '../../src/policy/index.js';

const policy = columnVerdicts(parsePolicy('rules:\n  - match: users.email\n    transform: redact\ndeny:\n  - users.password\n  - audit\n', 'p.yaml'));
const users: CatalogRelation = {
  schema: 'app',
  name: 'users',
  kind: 'table',
  columns: ['id', 'email', 'password', 'shout'],
  generated: { shout: ['password'] },
};
const plan = (relations: CatalogRelation[], p = policy) => readPlan(relations, p);

describe('the read plan: what a read login is granted under a policy (pure)', () => {
  it('grants tables whole, in part, or not at all; a generated column follows what it is computed from', () => {
    const plans = plan([users, { name: 'audit', kind: 'table', columns: ['at'] }, { name: 'notes', kind: 'table', columns: ['id'] }]);
    expect(plans.get(relationKey(users))).toEqual({ grant: 'columns', columns: ['id'], withheld: ['email', 'password', 'shout'] });
    expect(plans.get(relationKey({ name: 'audit' }))).toEqual({ grant: 'none', reason: 'is denied by the policy' });
    expect(plans.get(relationKey({ name: 'notes' }))).toEqual({ grant: 'all' });
  });

  it('grants a view with its owner’s rights only when what it reads is clear of the policy and of the system catalogs', () => {
    const view = (name: string, reads: CatalogRelation['reads']): CatalogRelation => ({
      schema: 'app',
      name,
      kind: 'view',
      columns: ['x'],
      ownerRights: true,
      reads,
    });
    const plans = plan([
      users,
      view('ids', [{ table: { schema: 'app', name: 'users' }, column: 'id' }]),
      view('emails', [{ table: { schema: 'app', name: 'users' }, column: 'email' }]),
      view('whole', [{ table: { schema: 'app', name: 'users' } }]),
      view('counted', [{ table: { schema: 'app', name: 'users' }, rowsOnly: true }]),
      view('hashes', [{ table: { schema: 'pg_catalog', name: 'pg_authid' }, system: true }]),
      view('nested', [{ table: { schema: 'app', name: 'emails' }, column: 'x' }]),
      { schema: 'app', name: 'opaque', kind: 'view', columns: ['x'], ownerRights: true, unknownReads: 'calls a stored function' },
      { schema: 'app', name: 'invoker', kind: 'view', columns: ['x'], ownerRights: false },
    ]);
    const grant = (name: string) => plans.get(relationKey({ schema: 'app', name }))?.grant;
    expect(['ids', 'emails', 'whole', 'counted', 'hashes', 'nested', 'opaque', 'invoker'].map(grant)).toEqual([
      'all',
      'none',
      'none',
      'all',
      'none',
      'none',
      'none',
      'all',
    ]);
    // Without a policy a view is still kept from the system catalogs.
    const open = plan([view('hashes', [{ table: { schema: 'pg_catalog', name: 'pg_authid' }, system: true }])], columnVerdicts(undefined));
    expect(open.get(relationKey({ schema: 'app', name: 'hashes' }))?.grant).toBe('none');
  });

  it('names what a login may read beyond the plan, hidden columns first', () => {
    const plans = plan([users, { name: 'audit', kind: 'table', columns: ['at'] }]);
    expect(
      beyondPlan(
        [
          { name: 'audit', columns: ['at'] },
          { schema: 'app', name: 'users', columns: ['id', 'email'] },
          { name: 'other', columns: [] },
        ],
        plans,
      ),
    ).toEqual(['app.users.email, which the policy masks or denies', 'audit, which is denied by the policy']);
  });
});

describe('MariaDB: grants and statement kinds a read login may have (pure)', () => {
  it('allows SELECT and SHOW VIEW on the project database alone', () => {
    expect(grantBeyondReading("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*AB'", 'app')).toBeUndefined();
    expect(grantBeyondReading('GRANT SELECT (`a`, `b`), SHOW VIEW ON `app`.`t` TO `u`@`%`', 'app')).toBeUndefined();
    expect(grantBeyondReading('GRANT FILE ON *.* TO `u`@`%`', 'app')).toBe('FILE on every database');
    expect(grantBeyondReading('GRANT SELECT ON `mysql`.* TO `u`@`%`', 'app')).toBe('SELECT on `mysql`.*');
    expect(grantBeyondReading('GRANT EXECUTE ON FUNCTION `app`.`f` TO `u`@`%`', 'app')).toMatch(/^EXECUTE on FUNCTION/);
    expect(grantBeyondReading('GRANT `admin` TO `u`@`%`', 'app')).toMatch(/^a role/);
  });

  it('lets queries through and nothing else, past comments but not executable ones', () => {
    for (const sql of [
      'SELECT 1',
      ' (SELECT 1) UNION (SELECT 2)',
      'WITH a AS (SELECT 1) SELECT * FROM a',
      'VALUES (1)',
      '-- note\nSELECT 1',
      '# note\n/* x */ select 1',
    ])
      expect(isQuery(sql), sql).toBe(true);
    for (const sql of [
      'CHECKSUM TABLE t',
      '/*!CHECKSUM TABLE t*/',
      '/*M!100000 CHECKSUM TABLE t */',
      'SHOW TABLES',
      'HANDLER t OPEN',
      '--x\nSELECT 1',
      'DO 1',
      '',
    ])
      expect(isQuery(sql), sql).toBe(false);
  });
});
