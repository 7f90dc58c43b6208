// Prints vitest's JSON reports as one line, "N passed, N failed, N skipped", so that a run which
// executed no test cannot pass for a green one. Exits non-zero when a test failed or none ran.
// Several reports (npm test's and npm run test:tensorflow's) are added up. Each failure is named
// below the counts, with the first line of its message: CI keeps only the end of its log.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const files = process.argv.length > 2 ? process.argv.slice(2) : ['build/test-results.json']
let passed = 0
let failed = 0
let skipped = 0
const failures = []
const firstLine = (message) => (message ?? '').trim().split('\n')[0].slice(0, 300)
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
  for (const suite of report.testResults ?? []) {
    const where = `${file}: ${relative(process.cwd(), suite.name)}`
    const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed')
    for (const test of failedTests) failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`)
    if (suite.status === 'failed' && failedTests.length === 0) failures.push(`${where}: ${firstLine(suite.message)}`)
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
for (const failure of failures) console.log(`FAILED ${failure}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
