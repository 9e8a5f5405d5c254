import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'loadgen',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
