import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Real databases, real HTTP and image processing on a 2-core machine: generous, never a timing test.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
