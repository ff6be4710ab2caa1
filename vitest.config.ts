import { defineConfig } from 'vitest/config';

// Tests run from the repository root; vite.config.ts is the dashboard's build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Most test time is spent waiting on PostgreSQL, child processes and
    // chromium: three files at once keep both cores busy (the default on a
    // 2-core machine is one).
    maxWorkers: 3,
  },
});
