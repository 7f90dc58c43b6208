import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/server/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: the test server and the native I/O threads need the rest.
    // --expose-gc: the test that an unclosed write handle aborts its upload when collected.
    poolOptions: { forks: { maxForks: 2, minForks: 1, execArgv: ['--expose-gc'] } },
    reporters: ['default', ['json', { outputFile: 'build/test-results.json' }]],
  },
})
