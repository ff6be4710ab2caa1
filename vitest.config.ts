import { defineConfig } from 'vitest/config';

// Tests run from the repository root; vite.config.ts is the dashboard's build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
