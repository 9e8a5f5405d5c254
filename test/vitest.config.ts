import { defineProject } from 'vitest/config';

// Checks of the repository as a whole: its lockfile, how a clone installs, how the command is put
// on the PATH. They read files and run npm; none needs a database.
export default defineProject({
  test: {
    name: 'repo',
    include: ['**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
