import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, chinookCopy } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

/**
 * The published shape, installed as a user would: `npm pack`, then `npm install -g` of the tarball
 * into a temporary prefix (dependencies come from the npm registry), then the `redb` it put on the
 * PATH runs a SQLite → DuckDB flow, so `bin`, `files` and both engines' native modules are proven.
 *
 * better-sqlite3 downloads its prebuilt binary from GitHub, which this machine cannot reach; rather
 * than compile SQLite for a quarter of an hour, the test hands it the binary already built for the
 * project, the way its installer takes a local prebuild (`npm_config_better_sqlite3_local_prebuilds`).
 */
const NPM_TIMEOUT = 15 * 60_000;

function npm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('npm', [...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env },
    timeout: NPM_TIMEOUT,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The project's own built better-sqlite3 binary, named as its installer looks for a prebuild of the version npm will pick. */
function localPrebuilds(dir: string, range: string): Record<string, string> {
  const built = join(ROOT, 'node_modules', 'better-sqlite3');
  const version = (
    JSON.parse(execFileSync('node', ['-p', `JSON.stringify(require(${JSON.stringify(join(built, 'package.json'))}).version)`], { encoding: 'utf8' })) as string
  ).trim();
  const published = JSON.parse(npm(['view', `better-sqlite3@${range}`, 'version', '--json'], dir)) as string | string[];
  const newest = Array.isArray(published) ? published[published.length - 1] : published;
  // Only the same version's binary fits; otherwise the installer compiles from source (slow, still correct).
  if (newest !== version || !existsSync(join(built, 'build', 'Release', 'better_sqlite3.node'))) return {};
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['czf', join(dir, name), '-C', built, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

describe('npm install -g of the packed tarball (needs the npm registry)', () => {
  const work = tempDir('redb-pack-');
  afterAll(() => work.cleanup());

  it(
    'installs @redb-tool/redb with the command redb, and a SQLite → DuckDB flow runs from it',
    () => {
      // Pack from a copy: prepack empties dist/, which other test files are running from.
      const copy = join(work.path, 'project');
      mkdirSync(copy);
      for (const f of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, f), join(copy, f));
      cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      const out = join(work.path, 'out');
      mkdirSync(out);
      npm(['pack', '--pack-destination', out], copy);
      const [tarball] = readdirSync(out).filter((f) => f.endsWith('.tgz'));
      expect(tarball).toBe('redb-tool-redb-0.1.0.tgz');
      const listed = execFileSync('tar', ['tzf', join(out, tarball as string)], { encoding: 'utf8' }).split('\n');
      expect(listed).toContain('package/dist/cli.js');
      expect(listed.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);

      const manifest = JSON.parse(execFileSync('tar', ['xzf', join(out, tarball as string), '-O', 'package/package.json'], { encoding: 'utf8' })) as {
        name: string;
        bin: Record<string, string>;
        dependencies: Record<string, string>;
      };
      expect(manifest.name).toBe('@redb-tool/redb');
      expect(manifest.bin).toEqual({ redb: 'dist/cli.js' });

      const prefix = join(work.path, 'prefix');
      const prebuilds = join(work.path, 'prebuilds');
      mkdirSync(prebuilds);
      npm(
        ['install', '-g', '--prefix', prefix, join(out, tarball as string)],
        work.path,
        localPrebuilds(prebuilds, manifest.dependencies['better-sqlite3'] as string),
      );
      const bin = join(prefix, 'bin', 'redb');
      expect(existsSync(bin)).toBe(true);

      // Nothing of the checkout on the way: a plain PATH with the prefix first, a folder outside the project.
      const env = {
        PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
        HOME: work.path,
        NO_COLOR: '1',
        REDB_AUTHOR_NAME: 'Test',
        REDB_AUTHOR_EMAIL: 'test@example.com',
      };
      const run = (cwd: string, args: readonly string[]) => {
        const r = spawnSync('redb', [...args], { cwd, env, encoding: 'utf8' });
        expect(r.status, `redb ${args.join(' ')}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };
      const user = join(work.path, 'user');
      mkdirSync(user);
      expect(run(user, ['--version']).trim()).toBe('0.1.0');
      chinookCopy(user);
      run(user, ['init']);
      run(user, ['db', 'add', 'music', 'sqlite:chinook.db']);
      expect(run(user, ['pull', 'music'])).toContain('pulled');
      run(user, ['commit', '-m', 'chinook']);
      expect(run(user, ['clone', 'music', 'duckdb:music.duckdb'])).toContain('cloned music → duckdb:music.duckdb');
      const verified = JSON.parse(run(user, ['verify', 'music', 'duckdb:music.duckdb', '--json'])) as
        | { table: string; sourceRows: number; targetRows: number }[]
        | { checks: { table: string; targetRows: number }[] };
      expect(JSON.stringify(verified)).toContain('"Track"');
      expect(run(user, ['log', '--oneline'])).toContain('chinook');
    },
    2 * NPM_TIMEOUT,
  );
});
