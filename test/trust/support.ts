import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chinookCopy, CLI, type CliResult } from '../support/cli.js';

/** A person: their own config folder (keys), name and e-mail. */
export interface Person {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
}

export function person(dir: string, name: string, extra: NodeJS.ProcessEnv = {}): Person {
  const home = join(dir, `home-${name}`);
  return { name, env: { REDB_CONFIG_HOME: home, REDB_AUTHOR_NAME: name, REDB_AUTHOR_EMAIL: `${name}@example.com`, ...extra } };
}

/** Run the built CLI as `who`, optionally feeding stdin. No terminal, as in CI. */
export function as(who: Person, cwd: string, args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const { REDB_PASSPHRASE: _p, ...base } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    input: input ?? '',
    env: { ...base, NO_COLOR: '1', REDB_DEBUG: '', ...who.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function ok(who: Person, cwd: string, args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = as(who, cwd, args, input, env);
  if (r.code !== 0) throw new Error(`redb ${args.join(' ')} (as ${who.name}) exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

export const idOf = (who: Person, cwd: string): string => (JSON.parse(ok(who, cwd, ['id', '--json']).stdout) as { id: string }).id;

/** A project on a copy of Chinook, pulled (not committed). */
export function project(dir: string, who: Person): string {
  const root = join(dir, 'project');
  mkdirSync(root, { recursive: true });
  chinookCopy(root, 'app.db');
  ok(who, root, ['init']);
  ok(who, root, ['db', 'add', 'app', 'sqlite:app.db']);
  ok(who, root, ['pull', 'app']);
  return root;
}

/** `who` becomes the first admin of the project's trust document. */
export function startTrust(root: string, who: Person): string {
  const id = idOf(who, root);
  ok(who, root, ['trust', 'add', who.name, id, '--role', 'admin']);
  return id;
}

/** Let `admin` add `other` (by the card other's `redb id --json` prints). */
export function addMember(root: string, admin: Person, other: Person, role = 'member'): string {
  const card = ok(other, root, ['id', '--json']).stdout;
  const id = (JSON.parse(card) as { id: string }).id;
  ok(admin, root, ['trust', 'add', other.name, id, '--role', role, '--card', '-'], card);
  return id;
}

/** Plain git on the project's .redb with ssh signatures checked against an allowed-signers file. */
export function gitVerify(root: string, allowedSigners: string, what: 'verify-commit' | 'verify-tag', ref: string): CliResult {
  const r = spawnSync('git', ['--git-dir', join(root, '.redb'), '-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`, what, ref], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function git(root: string, args: readonly string[], input?: string): string {
  const r = spawnSync('git', ['--git-dir', join(root, '.redb'), ...args], { encoding: 'utf8', input: input ?? '' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** A schema change in the working tree: a new table `name`, shaped like Genre. */
export function addTable(root: string, name: string): void {
  const genre = readFileSync(join(root, 'schema', 'tables', 'Genre.yaml'), 'utf8');
  writeFileSync(join(root, 'schema', 'tables', `${name}.yaml`), genre.replace(/^name: Genre$/m, `name: ${name}`).replace('PK_Genre', `PK_${name}`));
}
