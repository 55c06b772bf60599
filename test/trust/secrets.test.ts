import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter, Encrypter } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdentity } from '../../src/crypto/keystore.js';
import { objectSigner } from '../../src/crypto/object-signer.js';
import { openStore } from '../../src/repo/paths.js';
import { readSecretSet, writeSecretSet } from '../../src/repo/secret-store.js';
import * as nodeFs from 'node:fs';
import { errorCode, type CliResult } from '../support/cli.js';
import { pgExec, postgresEngine } from '../support/postgres.js';
import { serverUrl, type ScratchDb } from '../support/scratch.js';
import { addMember, as, git, ok, person, project, startTrust } from './support.js';
import { factsOf } from '../../src/adapters/registry.js';

/**
 * Sealed secrets, end to end: sealed by redb and opened by the age package's own Decrypter (and the
 * other way round), used in a database URL, never written or printed in plain text, and out of a
 * removed teammate's reach once resealed.
 */
const dir = mkdtempSync(join(tmpdir(), 'redb-secrets-'));
const alice = person(dir, 'alice');
const bob = person(dir, 'bob');
const VALUE = 'pw-Zq8!x7_secret-value';
const ENV_VALUE = 'from-env-9c2e5f1d-value';
let root: string;
/** Every output of every command, for the leak check at the end. */
const outputs: string[] = [];
const run = (who: typeof alice, args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}): CliResult => {
  const r = as(who, root, args, input, env);
  outputs.push(r.stdout, r.stderr);
  return r;
};
const good = (who: typeof alice, args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}): CliResult => {
  const r = run(who, args, input, env);
  if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};
const ageIdentity = (who: string): string => (JSON.parse(readFileSync(join(dir, `home-${who}`, 'identity'), 'utf8')) as { age: string }).age;
const sealed = (name: string): Uint8Array => {
  const r = spawnSync('git', ['--git-dir', join(root, '.redb'), 'cat-file', 'blob', `refs/redb/secrets:${name}.age`]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return new Uint8Array(r.stdout);
};
const openAs = async (who: string, file: Uint8Array): Promise<string> => {
  const d = new Decrypter();
  d.addIdentity(ageIdentity(who));
  return d.decrypt(file, 'text');
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  root = project(dir, alice);
  startTrust(root, alice);
  addMember(root, alice, bob);
});

describe('sealing', () => {
  it('seals a value from stdin or --from-env to every member; the age package opens it with either key', async () => {
    const r = good(alice, ['secret', 'set', 'db-password', '--json'], `${VALUE}\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'db-password', recipients: ['alice', 'bob'] });
    expect(errorCode(run(alice, ['secret', 'set', 'api-token']))).toBe('REDB_SECRET_VALUE_MISSING');
    expect(errorCode(run(alice, ['secret', 'set', 'nope', '--from-env', 'UNSET_VARIABLE_X']))).toBe('REDB_SECRET_VALUE_MISSING');
    good(alice, ['secret', 'set', 'api-token', '--from-env', 'TOKEN_FOR_TEST'], undefined, { TOKEN_FOR_TEST: ENV_VALUE });
    const file = sealed('db-password');
    expect(Buffer.from(file.subarray(0, 21)).toString()).toBe('age-encryption.org/v1');
    expect(Buffer.from(file).toString('latin1')).toMatch(/^-> mlkem768x25519 /m);
    expect(await openAs('alice', file)).toBe(VALUE);
    expect(await openAs('bob', file)).toBe(VALUE);
    expect(await openAs('bob', sealed('api-token'))).toBe(ENV_VALUE);
    const list = JSON.parse(good(alice, ['secret', 'list', '--json']).stdout) as { name: string; recipients: string[]; resealDue: boolean }[];
    expect(list.map((s) => [s.name, s.recipients.join(','), s.resealDue])).toEqual([
      ['api-token', 'alice,bob', false],
      ['db-password', 'alice,bob', false],
    ]);
  });

  it('opens a secret that the age package sealed, says it is due for a reseal, reseals it, and uses it in a database URL', async () => {
    // Sealed outside redb (as `age -r` would), to alice alone, committed under her signature by the library.
    const e = new Encrypter();
    e.addRecipient((JSON.parse(ok(alice, root, ['id', '--json']).stdout) as { recipient: string }).recipient);
    const external = await e.encrypt('app.db');
    const store = openStore(nodeFs, root, async () => factsOf);
    const set = await readSecretSet(store);
    const me = await loadIdentity({ env: alice.env });
    const files = new Map<string, string | Uint8Array>(set.files);
    files.set('app-path', external);
    await writeSecretSet(
      store,
      {
        manifest: {
          version: 1,
          secrets: { ...set.manifest.secrets, 'app-path': { recipients: [me.card.id], trust: null, updated: new Date().toISOString(), by: me.card.id } },
        },
        files,
        parent: set.head,
        message: 'set app-path',
        author: { name: 'alice', email: 'alice@example.com' },
      },
      await objectSigner(me),
    );
    good(alice, ['db', 'add', 'sealed', 'sqlite:${secret:app-path}']);
    expect(good(bob, ['db', 'list', '--json']).stdout).toContain('${secret:app-path}');
    const due = JSON.parse(good(alice, ['secret', 'list', '--json']).stdout) as { name: string; resealDue: boolean }[];
    expect(due.filter((s) => s.resealDue).map((s) => s.name)).toEqual(['app-path']);
    expect(errorCode(run(bob, ['pull', 'sealed', '--discard-changes']))).toBe('REDB_SECRET_NOT_FOR_YOU');
    expect(JSON.parse(good(alice, ['secret', 'reseal', '--json']).stdout)).toMatchObject({
      resealed: ['api-token', 'app-path', 'db-password'],
      recipients: ['alice', 'bob'],
    });
    expect(await openAs('bob', sealed('app-path'))).toBe('app.db');
    const pulled = good(bob, ['pull', 'sealed', '--json', '--discard-changes']);
    expect(pulled.stdout).toMatch(/Album/);
    // Typed ad hoc (or sent by an MCP client), a URL could point anywhere: no secret goes into it.
    const adHoc = run(bob, ['pull', 'sqlite:${secret:app-path}', '--discard-changes']);
    expect(errorCode(adHoc)).toBe('REDB_USAGE');
    expect(adHoc.stderr).toMatch(/only filled into the URL of a bound database/);
  });
});

describe('removing a teammate', () => {
  it('reseals with the change; the removed teammate opens nothing resealed after', async () => {
    expect(await openAs('bob', sealed('db-password'))).toBe(VALUE);
    const before = sealed('db-password');
    const removed = good(alice, ['trust', 'remove', 'bob']);
    expect(removed.stdout).toMatch(/resealed to the members now: api-token, app-path, db-password/);
    expect(
      (JSON.parse(good(alice, ['secret', 'list', '--json']).stdout) as { resealDue: boolean; recipients: string[] }[]).every(
        (s) => !s.resealDue && s.recipients.join() === 'alice',
      ),
    ).toBe(true);
    // What bob could open before the removal he still can (rotate such values); nothing after.
    expect(await openAs('bob', before)).toBe(VALUE);
    await expect(openAs('bob', sealed('db-password'))).rejects.toThrow(/no identity matched/);
    expect(await openAs('alice', sealed('db-password'))).toBe(VALUE);
    const r = run(bob, ['pull', 'sealed', '--discard-changes']);
    expect(r.code).toBe(1);
    expect(['REDB_SECRET_NOT_FOR_YOU', 'REDB_NOT_VERIFIED']).toContain(errorCode(r));
    expect(good(alice, ['pull', 'sealed', '--discard-changes']).code).toBe(0);
  });

  it('a secrets change not signed by a trusted member is refused', () => {
    // bob, no longer trusted, replaces a secret: the URL that uses it stops working for everyone.
    good(bob, ['secret', 'set', 'app-path'], 'elsewhere.db');
    const r = run(alice, ['pull', 'sealed', '--discard-changes']);
    expect(errorCode(r)).toBe('REDB_NOT_VERIFIED');
  });
});

describe('no plaintext anywhere', () => {
  it('no secret value is in .redb (files and every object), in the logs, or in any output', () => {
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
    const everything = [
      ...files(join(root, '.redb')).map((f) => readFileSync(f).toString('latin1')),
      git(root, ['cat-file', '--batch-all-objects', '--batch']),
      ...outputs,
    ].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const value of [VALUE, ENV_VALUE]) expect(everything.includes(value), value).toBe(false);
  });
});

describe('a password in a PostgreSQL URL, sealed (needs the test server)', () => {
  let db: ScratchDb;
  // A login of its own with a password nothing else could contain by chance.
  const role = `redb_sec_${randomBytes(4).toString('hex')}`;
  const password = `Pg-${randomBytes(12).toString('hex')}`;
  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec(`CREATE TABLE visit (id int PRIMARY KEY, at timestamptz)`);
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await db.exec(`GRANT CONNECT ON DATABASE "${new URL(db.url).pathname.slice(1)}" TO ${role}; GRANT SELECT ON visit TO ${role}`);
  });
  afterAll(async () => {
    await db?.drop();
    await pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP ROLE IF EXISTS ${role}`);
  });

  it('postgres://user:${secret:pg}@host/db connects with the sealed password and never shows it', () => {
    const url = new URL(db.url);
    url.username = role;
    const pgRoot = join(dir, 'pg');
    mkdirSync(pgRoot);
    ok(alice, pgRoot, ['init']);
    ok(alice, pgRoot, ['secret', 'set', 'pg'], password);
    url.password = '';
    const sealedUrl = url.toString().replace(/^postgres(ql)?:\/\/([^@:]*)@/, 'postgres://$2:${secret:pg}@');
    ok(alice, pgRoot, ['db', 'add', 'pg', sealedUrl]);
    const pulled = ok(alice, pgRoot, ['pull', 'pg', '--json']);
    expect(pulled.stdout).toContain('visit');
    const listed = ok(alice, pgRoot, ['db', 'list', '--json']);
    for (const out of [pulled.stdout, pulled.stderr, listed.stdout, readFileSync(join(pgRoot, '.redb', 'redb.json'), 'utf8')])
      expect(out.includes(password)).toBe(false);
    expect(listed.stdout).toContain('${secret:pg}');
  });
});
