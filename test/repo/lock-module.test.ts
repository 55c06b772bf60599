import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedbError } from '../../src/errors.js';
import { acquireLock, tryLock } from '../../src/repo/lock.js';
import { tempDir } from '../support/scratch.js';

const holder = (pid: number, host = hostname(), command = 'redb daemon') =>
  JSON.stringify({ pid, host, command, started: '2030-01-02T03:04:05.000Z', token: 'abc' });
/** The pid of a process that has finished. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('the lock module', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('redb-lockmod-')));
  afterEach(() => dir.cleanup());

  it('waits, names the holder, stops on a signal, and releases only its own lock', async () => {
    const first = await acquireLock(dir.path, { command: 'redb first' });
    const started = Date.now();
    const refused = await acquireLock(dir.path, { command: 'redb second', waitMs: 200 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(refused).toBeInstanceOf(RedbError);
    expect((refused as RedbError).code).toBe('REDB_LOCKED');
    expect((refused as RedbError).data).toMatchObject({ pid: process.pid, command: 'redb first', host: hostname() });
    expect(await tryLock(dir.path, { command: 'redb third' })).toBeUndefined();

    const controller = new AbortController();
    const waiting = acquireLock(dir.path, { command: 'redb waiting', waitMs: 60_000, signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    expect(((await waiting) as RedbError).code).toBe('REDB_ABORTED');

    // A lock someone else holds now (ours was broken meanwhile) is not removed by our release.
    writeFileSync(join(dir.path, 'redb.lock'), holder(process.pid, hostname(), 'redb other'));
    await first.release();
    expect(readFileSync(join(dir.path, 'redb.lock'), 'utf8')).toContain('redb other');
  });

  it('takes over from a dead holder, once, when two wait for it', async () => {
    writeFileSync(join(dir.path, 'redb.lock'), holder(deadPid()));
    const [a, b] = await Promise.all([tryLock(dir.path, { command: 'a' }), tryLock(dir.path, { command: 'b' })]);
    expect([a, b].filter((l) => l !== undefined)).toHaveLength(1);
    await (a ?? b)?.release();
    expect(existsSync(join(dir.path, 'redb.lock'))).toBe(false);
  });
});
