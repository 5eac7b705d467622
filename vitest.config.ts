import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and end-to-end tests open real sockets and a real Chromium: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report lets .ci/run print the plain "N passed, N failed" line that CI counts.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
