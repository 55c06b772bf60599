import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  currentBranch,
  emptyObjects,
  fsck,
  META_YAML,
  objectDirs,
  repeatFor,
  revParse,
  runCli,
  sameFiles,
  strayTemporaries,
  tableYaml,
  treeOf,
  workingOids,
  type Run,
} from '../support/crash.js';
import { tempDir } from '../support/scratch.js';

/**
 * Real processes killed with SIGKILL at random moments, over and over, in loops bounded in time.
 * After each kill: git's own fsck passes, the next redb command succeeds (finishing or dropping
 * what was interrupted), and HEAD and the working tree agree: no commit lost, no branch holding
 * another's files, no empty or half-written YAML file.
 */

const LOOP_MS = 25_000;
const random = (max: number) => Math.floor(Math.random() * max);

async function ok(dir: string, args: readonly string[]): Promise<Run> {
  const r = await runCli(dir, args);
  if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

/** A project whose schema/ has `n` tables (written as redb writes them) and one commit. */
async function project(dir: string, n: number): Promise<void> {
  await ok(dir, ['init']);
  const tables = join(dir, 'schema', 'tables');
  mkdirSync(tables, { recursive: true });
  writeFileSync(join(dir, 'schema', 'redb.yaml'), META_YAML);
  for (let i = 0; i < n; i++) writeFileSync(join(tables, `t${i}.yaml`), tableYaml(`t${i}`, true));
}

interface StatusJson {
  readonly branch: string;
  readonly head?: string;
  readonly changes: readonly unknown[];
  readonly merging?: { readonly theirs: string; readonly conflicts: readonly string[] };
}

/** What must hold after any kill: a sound store, and a next command that works. */
async function afterKill(dir: string, what: string): Promise<StatusJson> {
  const checked = fsck(dir);
  expect(checked.ok, `git fsck after a kill during ${what}:\n${checked.output}`).toBe(true);
  expect(emptyObjects(dir), `empty objects after a kill during ${what}`).toEqual([]);
  const status = await runCli(dir, ['status', '--no-db', '--json']);
  expect(status.code, `redb status after a kill during ${what}: ${status.stderr}`).toBe(0);
  return JSON.parse(status.stdout) as StatusJson;
}

/** Temporary files of killed writers are hidden from readers and swept by the next writer. */
async function sweptByNextWriter(dir: string): Promise<void> {
  await ok(dir, ['tag', `swept-${Date.now()}`]);
  expect(strayTemporaries(dir)).toEqual([]);
  expect(readdirSync(join(dir, '.redb', 'tmp'))).toEqual([]);
}

describe('kill -9 at random moments', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('redb-crash-')));
  afterEach(() => dir.cleanup());

  it('commit on 3,000 tables: every commit is whole or absent, and the retry records it once', { timeout: 600_000 }, async () => {
    const root = dir.path;
    await project(root, 3000);
    const first = await ok(root, ['commit', '-m', 'v0']);
    let kills = 0;
    const rounds = await repeatFor(LOOP_MS, 2, async (i) => {
      // A new length for a column of a random set of tables: every round writes new objects.
      const count = 200 + random(600);
      for (let k = 0; k < count; k++) {
        const t = random(3000);
        writeFileSync(join(root, 'schema', 'tables', `t${t}.yaml`), tableYaml(`t${t}`, true, false, 10 + i * 3000 + t));
      }
      const before = revParse(root, 'HEAD') as string;
      // Killed and tried again, as a person would: each try gets further into the writes.
      for (let attempt = 0; attempt < 2 && revParse(root, 'HEAD') === before; attempt++) {
        const kill = attempt % 2 === 0 ? { onWrite: { dirs: objectDirs(root), jitterMs: 400 } } : { afterMs: random(first.ms) };
        const killed = await runCli(root, ['commit', '-m', `c${i}`], { kill });
        if (killed.signal === 'SIGKILL') kills++;
        const status = await afterKill(root, `commit c${i}`);
        if (revParse(root, 'HEAD') !== before) expect(status.changes).toEqual([]);
      }
      // Not committed yet: the edits are still there, and the retry records them once.
      if (revParse(root, 'HEAD') === before) await ok(root, ['commit', '-m', `c${i}`]);
      const head = revParse(root, 'HEAD') as string;
      expect(revParse(root, 'HEAD~1')).toBe(before);
      // fsck --strict (in afterKill) has read every object back; the tree and the files agree.
      expect(fsck(root).ok).toBe(true);
      expect(sameFiles(treeOf(root, head), workingOids(root))).toEqual([]);
    });
    expect(kills, `of ${rounds} rounds`).toBeGreaterThan(0);
    await sweptByNextWriter(root);
  });

  it('switch between branches of 2,000 tables: HEAD and the files always belong to one branch', { timeout: 600_000 }, async () => {
    const root = dir.path;
    await project(root, 2000);
    await ok(root, ['commit', '-m', 'v0']);
    await ok(root, ['switch', '-c', 'b']);
    // b changes half the tables, drops some and adds others.
    const tables = join(root, 'schema', 'tables');
    for (let t = 0; t < 1000; t++) writeFileSync(join(tables, `t${t}.yaml`), tableYaml(`t${t}`, false));
    for (let t = 1900; t < 2000; t++) rmSync(join(tables, `t${t}.yaml`));
    for (let t = 0; t < 100; t++) writeFileSync(join(tables, `u${t}.yaml`), tableYaml(`u${t}`, true));
    await ok(root, ['commit', '-m', 'b']);
    const timed = await ok(root, ['switch', 'main']);
    let kills = 0;
    let rounds0 = 0;
    const rounds = await repeatFor(LOOP_MS, 2, async () => {
      const from = currentBranch(root);
      const to = from === 'main' ? 'b' : 'main';
      const kill =
        rounds0++ % 2 === 0
          ? { onWrite: { dirs: () => [tables, join(tables, 't0.yaml'), join(tables, 't999.yaml')], jitterMs: 600 } }
          : { afterMs: random(timed.ms) };
      const killed = await runCli(root, ['switch', to], { kill });
      if (killed.signal === 'SIGKILL') kills++;
      const status = await afterKill(root, `switch ${to}`);
      const branch = currentBranch(root);
      expect([from, to]).toContain(branch);
      expect(status.branch).toBe(branch);
      expect(status.changes).toEqual([]);
      expect(sameFiles(treeOf(root, branch), workingOids(root)), `the files of ${branch}`).toEqual([]);
    });
    expect(kills, `of ${rounds} rounds`).toBeGreaterThan(0);
    await sweptByNextWriter(root);
  });

  it('merge, clean and conflicting: the branch as it was, the merge done, or MERGE_HEAD so that --abort works', { timeout: 600_000 }, async () => {
    // One project, two branches to merge into main: feat merges cleanly, featc conflicts on ten tables.
    const pristine = join(dir.path, 'pristine');
    mkdirSync(pristine);
    await project(pristine, 1500);
    await ok(pristine, ['commit', '-m', 'v0']);
    const tables0 = join(pristine, 'schema', 'tables');
    await ok(pristine, ['switch', '-c', 'feat']);
    for (let t = 0; t < 700; t++) writeFileSync(join(tables0, `t${t}.yaml`), tableYaml(`t${t}`, false));
    await ok(pristine, ['commit', '-m', 'feat']);
    await ok(pristine, ['switch', '-c', 'featc']);
    for (let t = 700; t < 710; t++) writeFileSync(join(tables0, `t${t}.yaml`), tableYaml(`t${t}`, true, true));
    await ok(pristine, ['commit', '-m', 'featc']);
    await ok(pristine, ['switch', 'main']);
    for (let t = 700; t < 1400; t++) writeFileSync(join(tables0, `t${t}.yaml`), tableYaml(`t${t}`, false));
    await ok(pristine, ['commit', '-m', 'main']);
    const work = join(dir.path, 'work');
    cpSync(pristine, work, { recursive: true });
    const timed = await ok(work, ['merge', 'feat']);
    let kills = 0;
    const rounds = await repeatFor(LOOP_MS, 2, async (i) => {
      const variant = i % 2 === 0 ? 'conflicts' : 'clean';
      const branch = variant === 'clean' ? 'feat' : 'featc';
      rmSync(work, { recursive: true, force: true });
      cpSync(pristine, work, { recursive: true });
      const main0 = revParse(work, 'main') as string;
      const feat0 = revParse(work, branch) as string;
      const tables = join(work, 'schema', 'tables');
      const kill =
        i % 4 < 2
          ? { onWrite: { dirs: () => [tables, join(tables, 't0.yaml'), join(tables, 't699.yaml'), ...objectDirs(work)()], jitterMs: 600 } }
          : { afterMs: random(timed.ms) };
      const killed = await runCli(work, ['merge', branch], { kill });
      if (killed.signal === 'SIGKILL') kills++;
      const status = await afterKill(work, `merge (${variant})`);
      const head = revParse(work, 'HEAD') as string;
      if (status.merging !== undefined) {
        expect(variant).toBe('conflicts');
        expect(head).toBe(main0);
        expect(status.merging.theirs).toBe(feat0);
        expect(status.merging.conflicts).toHaveLength(10);
        const files = workingOids(work, { conflicts: true });
        for (const c of status.merging.conflicts) expect(files.has(c), c).toBe(true);
        await ok(work, ['merge', '--abort']);
        expect(sameFiles(treeOf(work, main0), workingOids(work, { conflicts: true }))).toEqual([]);
      } else if (head === main0) {
        expect(status.changes).toEqual([]);
        expect(sameFiles(treeOf(work, main0), workingOids(work, { conflicts: true }))).toEqual([]);
      } else {
        expect(variant).toBe('clean');
        expect(revParse(work, 'HEAD^1')).toBe(main0);
        expect(revParse(work, 'HEAD^2')).toBe(feat0);
        expect(status.changes).toEqual([]);
        expect(sameFiles(treeOf(work, head), workingOids(work, { conflicts: true }))).toEqual([]);
      }
    });
    expect(kills, `of ${rounds} rounds`).toBeGreaterThan(0);
    await sweptByNextWriter(work);
  });

  it('pull of 1,500 tables: the working tree is the old schema or the new one, never a mix or half a file', { timeout: 600_000 }, async () => {
    const root = dir.path;
    const file = join(root, 'app.db');
    const db = new Sqlite(file);
    db.exec('BEGIN');
    for (let t = 0; t < 1500; t++) db.exec(`CREATE TABLE t${t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v REAL)`);
    db.exec('COMMIT');
    await ok(root, ['init']);
    await ok(root, ['db', 'add', 'app', 'sqlite:app.db']);
    const timed = await ok(root, ['pull', 'app']);
    await ok(root, ['commit', '-m', 'v0']);
    let kills = 0;
    let extra = false;
    let from = 0;
    try {
      const rounds = await repeatFor(LOOP_MS, 2, async (i) => {
        // The database moves on: a column added to (or dropped from) a random half of the tables.
        extra = !extra;
        if (extra) from = random(500);
        db.exec('BEGIN');
        for (let t = from; t < from + 1000; t++) db.exec(extra ? `ALTER TABLE t${t} ADD COLUMN x${i} INTEGER` : `ALTER TABLE t${t} DROP COLUMN x${i - 1}`);
        db.exec('COMMIT');
        if (!extra) db.exec('VACUUM');
        const before = workingOids(root);
        const tables = join(root, 'schema', 'tables');
        const kill =
          i % 2 === 0
            ? { onWrite: { dirs: () => [tables, join(tables, `t${from}.yaml`), join(tables, `t${from + 999}.yaml`)], jitterMs: 600 } }
            : { afterMs: random(timed.ms) };
        const killed = await runCli(root, ['pull', 'app'], { kill });
        if (killed.signal === 'SIGKILL') kills++;
        await afterKill(root, 'pull');
        for (const name of readdirSync(join(root, 'schema', 'tables')).filter((n) => !n.startsWith('.')))
          expect(statSync(join(root, 'schema', 'tables', name)).size, name).toBeGreaterThan(0);
        const now = workingOids(root);
        const unchanged = sameFiles(before, now).length === 0;
        const pulled = await runCli(root, ['diff', 'db:app', 'working', '--exit-code']);
        expect(unchanged || pulled.code === 0, `the working tree is neither the old schema nor the database's: ${sameFiles(before, now).join('; ')}`).toBe(
          true,
        );
        await ok(root, ['pull', 'app']);
        expect(strayTemporaries(root)).toEqual([]);
      });
      expect(kills, `of ${rounds} rounds`).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});

describe('a damaged object', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('redb-damaged-')));
  afterEach(() => dir.cleanup());

  it('is written again when a commit has its content at hand, never trusted because it exists', { timeout: 120_000 }, async () => {
    const root = dir.path;
    await project(root, 5);
    await ok(root, ['commit', '-m', 'v0']);
    const t1 = join(root, 'schema', 'tables', 't1.yaml');
    const blob = treeOf(root, 'HEAD').get('tables/t1.yaml') as string;
    rmSync(t1);
    await ok(root, ['commit', '-m', 'drop t1']);
    // What a kill during an in-place write used to leave: the object's file, empty.
    writeFileSync(join(root, '.redb', 'objects', blob.slice(0, 2), blob.slice(2)), '');
    writeFileSync(t1, tableYaml('t1', true));
    await ok(root, ['commit', '-m', 't1 again']);
    expect(treeOf(root, 'HEAD').get('tables/t1.yaml')).toBe(blob);
    expect(emptyObjects(root)).toEqual([]);
    const checked = fsck(root);
    expect(checked.ok, checked.output).toBe(true);
    await ok(root, ['show', 'HEAD~2', '--json']);
  });
});
