import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/server/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: the test server and the native I/O threads need the rest.
    // --expose-gc: the test that an unclosed write handle aborts its upload when collected.
    poolOptions: { forks: { maxForks: 2, minForks: 1, execArgv: ['--expose-gc'] } },
    reporters: ['default', ['json', { outputFile: 'build/test-results.json' }]],
    // The conformance suite: every integration test once per backend, so the two cannot drift.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'native', include: ['test/integration/**/*.test.ts'], env: { S3FS_TEST_BACKEND: 'native' } } },
      { extends: true, test: { name: 'js', include: ['test/integration/**/*.test.ts'], env: { S3FS_TEST_BACKEND: 'js' } } },
      // What a user installs: the packed tarball, its prebuilt binaries, the from-source build.
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'] } },
      // The TensorFlow plugin inside real TensorFlow (Python, tfjs-node): npm run test:tensorflow.
      { extends: true, test: { name: 'tensorflow', include: ['test/tensorflow/**/*.test.ts'] } },
    ],
  },
})
