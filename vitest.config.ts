import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, runs anywhere) and `integration` (needs root and
 * network namespaces; builds real labs). Integration files run one at a time because
 * each builds kernel state and measures load on a 2-core machine.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['harness/**/*.test.ts', 'test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
