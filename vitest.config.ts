import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Test files share one PostgreSQL server; each creates its own schema, so files may run in parallel.
    pool: 'forks',
    globalSetup: ['test/support/compile-server.ts'],
    // Bounds against a hang, not targets: a busy 2-core machine migrates a schema per file in parallel.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
