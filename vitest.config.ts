import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships both ESM and CJS builds; without this alias vitest can load both and graphql
    // rejects schemas "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['shared/**/*.test.ts', 'subgraphs/**/*.test.ts', 'gateway/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    // Expected upstream failures are part of the tests; keep their log lines out of the report.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
