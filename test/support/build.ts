import { execFileSync } from 'node:child_process';

/** CLI tests run the built `dist/cli.js`; build once before any test file runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
