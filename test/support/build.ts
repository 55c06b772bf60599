import { execFileSync } from 'node:child_process';

/** CLI tests run the built `dist/cli.js`; build once before any test file runs. */
export default function setup(): void {
  // For quick local iteration on a tree that does not type-check yet; npm test always builds.
  if (process.env.REDB_TEST_NO_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
