import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { addTable, as, ok, person, project } from './support.js';

/** This user's identity: created on first use, kept outside the repository, refused when exposed or locked. */
const dir = mkdtempSync(join(tmpdir(), 'redb-keys-'));
let root: string;
const ada = person(dir, 'ada');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  root = project(dir, ada);
});

const head = () => spawnSync('git', ['--git-dir', join(root, '.redb'), 'rev-parse', '-q', '--verify', 'refs/heads/main'], { encoding: 'utf8' }).stdout.trim();

describe('redb id', () => {
  it('creates an identity on first use, outside the repository, in a file only the owner can read', () => {
    const r = ok(ada, root, ['id', '--json']);
    const me = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(me.id).toMatch(/^did:key:z6Mk/);
    expect(me.ssh).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA/);
    expect(me.recipient).toMatch(/^age1pq1/);
    expect(me).toMatchObject({ created: true, passphrase: false, keyFile: join(dir, 'home-ada', 'identity') });
    expect(statSync(join(dir, 'home-ada', 'identity')).mode & 0o777).toBe(0o600);
    // The same identity next time; and nothing of it inside the project.
    expect(JSON.parse(ok(ada, root, ['id', '--json']).stdout) as { id: string; created: boolean }).toMatchObject({ id: me.id, created: false });
    const inRepo = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? inRepo(join(d, e.name)) : [join(d, e.name)]));
    const secretSeed = (JSON.parse(readFileSync(join(dir, 'home-ada', 'identity'), 'utf8')) as { ed25519: string }).ed25519;
    for (const f of inRepo(root)) expect(readFileSync(f).includes(secretSeed), f).toBe(false);
  });

  it('refuses a key file others can read, naming it and chmod 600, and changes nothing', () => {
    const file = join(dir, 'home-ada', 'identity');
    chmodSync(file, 0o644);
    addTable(root, 'Loose');
    const r = as(ada, root, ['commit', '-S', '-m', 'should not happen']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_KEY_PERMISSIONS');
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('chmod 600');
    expect(head()).toBe('');
    chmodSync(file, 0o600);
  });
});

describe('a key under a passphrase', () => {
  const locked = person(dir, 'lee', { REDB_PASSPHRASE: 'correct horse battery staple' });

  it('is created under the passphrase REDB_PASSPHRASE names (age scrypt), and unlocks with it', () => {
    const me = JSON.parse(ok(locked, root, ['id', '--json']).stdout) as { passphrase: boolean };
    expect(me.passphrase).toBe(true);
    expect(readFileSync(join(dir, 'home-lee', 'identity'), 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    ok(locked, root, ['commit', '-S', '-m', 'signed under a passphrase']);
  });

  it('a wrong passphrase, or none without a terminal, is a coded error and nothing is committed', () => {
    const before = head();
    addTable(root, 'Locked');
    const wrong = as(locked, root, ['commit', '-S', '-m', 'no'], undefined, { REDB_PASSPHRASE: 'wrong horse' });
    expect(wrong.code).toBe(1);
    expect(errorCode(wrong)).toBe('REDB_WRONG_PASSPHRASE');
    const none = as({ ...locked, env: { ...locked.env, REDB_PASSPHRASE: undefined } }, root, ['commit', '-S', '-m', 'no']);
    expect(errorCode(none)).toBe('REDB_PASSPHRASE_REQUIRED');
    expect(head()).toBe(before);
    expect(existsSync(join(root, 'schema', 'tables', 'Locked.yaml'))).toBe(true);
  });
});

describe('a missing identity', () => {
  it('is a coded error where one is needed but never made (opening secrets), and when the private key is gone', () => {
    const nobody = person(dir, 'nobody');
    const r = as(nobody, root, ['secret', 'reseal']);
    // Reseal needs keys it cannot invent: creating one would open nothing.
    expect(errorCode(r)).toBe('REDB_IDENTITY_MISSING');
    expect(existsSync(join(dir, 'home-nobody'))).toBe(false);
    const gone = person(dir, 'gone');
    ok(gone, root, ['id']);
    rmSync(join(dir, 'home-gone', 'identity'));
    const r2 = as(gone, root, ['commit', '-S', '-m', 'x']);
    expect(errorCode(r2)).toBe('REDB_IDENTITY_MISSING');
    expect(r2.stderr).toContain(join(dir, 'home-gone', 'identity'));
  });
});
