import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, CLI, redbOk } from '../support/cli.js';
import { testEnv } from '../support/crash.js';
import { tempDir } from '../support/scratch.js';

/**
 * A full disk, for real: the project is copied onto a small tmpfs mounted in a private mount
 * namespace (unshare), the free space is filled up to a little, and commands run there. Each
 * amount of free space is tried, from none upwards, until the command succeeds: every failure
 * before that must be a coded error that left the repository as it was.
 */

/** The part that runs inside the namespace, as a plain Node script: it reports facts as JSON, the test judges them. */
const SCRIPT = String.raw`
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [cli, source, mount] = process.argv.slice(2);
const project = join(mount, 'project');
const filler = join(mount, 'filler');
const run = (args) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: project, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
};
const git = (args) => spawnSync('git', ['--git-dir', join(project, '.redb'), ...args], { encoding: 'utf8' });
const free = () => { const s = statfsSync(mount); return s.bavail * s.bsize; };
const fill = (leave) => {
  rmSync(filler, { force: true });
  const size = Math.max(0, free() - leave);
  writeFileSync(filler, Buffer.alloc(size));
};
const objects = () => {
  const base = join(project, '.redb', 'objects');
  const out = { empty: [], temporaries: [] };
  for (const prefix of readdirSync(base)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of readdirSync(join(base, prefix))) {
      if (name.startsWith('tmp_obj_')) out.temporaries.push(prefix + '/' + name);
      else if (statSync(join(base, prefix, name)).size === 0) out.empty.push(prefix + name);
    }
  }
  return out;
};
const leftovers = (dir) => { try { return readdirSync(dir); } catch { return []; } };
cpSync(source, project, { recursive: true });
const results = [];
const genre = join(project, 'schema', 'tables', 'Genre.yaml');
const tables = readdirSync(join(project, 'schema', 'tables'));
for (const [command, args] of [['commit', ['commit', '-m', 'on a full disk']], ['pull', ['pull', 'app', '--discard-changes']]]) {
  for (let leave = 0; leave <= 160 * 1024; leave += 8 * 1024) {
    if (command === 'commit') {
      // New content in every table, so the commit has objects to write.
      for (const t of tables) {
        const path = join(project, 'schema', 'tables', t);
        const n = 200 + leave / 1024;
        writeFileSync(path, readFileSync(path, 'utf8').replace(/NVARCHAR\(\d+\), length: \d+/, 'NVARCHAR(' + n + '), length: ' + n));
      }
    }
    const head = git(['rev-parse', 'HEAD']).stdout.trim();
    const files = Object.fromEntries(tables.map((t) => [t, readFileSync(join(project, 'schema', 'tables', t), 'utf8')]));
    fill(leave);
    const r = run(args);
    rmSync(filler, { force: true });
    const fsck = git(['fsck', '--strict', '--no-progress']);
    const status = run(['status', '--no-db', '--json']);
    const after = Object.fromEntries(tables.map((t) => [t, readFileSync(join(project, 'schema', 'tables', t), 'utf8')]));
    results.push({
      command, leave, code: r.code, stderr: r.stderr.trim(),
      headMoved: git(['rev-parse', 'HEAD']).stdout.trim() !== head,
      fsck: fsck.status === 0 ? 'ok' : fsck.stdout + fsck.stderr,
      ...objects(),
      tmp: leftovers(join(project, '.redb', 'tmp')),
      journal: leftovers(join(project, '.redb', 'state')).includes('journal.json'),
      status: status.code === 0 ? JSON.parse(status.stdout).changes.length : 'failed: ' + status.stderr,
      filesUnchanged: JSON.stringify(files) === JSON.stringify(after),
    });
    if (r.code === 0) break;
  }
}
process.stdout.write(JSON.stringify(results));
`;

/** How to get a private mount namespace here, if at all. */
function namespace(): string[] | undefined {
  for (const prefix of [
    ['unshare', '--mount', '--propagation', 'private'],
    ['unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private'],
  ]) {
    if (spawnSync(prefix[0] as string, [...prefix.slice(1), 'true']).status === 0) return prefix;
  }
  return undefined;
}

describe('a full disk', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  const ns = namespace();
  it.skipIf(ns === undefined)('commit and pull fail with REDB_DISK_FULL and leave the repository as it was, until there is room', { timeout: 300_000 }, () => {
    const project = join(dir.path, 'project');
    mkdirSync(project);
    chinookCopy(project);
    redbOk(project, ['init']);
    redbOk(project, ['db', 'add', 'app', 'sqlite:chinook.db']);
    redbOk(project, ['pull', 'app']);
    redbOk(project, ['commit', '-m', 'initial']);
    const script = join(dir.path, 'full.mjs');
    writeFileSync(script, SCRIPT);
    const mount = join(dir.path, 'mnt');
    mkdirSync(mount);
    const shell = `mount -t tmpfs -o size=6m redb-full "$1" && exec "$2" "$3" "$4" "$5" "$1"`;
    const r = spawnSync((ns as string[])[0] as string, [...(ns as string[]).slice(1), 'sh', '-c', shell, 'sh', mount, process.execPath, script, CLI, project], {
      env: testEnv(),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as {
      command: string;
      leave: number;
      code: number;
      stderr: string;
      headMoved: boolean;
      fsck: string;
      empty: string[];
      temporaries: string[];
      tmp: string[];
      journal: boolean;
      status: number | string;
      filesUnchanged: boolean;
    }[];
    for (const command of ['commit', 'pull']) {
      const runs = results.filter((x) => x.command === command);
      // The disk was full for the first tries (several amounts of free space), and there was room at last.
      expect(runs.length, JSON.stringify(runs.map((x) => [x.leave, x.code]))).toBeGreaterThanOrEqual(3);
      expect(runs[0]?.code, command).toBe(1);
      expect(runs[runs.length - 1]?.code, `${command} never had room: ${JSON.stringify(runs.at(-1))}`).toBe(0);
      for (const x of runs) {
        const where = `${command} with ${x.leave} bytes free: ${x.stderr}`;
        expect(x.fsck, where).toBe('ok');
        expect(x.empty, where).toEqual([]);
        expect(x.temporaries, where).toEqual([]);
        expect(x.tmp, where).toEqual([]);
        expect(typeof x.status, `${where}; status: ${String(x.status)}`).toBe('number');
        if (x.code === 0) continue;
        expect(x.stderr, where).toMatch(/^error\[REDB_DISK_FULL\]/m);
        expect(x.headMoved, where).toBe(false);
        expect(x.journal, where).toBe(false);
        expect(x.filesUnchanged, where).toBe(true);
      }
    }
    const commit = results.filter((x) => x.command === 'commit');
    expect(commit.at(-1)?.headMoved).toBe(true);
  });
});
