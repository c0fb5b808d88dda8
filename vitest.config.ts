import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // React component tests (*.test.tsx) pick their DOM with a `@vitest-environment` comment.
    include: ['*/src/**/*.test.ts', '*/src/**/*.test.tsx', '*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Integration tests start real servers on an embedded ClickHouse; one data folder per process,
    // so every test file runs in its own forked process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
