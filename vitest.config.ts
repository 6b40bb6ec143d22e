import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'test/fixtures/**'],
    // Much of the suite waits on child processes (Appium, the CLI, generated suites), not the CPU:
    // three workers on the 2-core CI machine take the suite from ~400 s to ~240 s.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
