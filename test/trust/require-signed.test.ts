import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { addTable, as, ok, person, project, startTrust } from './support.js';

/** A database bound with --require-signed takes only commits verified by a trusted identity. */
const dir = mkdtempSync(join(tmpdir(), 'redb-require-signed-'));
const alice = person(dir, 'alice');
const mallory = person(dir, 'mallory');
let root: string;
const prodFile = () => join(root, 'prod.db');
const prodTables = (): string[] => {
  const db = new Sqlite(prodFile(), { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  root = project(dir, alice);
  startTrust(root, alice);
  ok(alice, root, ['commit', '-S', '-m', 'Chinook']);
  new Sqlite(prodFile()).close();
  const added = ok(alice, root, ['db', 'add', 'prod', 'sqlite:prod.db', '--require-signed']);
  expect(added.stdout).toMatch(/only commits verified/);
  expect(JSON.parse(ok(alice, root, ['db', 'list', '--json']).stdout)).toContainEqual(expect.objectContaining({ name: 'prod', requireSigned: true }));
});

describe('migrate into a --require-signed database', () => {
  it('refuses an unsigned commit, naming it and why, and changes nothing', () => {
    addTable(root, 'Unsigned');
    const id = (JSON.parse(ok(alice, root, ['commit', '-m', 'not signed', '--json']).stdout) as { id: string }).id;
    const r = as(alice, root, ['migrate', 'prod', '--yes']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_REQUIRE_SIGNED');
    expect(r.stderr).toContain(id.slice(0, 7));
    expect(r.stderr).toMatch(/unsigned/);
    expect(prodTables()).toEqual([]);
  });

  it('refuses a commit signed by an identity outside the trust document, and the working tree', () => {
    addTable(root, 'Mallory');
    ok(mallory, root, ['commit', '-S', '-m', 'looks signed']);
    const r = as(alice, root, ['migrate', 'prod', '--yes']);
    expect(errorCode(r)).toBe('REDB_REQUIRE_SIGNED');
    expect(r.stderr).toMatch(/untrusted/);
    expect(errorCode(as(alice, root, ['migrate', 'prod', '--to', 'working', '--yes']))).toBe('REDB_REQUIRE_SIGNED');
    expect(prodTables()).toEqual([]);
  });

  it('applies a commit a trusted identity signed', () => {
    addTable(root, 'Signed');
    ok(alice, root, ['commit', '-S', '-m', 'signed by alice']);
    const r = ok(alice, root, ['migrate', 'prod', '--yes', '--json']);
    expect((JSON.parse(r.stdout) as { applied: boolean }).applied).toBe(true);
    expect(prodTables()).toEqual(expect.arrayContaining(['Album', 'Signed', 'Mallory', 'Unsigned']));
  });

  it('other databases are not held to it', () => {
    const other = join(root, 'dev.db');
    new Sqlite(other).close();
    ok(alice, root, ['db', 'add', 'dev', 'sqlite:dev.db']);
    addTable(root, 'Later');
    ok(alice, root, ['commit', '-m', 'unsigned again']);
    expect(ok(alice, root, ['migrate', 'dev', '--yes']).code).toBe(0);
  });
});
