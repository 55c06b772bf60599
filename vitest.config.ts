import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Server-backed suites share one PostgreSQL and one MariaDB; files run in parallel on their own databases.
    pool: 'forks',
  },
});
