import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CLI } from './cli.js';

/** The environment every CLI run in these tests gets (as support/cli.ts gives its own runs). */
export const testEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: '1',
  REDB_DEBUG: '',
  REDB_AUTHOR_NAME: 'Test',
  REDB_AUTHOR_EMAIL: 'test@example.com',
  ...extra,
});

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface KillPlan {
  /** SIGKILL this long after the start. */
  readonly afterMs?: number;
  /**
   * Or: SIGKILL a random moment (up to `jitterMs`) after one of these folders changed, i.e. once the
   * command has started writing: uniform kills mostly land before the writes of a long command.
   */
  readonly onWrite?: { readonly dirs: () => readonly string[]; readonly jitterMs: number };
}

const changedSince = (dirs: readonly string[], since: number): boolean =>
  dirs.some((d) => {
    try {
      return statSync(d).mtimeMs > since;
    } catch {
      return false;
    }
  });

/** Run the built CLI in its own process, killed with SIGKILL as `kill` says (if still running then). */
export function runCli(cwd: string, args: readonly string[], options: { kill?: KillPlan; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: testEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timers: NodeJS.Timeout[] = [];
    const kill = () => child.kill('SIGKILL');
    if (options.kill?.afterMs !== undefined) timers.push(setTimeout(kill, options.kill.afterMs));
    const onWrite = options.kill?.onWrite;
    if (onWrite !== undefined) {
      // mtimes are as fine as the file system keeps them: compare with a little slack.
      const since = started - 5;
      const poll = setInterval(() => {
        let dirs: readonly string[] = [];
        try {
          dirs = onWrite.dirs();
        } catch {
          // Not there yet.
        }
        if (!changedSince(dirs, since)) return;
        clearInterval(poll);
        timers.push(setTimeout(kill, Math.floor(Math.random() * onWrite.jitterMs)));
      }, 15);
      timers.push(poll);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The folders of loose objects (where a commit writes). */
export const objectDirs = (dir: string) => (): string[] => {
  const objects = join(dir, '.redb', 'objects');
  return [
    objects,
    ...readdirSync(objects)
      .filter((n) => /^[0-9a-f]{2}$/.test(n))
      .map((n) => join(objects, n)),
  ];
};

/** `git fsck --strict` on the project's store: the exit code and what it said. */
export function fsck(dir: string): { ok: boolean; output: string } {
  const r = spawnSync('git', ['--git-dir', join(dir, '.redb'), 'fsck', '--strict', '--no-progress'], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export const git = (dir: string, args: readonly string[]): string => execFileSync('git', ['--git-dir', join(dir, '.redb'), ...args], { encoding: 'utf8' });

/** The commit a ref names, or undefined. */
export function revParse(dir: string, ref: string): string | undefined {
  const r = spawnSync('git', ['--git-dir', join(dir, '.redb'), 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The branch HEAD points at. */
export const currentBranch = (dir: string): string =>
  readFileSync(join(dir, '.redb', 'HEAD'), 'utf8')
    .trim()
    .replace(/^ref: refs\/heads\//, '');

/** A commit's files: path → blob id. */
export function treeOf(dir: string, rev: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of git(dir, ['ls-tree', '-r', rev]).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]{40})\t(.+)$/.exec(line);
    if (m !== null) out.set(m[2] as string, m[1] as string);
  }
  return out;
}

const blobId = (data: Buffer): string => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');

/** The working tree's files as git blob ids (hidden files apart, as redb reads it). */
export function workingOids(dir: string, options: { conflicts?: boolean } = {}): Map<string, string> {
  const base = join(dir, 'schema');
  const out = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (options.conflicts === true || !entry.name.endsWith('.conflict.yaml'))
        out.set(relative(base, path).split(sep).join('/'), blobId(readFileSync(path)));
    }
  };
  walk(base);
  return out;
}

/** Hidden temporary files a writer left in schema/. */
export function strayTemporaries(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.includes('.redb-')) out.push(relative(dir, path));
    }
  };
  walk(join(dir, 'schema'));
  return out;
}

/** Loose objects that are empty: what a kill during isomorphic-git's in-place write used to leave. */
export function emptyObjects(dir: string): string[] {
  const objects = join(dir, '.redb', 'objects');
  const out: string[] = [];
  for (const prefix of readdirSync(objects)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of readdirSync(join(objects, prefix))) {
      if (/^[0-9a-f]{38}$/.test(name) && statSync(join(objects, prefix, name)).size === 0) out.push(`${prefix}${name}`);
    }
  }
  return out;
}

/** Map equality with the first differences, for readable failures. */
export function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, oid] of a) if (b.get(path) !== oid) out.push(`${path}: ${oid.slice(0, 7)} vs ${b.get(path)?.slice(0, 7) ?? 'absent'}`);
  for (const path of b.keys()) if (!a.has(path)) out.push(`${path}: absent vs present`);
  return out.slice(0, 5);
}

/**
 * Repeat `round` until `budgetMs` has passed (at least `min` times): kill loops bounded in time,
 * whatever the speed of the machine.
 */
export async function repeatFor(budgetMs: number, min: number, round: (i: number) => Promise<void>): Promise<number> {
  const end = Date.now() + budgetMs;
  let i = 0;
  while (i < min || Date.now() < end) await round(i++);
  return i;
}

/** The YAML of a small table, as redb writes it; the flags and the length of `name` are what tests change. */
export function tableYaml(name: string, vNullable: boolean, nameNullable = false, nameLength?: number): string {
  return [
    `name: ${name}`,
    'columns:',
    '  - name: id',
    '    type: {kind: integer, native: INTEGER, bits: 64}',
    '    nullable: true',
    '  - name: name',
    nameLength === undefined ? '    type: {kind: text, native: TEXT}' : `    type: {kind: text, native: VARCHAR(${nameLength}), length: ${nameLength}}`,
    `    nullable: ${nameNullable}`,
    '  - name: v',
    '    type: {kind: float, native: REAL, bits: 64}',
    `    nullable: ${vNullable}`,
    'primaryKey:',
    '  columns: [id]',
    '',
  ].join('\n');
}

export const META_YAML = 'version: 1\nengine: sqlite\n';
