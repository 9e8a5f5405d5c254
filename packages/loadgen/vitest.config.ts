import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // Tests run the server and the SDK from source, so they need no build (as in packages/cli).
    alias: {
      '@aperture/server': source('../server/src/index.ts'),
      '@aperture/sdk': source('../sdk/src/index.ts'),
    },
  },
  test: {
    name: 'loadgen',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
