import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/cli.js');

/** A file from the shared sample databases beside the project. */
export const sharedFixture = (...parts: string[]): string => join(ROOT, '..', 'shared', 'fixtures', ...parts);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI the way a user or a CI job does: a separate process, no terminal. */
export function redb(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', REDB_DEBUG: '', REDB_AUTHOR_NAME: 'Test', REDB_AUTHOR_EMAIL: 'test@example.com', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Run and insist on success, for set-up steps. */
export function redbOk(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = redb(cwd, args, env);
  if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

/** A writable copy of the Chinook SQLite database. */
export function chinookCopy(dir: string, name = 'chinook.db'): string {
  const file = join(dir, name);
  copyFileSync(sharedFixture('chinook', 'Chinook_Sqlite.sqlite'), file);
  chmodSync(file, 0o644);
  return file;
}

/** The error line's code, e.g. REDB_REF_NOT_FOUND. */
export const errorCode = (r: CliResult): string | undefined => /error\[([A-Z_]+)\]/.exec(r.stderr)?.[1];
