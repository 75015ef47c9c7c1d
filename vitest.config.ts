import { defineConfig } from 'vitest/config';
import GuestLastSequencer from './test/helpers/guest-last-sequencer.js';

/**
 * Two projects: `unit` (pure code, runs anywhere) and `integration` (needs root and
 * network namespaces; builds real labs). Integration files run one at a time because
 * each builds kernel state and measures load on a 2-core machine. The one slow guest job
 * (IPVS conformance in a 6.1 guest) is started by the integration project's global setup at
 * the beginning and runs beside them (test/helpers/guest-prewarm.ts).
 */
export default defineConfig({
  test: {
    // vitest's order, except that the file waiting for the background guest job runs last (a
    // project-level sequencer is not used by vitest 4.1, measured: the root's is).
    sequence: { sequencer: GuestLastSequencer },
    projects: [
      { test: { name: 'unit', include: ['harness/**/*.test.ts', 'test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          // The slow guest job starts in the background when the run begins (see the file).
          globalSetup: ['test/helpers/guest-prewarm.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
