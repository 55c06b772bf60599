import { spawn } from 'node:child_process';
import { CLI, type CliResult } from './cli.js';

/** Run the built CLI without blocking this process (for tests that serve something it connects to). */
export function redbAsync(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', REDB_DEBUG: '', REDB_AUTHOR_NAME: 'Test', REDB_AUTHOR_EMAIL: 'test@example.com', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
