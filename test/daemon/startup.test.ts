import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, errorCode } from '../support/cli.js';
import { project } from './support.js';

/** Start-up stays light: the daemon's code loads only for the verbs that use it. The systemd unit. */
const p = project('redb-daemon-startup-');
afterAll(() => p.cleanup());
const register = join(import.meta.dirname, '..', 'trust', 'module-log', 'register.mjs');

function modulesLoadedBy(args: readonly string[], n: number): string[] {
  const log = join(p.root, `modules-${n}.log`);
  const r = spawnSync(process.execPath, ['--import', register, CLI, ...args], {
    cwd: p.root,
    encoding: 'utf8',
    env: { ...process.env, REDB_MODULE_LOG: log, NO_COLOR: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}
const daemonCode = (loaded: string[]) =>
  loaded.filter((u) => /\/dist\/(daemon\/|ops\/daemon|ops\/replicate-jobs|commands\/daemon|commands\/replicate-jobs)/.test(u));

describe('start-up and install', () => {
  it('redb --help and redb status load no daemon code; daemon status does', () => {
    let n = 0;
    for (const args of [['--help'], ['status', '--no-db'], ['daemon', '--help']]) expect(daemonCode(modulesLoadedBy(args, n++)), args.join(' ')).toEqual([]);
    expect(daemonCode(modulesLoadedBy(['daemon', 'status'], 99)).length).toBeGreaterThan(0);
  });

  it('daemon install --systemd prints a user unit, and --write puts it in the user systemd folder', () => {
    const printed = p.ok(['daemon', 'install', '--systemd', '--metrics', '127.0.0.1:9464']).stdout;
    expect(printed).toContain(`WorkingDirectory=${p.root}`);
    expect(printed).toMatch(/^ExecStart=\S+node\S* \S+\/dist\/cli\.js daemon start --foreground --metrics 127\.0\.0\.1:9464$/m);
    expect(printed).toMatch(/^ExecStop=.* daemon stop$/m);
    expect(printed).toContain('WantedBy=default.target');
    const home = join(p.root, 'home');
    const written = JSON.parse(p.ok(['daemon', 'install', '--systemd', '--write', '--json'], { HOME: home, XDG_CONFIG_HOME: '' }).stdout) as {
      path: string;
      name: string;
      written: boolean;
    };
    expect(written.path).toBe(join(home, '.config', 'systemd', 'user', written.name));
    expect(written.name).toMatch(/^redb-daemon-[a-z0-9-]+-[0-9a-f]{8}\.service$/);
    expect(readFileSync(written.path, 'utf8')).toContain('daemon start --foreground');
    expect(errorCode(p.run(['daemon', 'install']))).toBe('REDB_USAGE');
    expect(errorCode(p.run(['daemon', 'install', '--systemd', '--metrics', '0.0.0.0:1']))).toBe('REDB_DAEMON_METRICS_ADDRESS');
  });

  it('a damaged jobs.json is refused with the file named', () => {
    writeFileSync(join(p.gitdir, 'jobs.json'), JSON.stringify({ version: 1, jobs: { 'Bad Name': { kind: 'replicate' } } }));
    const r = p.run(['replicate', 'status']);
    expect(errorCode(r)).toBe('REDB_INVALID_CONFIG');
    expect(r.stderr).toContain('.redb/jobs.json');
  });
});
