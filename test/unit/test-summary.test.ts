import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { expect, test } from 'vitest'

const script = path.resolve(import.meta.dirname, '../../scripts/test-summary.mjs')
const dir = mkdtempSync(path.join(os.tmpdir(), 'test-summary-'))

function report(name: string, tests: { fullName: string; status: 'passed' | 'failed'; message?: string }[]): string {
  const failed = tests.filter((t) => t.status === 'failed').length
  const file = path.join(dir, name)
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: tests.length - failed,
      numFailedTests: failed,
      numFailedTestSuites: 0,
      testResults: [
        {
          name: path.join(process.cwd(), 'test/integration/example.test.ts'),
          status: failed > 0 ? 'failed' : 'passed',
          message: '',
          assertionResults: tests.map((t) => ({ fullName: t.fullName, status: t.status, failureMessages: t.message ? [t.message] : [] })),
        },
      ],
    }),
  )
  return file
}

async function summary(...files: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script, ...files])
    return { code: 0, stdout }
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string }
    return { code, stdout }
  }
}

test('counts every report and names each failed test with the first line of its message', async () => {
  const passing = report('passing.json', [{ fullName: 'a works', status: 'passed' }])
  const failing = report('failing.json', [
    { fullName: 'b works', status: 'passed' },
    { fullName: 'c settles', status: 'failed', message: 'AssertionError: expected 1 to be 2\n    at stack frame' },
  ])
  const { code, stdout } = await summary(passing, failing)
  expect(code).toBe(1)
  expect(stdout.trim().split('\n')).toEqual([
    '2 passed, 1 failed, 0 skipped',
    `FAILED ${failing}: test/integration/example.test.ts > c settles: AssertionError: expected 1 to be 2`,
  ])
})

test('a run where every test passed exits 0 and names nothing', async () => {
  const { code, stdout } = await summary(report('green.json', [{ fullName: 'a works', status: 'passed' }]))
  expect(code).toBe(0)
  expect(stdout.trim()).toBe('1 passed, 0 failed, 0 skipped')
})
