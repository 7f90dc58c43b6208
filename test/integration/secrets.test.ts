// No secret in any log or error: a mixed workload at every accepted log level, with static and
// with session credentials, and stderr, stdout and every error searched for the key id, the
// secret, the token and anything that looks like a signature.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { expect, test } from 'vitest'

import { backendUnderTest, server, testEnv, uniquePrefix } from '../helpers.js'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'secrets-workload.mjs')
const LEVELS = ['off', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']
const SESSION_TOKEN = 'FQoGZXIvYXdzEXAMPLETOKEN0123456789abcdefSESSION'

async function runWorkload(extraEnv: Record<string, string>): Promise<string> {
  const job = { env: testEnv(extraEnv), prefix: uniquePrefix('secrets') }
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, S3FS_TEST_JOB: JSON.stringify(job) },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  return stdout + stderr
}

function expectNoSecret(output: string): void {
  for (const secret of [server.accessKeyId, server.secretAccessKey, SESSION_TOKEN]) expect(output).not.toContain(secret)
  expect(output).not.toMatch(/Signature=[0-9a-f]{8}/i)
  expect(output).not.toMatch(/Credential=[A-Za-z0-9]{4}/i)
}

for (const credentials of ['static', 'session'] as const) {
  test(`${credentials} credentials: no level logs a secret, and no error carries one`, async () => {
    const extra: Record<string, string> = credentials === 'session' ? { AWS_SESSION_TOKEN: SESSION_TOKEN } : {}
    for (const level of LEVELS) {
      const output = await runWorkload({ ...extra, AWS_LOG_LEVEL: level })
      expectNoSecret(output)
      // The search must have had something to search: the failures were reported, and the native
      // backend logged at info and above.
      expect(output).toMatch(/ENOENT|EACCES/)
      if (backendUnderTest === 'native' && LEVELS.indexOf(level) >= LEVELS.indexOf('info')) expect(output).toMatch(/\[INFO\]/)
    }
  }, 300_000)
}
