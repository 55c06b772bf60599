// Start-up: a git-like tool runs many times a minute. redb --help and redb status should cost
// little more than Node itself; ink, engine drivers and the MCP SDK load only where used.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, printTable, sideBySide } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

export function run({ runs = 21 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-startup-'));
  try {
    copyFileSync(join(root, '..', 'shared', 'fixtures', 'chinook', 'Chinook_Sqlite.sqlite'), join(dir, 'chinook.db'));
    const redb = (...args) => execFileSync(process.execPath, [cli, ...args], { cwd: dir, stdio: 'ignore' });
    redb('init');
    redb('db', 'add', 'app', 'sqlite:chinook.db');
    redb('pull', 'app');
    redb('commit', '-m', 'initial');
    const node = (name, args) => ({ name, cmd: process.execPath, args, options: { cwd: dir } });
    const rows = sideBySide(
      [
        node('node -e 0', ['-e', '0']),
        node('redb --version', [cli, '--version']),
        node('redb --help', [cli, '--help']),
        node('redb status --no-db', [cli, 'status', '--no-db']),
        node('redb status (1 SQLite db bound)', [cli, 'status']),
        { name: 'git log -1 on .redb (for scale)', cmd: 'git', args: ['--git-dir', '.redb', 'log', '-1', '--format=%h'], options: { cwd: dir } },
        { ...node('node -e "import(\'ink\')" (what ink costs)', ['--input-type=module', '-e', "await import('ink')"]), options: { cwd: root } },
      ],
      runs,
    );
    console.log(`machine: ${machine()}; ${runs} interleaved runs each; Chinook (11 tables) repository`);
    printTable('start-up (wall time per invocation)', rows, 'node -e 0');
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) run();
