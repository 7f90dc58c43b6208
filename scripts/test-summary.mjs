// Prints vitest's JSON reports as one line, "N passed, N failed, N skipped", so that a run which
// executed no test cannot pass for a green one. Exits non-zero when a test failed or none ran.
// Several reports (npm test's and npm run test:tensorflow's) are added up.
import { readFileSync } from 'node:fs'

const files = process.argv.length > 2 ? process.argv.slice(2) : ['build/test-results.json']
let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  let report
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    console.error(`no test report at ${file}: ${error.message}`)
    failed += 1
    continue
  }
  passed += report.numPassedTests ?? 0
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0)
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
