import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*'],
    // Tests that start servers and databases share 2 cores: keep the pool modest.
    maxWorkers: 2,
  },
});
