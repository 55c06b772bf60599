import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { addMember, as, git, idOf, ok, person, project, startTrust } from './support.js';

/** The trust document: signed revisions on refs/redb/trust, admins, a threshold, revocation. */
const dir = mkdtempSync(join(tmpdir(), 'redb-trustdoc-'));
const alice = person(dir, 'alice');
const bob = person(dir, 'bob');
const carol = person(dir, 'carol');
let root: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  root = project(dir, alice);
  ok(alice, root, ['commit', '-m', 'Chinook']);
});

const list = (who = alice) =>
  JSON.parse(ok(who, root, ['trust', 'list', '--json']).stdout) as {
    number: number;
    threshold: number;
    members: { name: string; roles: string[] }[];
    proposal?: { summary: string };
  };
const trustRef = () => git(root, ['rev-parse', 'refs/redb/trust']).trim();

describe('starting and changing the trust document', () => {
  it('starts with its creator as admin; someone else first, or a bad id, or no card, is refused', () => {
    const bobCard = ok(bob, root, ['id', '--json']).stdout;
    const first = as(alice, root, ['trust', 'add', 'bob', (JSON.parse(bobCard) as { id: string }).id, '--card', '-'], bobCard);
    expect(errorCode(first)).toBe('REDB_TRUST_RULE');
    expect(as(alice, root, ['trust', 'add', 'x', 'not-an-id']).stderr).toMatch(/REDB_INVALID_NAME/);
    startTrust(root, alice);
    expect(errorCode(as(alice, root, ['trust', 'add', 'bob', idOf(bob, root)]))).toBe('REDB_TRUST_UNKNOWN_IDENTITY');
    expect(list()).toMatchObject({ number: 1, threshold: 1, members: [{ name: 'alice', roles: ['admin'] }] });
  });

  it('members cannot change it; admins can; each change is a revision on refs/redb/trust', () => {
    addMember(root, alice, bob);
    const carolCard = ok(carol, root, ['id', '--json']).stdout;
    const r = as(bob, root, ['trust', 'add', 'carol', (JSON.parse(carolCard) as { id: string }).id, '--card', '-'], carolCard);
    expect(errorCode(r)).toBe('REDB_TRUST_NOT_ADMIN');
    addMember(root, alice, carol, 'admin');
    expect(list().members.map((m) => `${m.name}:${m.roles.join('+')}`)).toEqual(['alice:admin', 'bob:member', 'carol:admin']);
    expect(git(root, ['log', '--format=%s', 'refs/redb/trust']).trim().split('\n')).toEqual(['add carol (admin)', 'add bob (member)', 'add alice (admin)']);
  });

  it('with a threshold of 2, a change waits until a second admin signs it', () => {
    ok(alice, root, ['trust', 'threshold', '2']);
    const before = trustRef();
    const waiting = JSON.parse(ok(alice, root, ['trust', 'remove', 'bob', '--json']).stdout) as { applied: boolean; signatures: number; needed: number };
    expect(waiting).toMatchObject({ applied: false, signatures: 1, needed: 2 });
    expect(trustRef()).toBe(before);
    expect(list().proposal?.summary).toBe('remove bob');
    expect(errorCode(as(bob, root, ['trust', 'sign']))).toBe('REDB_TRUST_NOT_ADMIN');
    const done = JSON.parse(ok(carol, root, ['trust', 'sign', '--json']).stdout) as { applied: boolean };
    expect(done.applied).toBe(true);
    expect(list().members.map((m) => m.name)).toEqual(['alice', 'carol']);
    expect(list().proposal).toBeUndefined();
    // Removing carol would leave one admin under a threshold of 2: refused before anyone signs.
    expect(errorCode(as(alice, root, ['trust', 'remove', 'carol']))).toBe('REDB_TRUST_RULE');
  });

  it('a change that breaks the rules (fewer admins than the threshold) is refused and changes nothing', () => {
    const before = trustRef();
    const r = as(alice, root, ['trust', 'threshold', '5']);
    expect(errorCode(r)).toBe('REDB_TRUST_RULE');
    expect(trustRef()).toBe(before);
  });
});

describe('a malformed or forged trust document', () => {
  /** Commit a new revision by hand, as someone with the folder but no admin key could. */
  function forgeRevision(edit: (trustJson: string) => string): string {
    const head = trustRef();
    const tree = git(root, ['rev-parse', `${head}^{tree}`]).trim();
    const entries = git(root, ['ls-tree', tree]).trim().split('\n');
    const trustJson = git(root, ['cat-file', 'blob', `${head}:trust.json`]);
    const blob = git(root, ['hash-object', '-w', '--stdin'], edit(trustJson)).trim();
    const newTree = git(root, ['mktree'], `${entries.map((e) => (e.endsWith('\ttrust.json') ? e.replace(/[0-9a-f]{40}/, blob) : e)).join('\n')}\n`).trim();
    const commit = git(root, ['commit-tree', newTree, '-p', head, '-m', 'forged'], '').trim();
    git(root, ['update-ref', 'refs/redb/trust', commit]);
    return head;
  }

  it('is refused with a coded error by every command that reads it, and nothing is changed', () => {
    const eve = person(dir, 'eve');
    const eveCard = JSON.parse(ok(eve, root, ['id', '--json']).stdout) as Record<string, unknown>;
    const cases: [string, (t: string) => string][] = [
      ['not JSON', (t) => t.slice(0, 40)],
      [
        'a member added without signatures',
        (t) => {
          const doc = JSON.parse(t) as { members: Record<string, unknown> };
          const { keyFile: _k, passphrase: _p, created: _c, ...card } = eveCard;
          doc.members.eve = { card, roles: ['admin'] };
          return `${JSON.stringify(doc, Object.keys(doc).sort(), 2)}\n`;
        },
      ],
    ];
    for (const [what, edit] of cases) {
      const good = forgeRevision(edit);
      for (const args of [
        ['trust', 'list'],
        ['verify-commit', 'HEAD'],
        ['trust', 'add', 'x', String(eveCard.id), '--role', 'admin'],
      ]) {
        const r = as(alice, root, args);
        expect(errorCode(r), `${what}: ${args.join(' ')}`).toBe('REDB_TRUST_INVALID');
      }
      expect(git(root, ['log', '-1', '--format=%s', 'refs/redb/trust']).trim()).toBe('forged');
      git(root, ['update-ref', 'refs/redb/trust', good]);
      expect(list().members.length).toBeGreaterThan(0);
    }
  });
});
