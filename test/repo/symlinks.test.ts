import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAccess } from '../../src/ops/mcp-access-log.js';
import { openStore } from '../../src/repo/paths.js';
import * as nodeFs from 'node:fs';
import { chinookCopy, errorCode, redb, redbOk, type CliResult } from '../support/cli.js';
import { git } from '../support/crash.js';
import { tempDir } from '../support/scratch.js';
import { factsOf } from '../../src/adapters/registry.js';

/**
 * A project received from someone else may hold symbolic links. redb never writes, deletes or
 * creates anything through one, and never reads schema/ or a dir: ref through one: a link in
 * schema/ is refused with its path (REDB_SYMLINK), or replaced as a link by --discard-changes;
 * a link in .redb/ is refused.
 */

/** Every file under a folder, with its content: what "unchanged" means for the outside world. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) out[`${prefix}${entry.name}`] = `-> ${readlinkSync(path)}`;
      else if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = readFileSync(path, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

const link = (target: string, path: string) => {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
};

const refused = (r: CliResult, path: string) => {
  expect(r.code, r.stderr).toBe(1);
  expect(errorCode(r), r.stderr).toBe('REDB_SYMLINK');
  expect(r.stderr).toContain(path);
  expect(r.stderr).not.toContain('SECRET');
};

describe('symbolic links in a project', () => {
  let dir: ReturnType<typeof tempDir>;
  let outside: ReturnType<typeof tempDir>;
  let root: string;
  let secret: string;
  const schema = (...parts: string[]) => join(root, 'schema', ...parts);
  const edit = (object: string, from: string, to: string) => writeFileSync(schema(object), readFileSync(schema(object), 'utf8').replace(from, to));

  beforeEach(() => {
    dir = tempDir();
    outside = tempDir('redb-outside-');
    root = dir.path;
    secret = join(outside.path, 'secret.txt');
    writeFileSync(secret, 'SECRET\n');
    chinookCopy(root);
    redbOk(root, ['init']);
    redbOk(root, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(root, ['pull', 'app']);
    redbOk(root, ['commit', '-m', 'initial']);
  });
  afterEach(() => {
    dir.cleanup();
    outside.cleanup();
  });

  it('pull and switch --discard-changes replace a link (to a file or a folder) and never write through it', () => {
    const before = snapshot(outside.path);
    link(secret, schema('tables', 'Album.yaml'));
    redbOk(root, ['pull', 'app', '--discard-changes']);
    expect(snapshot(outside.path)).toEqual(before);
    expect(lstatSync(schema('tables', 'Album.yaml')).isFile()).toBe(true);

    link(secret, schema('tables', 'Genre.yaml'));
    redbOk(root, ['switch', '--discard-changes', 'main']);
    expect(snapshot(outside.path)).toEqual(before);
    expect(lstatSync(schema('tables', 'Genre.yaml')).isFile()).toBe(true);

    // A linked folder: its files are neither rewritten nor deleted.
    const folder = join(outside.path, 'tables');
    cpSync(schema('tables'), folder, { recursive: true });
    writeFileSync(join(folder, 'Album.yaml'), 'SECRET: album\n');
    writeFileSync(join(folder, 'Keep.yaml'), 'SECRET: keep\n');
    const withFolder = snapshot(outside.path);
    link(folder, schema('tables'));
    redbOk(root, ['switch', '--discard-changes', 'main']);
    expect(snapshot(outside.path)).toEqual(withFolder);
    expect(lstatSync(schema('tables')).isDirectory()).toBe(true);
    expect(redbOk(root, ['status', '--no-db']).stdout).toContain('nothing to commit');
  });

  it('a link in schema/ or in a dir: ref is refused by the commands that read them, with its path', () => {
    link(secret, schema('tables', 'Album.yaml'));
    for (const args of [['status', '--no-db'], ['diff'], ['commit', '-m', 'x'], ['show', 'working'], ['pull', 'app']])
      refused(redb(root, args), 'schema/tables/Album.yaml');
    const other = join(root, 'other');
    mkdirSync(join(other, 'tables'), { recursive: true });
    writeFileSync(join(other, 'redb.yaml'), readFileSync(schema('redb.yaml')));
    symlinkSync(secret, join(other, 'tables', 'Genre.yaml'));
    refused(redb(root, ['diff', 'HEAD', 'dir:other']), 'tables/Genre.yaml');
    link(outside.path, schema());
    refused(redb(root, ['status', '--no-db']), 'schema');
  });

  it('merge writes no conflict file and mv no rename record through a link', () => {
    redbOk(root, ['branch', 'feature']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150');
    redbOk(root, ['commit', '-m', 'main genre']);
    redbOk(root, ['switch', 'feature']);
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(90), length: 90');
    redbOk(root, ['commit', '-m', 'feature genre']);
    redbOk(root, ['switch', 'main']);
    const before = snapshot(outside.path);
    const head = git(root, ['rev-parse', 'HEAD']);
    symlinkSync(secret, schema('tables', 'Genre.conflict.yaml'));
    refused(redb(root, ['merge', 'feature']), 'schema/tables/Genre.conflict.yaml');
    expect(snapshot(outside.path)).toEqual(before);
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    expect(existsSync(join(root, '.redb', 'MERGE_HEAD'))).toBe(false);
    rmSync(schema('tables', 'Genre.conflict.yaml'));

    symlinkSync(secret, schema('.renames.yaml'));
    refused(redb(root, ['mv', 'table', 'Artist', 'Performer']), 'schema/.renames.yaml');
    expect(snapshot(outside.path)).toEqual(before);
    expect(existsSync(schema('tables', 'Artist.yaml'))).toBe(true);
    rmSync(schema('.renames.yaml'));

    // MERGE_MSG in .redb/ as a link: the merge that would write it is refused.
    symlinkSync(secret, join(root, '.redb', 'MERGE_MSG'));
    refused(redb(root, ['merge', 'feature']), '.redb/MERGE_MSG');
    expect(snapshot(outside.path)).toEqual(before);
  });

  it('links in .redb/ (state, refs, objects, the folder itself) are refused by every writer, and nothing lands outside', () => {
    const before = snapshot(outside.path);
    const store = join(root, '.redb');
    // The state folder.
    const state = join(outside.path, 'state');
    mkdirSync(state);
    renameSync(join(store, 'state'), join(root, 'state.saved'));
    symlinkSync(state, join(store, 'state'));
    refused(redb(root, ['pull', 'app', '--discard-changes']), '.redb/state');
    expect(readdirSync(state)).toEqual([]);
    rmSync(join(store, 'state'));
    renameSync(join(root, 'state.saved'), join(store, 'state'));

    // A branch ref.
    edit('tables/Genre.yaml', 'NVARCHAR(120), length: 120', 'NVARCHAR(150), length: 150');
    const ref = join(outside.path, 'main-ref');
    writeFileSync(ref, readFileSync(join(store, 'refs', 'heads', 'main')));
    const refText = readFileSync(ref, 'utf8');
    link(ref, join(store, 'refs', 'heads', 'main'));
    refused(redb(root, ['commit', '-m', 'through a ref link']), '.redb/refs/heads/main');
    expect(readFileSync(ref, 'utf8')).toBe(refText);
    rmSync(join(store, 'refs', 'heads', 'main'));
    writeFileSync(join(store, 'refs', 'heads', 'main'), refText);

    // Every folder of objects.
    const objects = join(outside.path, 'objects');
    mkdirSync(objects);
    for (let i = 0; i < 256; i++) {
      const prefix = i.toString(16).padStart(2, '0');
      const mine = join(store, 'objects', prefix);
      if (existsSync(mine)) renameSync(mine, join(objects, prefix));
      else mkdirSync(join(objects, prefix));
      symlinkSync(join(objects, prefix), mine);
    }
    const objectsBefore = snapshot(objects);
    refused(redb(root, ['commit', '-m', 'through object links']), '.redb/objects/');
    expect(snapshot(objects)).toEqual(objectsBefore);

    // The store itself.
    const elsewhere = join(outside.path, 'store');
    renameSync(store, elsewhere);
    symlinkSync(elsewhere, store);
    refused(redb(root, ['tag', 'v1']), '.redb');
    expect(existsSync(join(elsewhere, 'refs', 'tags', 'v1'))).toBe(false);
    expect(snapshot(outside.path)).toMatchObject(before);
  });

  it('clone checkpoints and the MCP access log are not written through a link', async () => {
    const folder = join(outside.path, 'clone');
    mkdirSync(folder);
    mkdirSync(join(root, '.redb', 'state'), { recursive: true });
    symlinkSync(folder, join(root, '.redb', 'state', 'clone'));
    const r = redb(root, ['clone', 'app', 'sqlite:copy.db', '--yes']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('symbolic link');
    expect(readdirSync(folder)).toEqual([]);

    symlinkSync(secret, join(root, '.redb', 'state', 'mcp-access.log'));
    const store = openStore(nodeFs, root, async () => factsOf);
    await expect(appendAccess(store, { time: new Date().toISOString(), token: 'stdio', tool: 'lint', outcome: 'ok' })).rejects.toThrow();
    expect(readFileSync(secret, 'utf8')).toBe('SECRET\n');
  });
});
