import { describe, expect, it } from 'vitest';
import type { RedbError } from '../../src/errors.js';
import { parseAccessPolicy, type Principal } from '../../src/policy/index.js';

/**
 * Access decisions (Cedar, in process): whether, and clear or masked, per principal; refusals carry
 * their reasons; a policy that does not validate is refused at load, naming its line.
 */
const POLICY = `// Who sees what in the app database.
@id("admins see everything")
permit(principal in Role::"admin", action, resource);

@id("analysts read masked")
permit(
  principal in Role::"analyst",
  action in [Action::"readTable", Action::"readColumnMasked", Action::"sample"],
  resource in Database::"app"
);

@id("ops token sees customers clear")
permit(principal == Token::"tok-ops", action in [Action::"readTable", Action::"readColumnClear"], resource in Table::"app/customer");

@id("payroll is nobody's business")
forbid(principal, action in [Action::"readTable", Action::"sample", Action::"replicate"], resource == Table::"app/payroll");

@id("assistants only through MCP")
forbid(principal is Token, action, resource) unless { context.via == "mcp" };

@id("admins migrate and push")
permit(principal in Role::"admin", action in [Action::"migrate", Action::"push"], resource);
`;

const ops: Principal = { kind: 'token', id: 'tok-ops', name: 'ops dashboard' };
const analyst: Principal = { kind: 'token', id: 'tok-bi', name: 'bi', roles: ['analyst'] };
const alice: Principal = { kind: 'identity', id: 'did:key:z6MkAlice', name: 'alice', roles: ['admin'] };
const bob: Principal = { kind: 'identity', id: 'did:key:z6MkBob', name: 'bob', roles: ['member'] };
const local: Principal = { kind: 'local', roles: ['analyst'] };

describe('access decisions', () => {
  it('two principals under two policies see the same column clear and masked', async () => {
    const p = await parseAccessPolicy(POLICY, 'access.cedar');
    expect(p.column(ops, 'app', 'customer', 'email', 'mcp')).toMatchObject({
      view: 'clear',
      reasons: ['permitted by ops token sees customers clear (access.cedar:12)'],
    });
    const masked = p.column(analyst, 'app', 'customer', 'email', 'mcp');
    expect(masked.view).toBe('masked');
    expect(masked.reasons[0]).toBe('permitted by analysts read masked (access.cedar:5)');
    expect(p.column(local, 'app', 'customer', 'email').view).toBe('masked');
    expect(p.column(alice, 'app', 'customer', 'email').view).toBe('clear');
  });

  it('a denied table is denied, for its rows, its columns and its samples, with the reasons', async () => {
    const p = await parseAccessPolicy(POLICY, 'access.cedar');
    for (const who of [analyst, alice, local]) {
      const t = p.table(who, 'app', 'payroll', 'mcp');
      expect(t.allowed).toBe(false);
      expect(t.reasons).toContain("forbidden by payroll is nobody's business (access.cedar:15)");
      expect(p.column(who, 'app', 'payroll', 'salary', 'mcp').view).toBe('denied');
      expect(p.decide({ principal: who, action: 'sample', resource: { kind: 'table', database: 'app', table: 'payroll' }, via: 'mcp' }).allowed).toBe(false);
    }
    // Default deny: someone no policy names gets nothing, and is told so.
    const none = p.table(bob, 'app', 'customer');
    expect(none).toEqual({ allowed: false, reasons: ['no policy permits bob (did:key:z6MkBob) to read-table table app/customer'] });
    // The ops token outside MCP, and outside its table.
    expect(p.column(ops, 'app', 'customer', 'email', 'cli').view).toBe('denied');
    expect(p.column(ops, 'app', 'invoice', 'total', 'mcp').view).toBe('denied');
  });

  it('decides migrate, replicate and push per principal and resource', async () => {
    const p = await parseAccessPolicy(POLICY, 'access.cedar');
    expect(p.decide({ principal: alice, action: 'migrate', resource: { kind: 'database', database: 'prod' } }).allowed).toBe(true);
    expect(p.decide({ principal: bob, action: 'migrate', resource: { kind: 'database', database: 'prod' } }).allowed).toBe(false);
    expect(p.decide({ principal: alice, action: 'push', resource: { kind: 'branch', branch: 'main' } }).allowed).toBe(true);
    expect(p.decide({ principal: alice, action: 'replicate', resource: { kind: 'table', database: 'app', table: 'payroll' } }).allowed).toBe(false);
    expect(p.decide({ principal: alice, action: 'replicate', resource: { kind: 'database', database: 'app' } }).allowed).toBe(true);
    // An action on the wrong kind of resource is a denial with a reason, not an exception.
    const odd = p.decide({ principal: alice, action: 'push', resource: { kind: 'database', database: 'app' } });
    expect(odd.allowed).toBe(false);
    expect(odd.reasons.length).toBeGreaterThan(0);
  });
});

describe('a policy that does not validate', () => {
  const refused = async (text: string): Promise<RedbError> => {
    try {
      await parseAccessPolicy(text, 'access.cedar');
    } catch (e) {
      return e as RedbError;
    }
    throw new Error('the policy was accepted');
  };

  it('is refused at load, naming the line: a syntax error, an unknown action, an unknown attribute, an unknown entity type', async () => {
    const cases: [string, number, RegExp][] = [
      ['permit(principal, action, resource);\n\npermit(principal,, action, resource);\n', 3, /unexpected token/],
      ['permit(principal, action, resource);\npermit(principal, action == Action::"dropTable", resource);\n', 2, /unrecognized action/],
      ['permit(principal is Identity, action, resource)\nwhen { principal.nmae == "alice" };\n', 2, /nmae/],
      ['\n\nforbid(principal in Group::"x", action, resource);\n', 3, /Group/],
    ];
    for (const [text, line, message] of cases) {
      const e = await refused(text);
      expect(e.code, text).toBe('REDB_ACCESS_POLICY_INVALID');
      expect(e.data.line, text).toBe(line);
      expect(e.message, text).toMatch(message);
      expect(e.message.startsWith(`access.cedar:${line}: `), e.message).toBe(true);
    }
  });
});
