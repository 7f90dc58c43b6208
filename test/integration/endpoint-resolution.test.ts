// The server found through the AWS CLI's endpoint variables and profile settings, on the backend
// under test (test/unit/addressing.test.ts has the precedence itself).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { randomData, server, testEnv, uniquePrefix, url } from '../helpers.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-endpoint-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The test environment with the endpoint named by `extra` instead of S3_ENDPOINT. */
function envWith(extra: Record<string, string>): Record<string, string> {
  const { S3_ENDPOINT: _endpoint, ...env } = testEnv()
  return { ...env, ...extra }
}

async function roundTrip(env: Record<string, string>): Promise<void> {
  const fs = new S3FileSystem({ env })
  try {
    const key = url(`${uniquePrefix('endpoint-url')}/object`)
    const data = randomData(100_000)
    await fs.writeFile(key, data)
    expect((await fs.readFile(key)).equals(data)).toBe(true)
  } finally {
    fs.close()
  }
}

for (const variable of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
  test(`${variable} alone leads to the server, as it does the AWS CLI`, async () => {
    await roundTrip(envWith({ [variable]: server.endpoint }))
  })
}

test("the profile's endpoint_url, and the s3 endpoint_url of its services section, lead to the server", async () => {
  const configFile = path.join(dir, 'config')
  // A named profile skips the environment's keys, as in the AWS SDK: the profile holds its own.
  const keys = `aws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}`
  writeFileSync(
    configFile,
    `[profile direct]\nendpoint_url = ${server.endpoint}\nregion = ${server.region}\n${keys}\n\n` +
      `[profile through-services]\nservices = local\nendpoint_url = http://127.0.0.1:1\n${keys}\n\n[services local]\ns3 =\n  endpoint_url = ${server.endpoint}\n`,
  )
  await roundTrip(envWith({ AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'direct' }))
  await roundTrip(envWith({ AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'through-services' }))
})
