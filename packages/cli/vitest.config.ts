import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // The in-process server and the SDK the tests use come from source; the CLI under test is
    // always the built binary (dist/bin.js).
    alias: {
      '@aperture/server': source('../server/src/index.ts'),
      '@aperture/sdk': source('../sdk/src/index.ts'),
    },
  },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
