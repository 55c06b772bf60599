import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { ok, person, project } from './support.js';

/** Start-up stays light: the trust layer's libraries load only on the paths that use them. */
const dir = mkdtempSync(join(tmpdir(), 'redb-trust-startup-'));
const ada = person(dir, 'ada');
let root: string;
const HEAVY = ['@noble/post-quantum', 'age-encryption', '@cedar-policy/cedar-wasm', '@noble/curves', '@nats-io'];
const register = join(import.meta.dirname, 'module-log', 'register.mjs');

function modulesLoadedBy(args: readonly string[], n: number): string[] {
  const log = join(dir, `modules-${n}.log`);
  const r = spawnSync(process.execPath, ['--import', register, CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...ada.env, REDB_MODULE_LOG: log, NO_COLOR: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  root = project(dir, ada);
  ok(ada, root, ['commit', '-S', '-m', 'signed']);
});

describe('start-up', () => {
  it('redb --help and redb status load neither @noble, age nor cedar', () => {
    let n = 0;
    for (const args of [['--help'], ['status'], ['status', '--no-db'], ['log', '-n', '1']]) {
      const loaded = modulesLoadedBy(args, n++);
      expect(loaded.some((u) => u.includes('/dist/cli.js'))).toBe(true);
      for (const heavy of HEAVY)
        expect(
          loaded.filter((u) => u.includes(heavy)),
          `${args.join(' ')} loads ${heavy}`,
        ).toEqual([]);
    }
  });

  it('the paths that need them do load them (the check above can fail)', () => {
    const loaded = modulesLoadedBy(['id'], 99);
    expect(loaded.some((u) => u.includes('@noble/post-quantum'))).toBe(true);
  });
});
