import { availableParallelism } from 'node:os';
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
    // Prints one line for each program a test needs that is not installed (those tests skip).
    globalSetup: ['test/support/global-setup.ts'],
    // Test files share one module graph per worker instead of importing Apollo, type-graphql and the
    // five subgraphs afresh for each file: that import took more time than all the tests together. A test
    // that needs a module's load-time effect runs it in a child process (gateway-telemetry.test.ts).
    isolate: false,
    // Most tests wait on sockets and timers, not the CPU: one worker per core (vitest's default leaves
    // one core idle, which on two cores runs every file in turn).
    maxWorkers: Math.max(2, availableParallelism()),
    // Expected upstream failures are part of the tests; keep their log lines out of the report.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
