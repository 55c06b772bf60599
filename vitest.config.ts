import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Soak runs (a 1M-row transaction through every pair) take many minutes each: `npm run test:soak`.
    exclude: ['**/node_modules/**', ...(process.env.REDB_TEST_SOAK === '1' ? [] : ['test/**/*.soak.test.ts'])],
    globalSetup: ['test/support/build.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // Server-backed suites share one PostgreSQL, one MariaDB and one NATS; files run side by side on
    // their own databases. Most of a file's time is spent waiting on a server or a child process, so
    // two files at once keep two cores busy (the default on two cores is one).
    pool: 'forks',
    maxWorkers: 2,
  },
});
