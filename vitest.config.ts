import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './scripts/summary-reporter.js';

export default defineConfig({
  test: {
    projects: ['packages/*', 'test'],
    reporters: ['default', new SummaryLineReporter()],
    // Tests that start servers and databases share 2 cores: keep the pool modest.
    maxWorkers: 2,
  },
});
