import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalTmp.ts'],
    setupFiles: ['test/killLeftovers.ts'],
    // Integration tests spawn real processes and daemons; two cores are shared.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
