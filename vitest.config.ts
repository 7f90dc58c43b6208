import { defineConfig } from 'vitest/config'

// The MinIO servers the integration, package and TensorFlow tests talk to.
const globalSetup = ['test/server/global-setup.ts']

// npm run test:asan: the processes the tests start get their own sanitizer options (scripts/test-asan.sh).
if (process.env.S3FS_CHILD_ASAN_OPTIONS) process.env.ASAN_OPTIONS = process.env.S3FS_CHILD_ASAN_OPTIONS

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: the test server and the native I/O threads need the rest.
    // --expose-gc: the test that an unclosed write handle aborts its upload when collected.
    poolOptions: { forks: { maxForks: 2, minForks: 1, execArgv: ['--expose-gc'] } },
    // S3FS_TEST_REPORT: npm run test:tensorflow keeps its report beside npm test's, for .ci/run's summary.
    reporters: ['default', ['json', { outputFile: process.env.S3FS_TEST_REPORT ?? 'build/test-results.json' }]],
    // The conformance suite: every integration test once per backend, so the two cannot drift.
    projects: [
      // Pure logic: no server (npm run test:unit needs neither Go nor MinIO).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'native', include: ['test/integration/**/*.test.ts'], env: { S3FS_TEST_BACKEND: 'native' }, globalSetup } },
      { extends: true, test: { name: 'js', include: ['test/integration/**/*.test.ts'], env: { S3FS_TEST_BACKEND: 'js' }, globalSetup } },
      // What a user installs: the packed tarball, its prebuilt binaries, the from-source build.
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'], globalSetup } },
      // The TensorFlow plugin inside real TensorFlow (Python, tfjs-node): npm run test:tensorflow.
      { extends: true, test: { name: 'tensorflow', include: ['test/tensorflow/**/*.test.ts'], globalSetup } },
    ],
  },
})
