import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One worker per core (vitest's default leaves one core free: on a 2-core machine the suite
    // would run one file at a time).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
