import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Memory assertions (reliability tests) collect garbage first when they can.
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    // bin/*.js run the sources when dist/ is out of date (mid-edit); the tests test those, quietly.
    env: { RTNLD_SOURCE_NOTICE: '0' },
    hookTimeout: 60_000,
  },
});
