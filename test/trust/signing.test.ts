import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { addMember, addTable, as, git, gitVerify, ok, person, project, startTrust, type Person } from './support.js';

/**
 * Hybrid signed history, with real processes: redb signs, redb and plain git (ssh-keygen, an
 * allowed-signers file) verify, and an object changed after signing fails both.
 */
const dir = mkdtempSync(join(tmpdir(), 'redb-signing-'));
const alice = person(dir, 'alice');
const bob = person(dir, 'bob');
const eve = person(dir, 'eve');
let root: string;
let allowed: string;

const verify = (ref: string) => as(alice, root, ['verify-commit', ref, '--json']);
const statusOf = (r: ReturnType<typeof verify>): string | undefined => {
  const doc = JSON.parse(r.stdout) as { status?: string; error?: { data: { status: string } } };
  return doc.status ?? doc.error?.data.status;
};

/** Write a commit object by hand: what someone with the folder, but not the key, can do. */
function forge(id: string, edit: (raw: string) => string): string {
  const raw = git(root, ['cat-file', 'commit', id]);
  const forged = edit(raw);
  expect(forged).not.toBe(raw);
  return git(root, ['hash-object', '-t', 'commit', '-w', '--stdin'], forged).trim();
}

function refreshAllowed(): void {
  writeFileSync(allowed, ok(alice, root, ['trust', 'list', '--allowed-signers']).stdout);
}

beforeAll(() => {
  root = project(dir, alice);
  allowed = join(dir, 'allowed_signers');
  startTrust(root, alice);
  refreshAllowed();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signed commits', () => {
  let first: string;
  let second: string;

  it('redb commit -S is verified by redb and by plain git verify-commit', () => {
    first = (JSON.parse(ok(alice, root, ['commit', '-S', '-m', 'Chinook as pulled', '--json']).stdout) as { id: string }).id;
    const r = verify(first);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'verified', name: 'alice' });
    const g = gitVerify(root, allowed, 'verify-commit', first);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/Good "git" signature for alice with ED25519 key/);
    addTable(root, 'Mood');
    second = (JSON.parse(ok(alice, root, ['commit', '-S', '-m', 'moods', '--json']).stdout) as { id: string }).id;
    expect(gitVerify(root, allowed, 'verify-commit', second).code).toBe(0);
  });

  it('a commit whose tree, message or parents changed after signing fails both checks', () => {
    const emptyTree = git(root, ['mktree'], '').trim();
    const forgeries = {
      tree: forge(second, (raw) => raw.replace(/^tree [0-9a-f]{40}$/m, `tree ${emptyTree}`)),
      message: forge(second, (raw) => raw.replace(/\nmoods\n$/, '\nmoods, and drop the invoices\n')),
      parents: forge(second, (raw) => raw.replace(/^parent [0-9a-f]{40}\n/m, '')),
      // The ML-DSA header sits inside what the SSH signature covers: it cannot be swapped or stripped alone.
      'ML-DSA header': forge(second, (raw) => raw.replace(/^(redb-sig-mldsa65 \S+\n) (.)/m, (_a, h: string, c: string) => `${h} ${c === 'A' ? 'B' : 'A'}`)),
      'stripped ML-DSA header': forge(second, (raw) => raw.replace(/^redb-sig-mldsa65 .*\n( .*\n)*/m, '')),
    };
    for (const [what, id] of Object.entries(forgeries)) {
      const r = verify(id);
      expect(r.code, what).toBe(1);
      expect(errorCode(r), what).toBe('REDB_NOT_VERIFIED');
      expect(statusOf(r), what).toBe('bad');
      expect(gitVerify(root, allowed, 'verify-commit', id).code, what).not.toBe(0);
    }
  });

  it('log --show-signature shows each commit, and a forged cache entry is not believed', () => {
    const entries = JSON.parse(ok(alice, root, ['log', '--show-signature', '--json']).stdout) as { id: string; signature: { status: string } }[];
    expect(entries.map((e) => e.signature.status)).toEqual(['verified', 'verified']);
    // A second run answers from the cache: nothing new to remember, so the file is not rewritten.
    const cacheFile = join(root, '.redb', 'state', 'signatures.json');
    const written = statSync(cacheFile).mtimeMs;
    ok(alice, root, ['log', '--show-signature', '--json']);
    expect(statSync(cacheFile).mtimeMs).toBe(written);
    const bad = forge(second, (raw) => raw.replace(/\nmoods\n$/, '\nforged\n'));
    expect(statusOf(verify(bad))).toBe('bad');
    // Someone with the folder rewrites the cache to call the forgery verified: redb does not take it.
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { status: string; reason: string }> };
    for (const [k, v] of Object.entries(cache.entries)) if (k.startsWith(bad)) cache.entries[k] = { ...v, status: 'verified', reason: 'trust me' };
    writeFileSync(cacheFile, JSON.stringify(cache));
    expect(statusOf(verify(bad))).toBe('bad');
    const oneline = ok(alice, root, ['log', '--show-signature', '--oneline']).stdout;
    expect(
      oneline
        .split('\n')
        .filter(Boolean)
        .every((l) => / G /.test(l)),
    ).toBe(true);
  });

  it('a commit signed by someone outside the trust document is not verified by redb (git without them in allowed-signers neither)', () => {
    addTable(root, 'Weather');
    const id = (JSON.parse(ok(eve, root, ['commit', '-S', '-m', 'eve was here', '--json']).stdout) as { id: string }).id;
    const r = verify(id);
    expect(r.code).toBe(1);
    expect(statusOf(r)).toBe('untrusted');
    expect(r.stderr).toMatch(/not in the trust document/);
    expect(gitVerify(root, allowed, 'verify-commit', id).code).not.toBe(0);
  });

  it("a revoked member's commits are no longer verified", () => {
    addMember(root, alice, bob);
    addTable(root, 'Season');
    const id = (JSON.parse(ok(bob, root, ['commit', '-S', '-m', 'seasons', '--json']).stdout) as { id: string }).id;
    expect(statusOf(verify(id))).toBe('verified');
    ok(alice, root, ['trust', 'remove', 'bob']);
    const r = verify(id);
    expect(statusOf(r)).toBe('untrusted');
    expect(r.stderr).toMatch(/bob, removed from the trust document/);
  });

  it('commit.sign signs every commit; --no-gpg-sign and an unset setting do not', () => {
    ok(alice, root, ['config', 'commit.sign', 'true']);
    addTable(root, 'Planet');
    const signed = (JSON.parse(ok(alice, root, ['commit', '-m', 'planets', '--json']).stdout) as { id: string }).id;
    expect(statusOf(verify(signed))).toBe('verified');
    addTable(root, 'Moon');
    const unsigned = (JSON.parse(ok(alice, root, ['commit', '--no-gpg-sign', '-m', 'moons', '--json']).stdout) as { id: string }).id;
    expect(statusOf(verify(unsigned))).toBe('unsigned');
    ok(alice, root, ['config', 'commit.sign', 'false']);
  });
});

describe('signed merges and tags', () => {
  it('a merge commit signed with -S verifies with redb and git; so does a tag made with -s', () => {
    ok(alice, root, ['switch', '-c', 'feature']);
    addTable(root, 'Feature');
    ok(alice, root, ['commit', '-S', '-m', 'feature']);
    ok(alice, root, ['switch', 'main']);
    addTable(root, 'Mainline');
    ok(alice, root, ['commit', '-S', '-m', 'mainline']);
    const merged = JSON.parse(ok(alice, root, ['merge', '-S', 'feature', '--json']).stdout) as { outcome: string; id: string };
    expect(merged.outcome).toBe('merged');
    expect(git(root, ['cat-file', 'commit', merged.id]).match(/^parent /gm)).toHaveLength(2);
    expect(statusOf(verify(merged.id))).toBe('verified');
    refreshAllowed();
    expect(gitVerify(root, allowed, 'verify-commit', merged.id).code).toBe(0);

    ok(alice, root, ['tag', '-s', 'v1', '-m', 'first release']);
    const t = as(alice, root, ['verify-tag', 'v1', '--json']);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ status: 'verified', name: 'alice' });
    const g = gitVerify(root, allowed, 'verify-tag', 'v1');
    expect(g.code, g.stderr).toBe(0);
    // The tag still resolves to its commit everywhere redb takes a ref.
    expect(JSON.parse(ok(alice, root, ['log', 'v1', '-n', '1', '--json']).stdout)[0].id).toBe(merged.id);
    // A tag whose message changed after signing fails both.
    const raw = git(root, ['cat-file', 'tag', 'v1']);
    const forged = git(root, ['hash-object', '-t', 'tag', '-w', '--stdin'], raw.replace('first release', 'first release, trust me')).trim();
    git(root, ['update-ref', 'refs/tags/v1-forged', forged]);
    const f = as(alice, root, ['verify-tag', 'v1-forged']);
    expect(errorCode(f)).toBe('REDB_NOT_VERIFIED');
    expect(gitVerify(root, allowed, 'verify-tag', 'v1-forged').code).not.toBe(0);
    git(root, ['update-ref', '-d', 'refs/tags/v1-forged']);
  });

  it('git fsck --strict finds nothing wrong in a repository of signed commits, tags and trust revisions', () => {
    git(root, ['fsck', '--strict', '--no-dangling']);
  });
});

export type { Person };
