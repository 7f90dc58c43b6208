// The server found through the AWS CLI's endpoint variables, on the backend under test
// (test/unit/config.test.ts has the precedence itself).
import { expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { randomData, server, testEnv, uniquePrefix, url } from '../helpers.js'

/** The test environment with the endpoint named by `variable` instead of S3_ENDPOINT. */
function envWith(variable: string): Record<string, string> {
  const { S3_ENDPOINT: _endpoint, ...env } = testEnv()
  return { ...env, [variable]: server.endpoint }
}

for (const variable of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
  test(`${variable} alone leads to the server, as it does the AWS CLI`, async () => {
    const fs = new S3FileSystem({ env: envWith(variable) })
    try {
      const key = url(`${uniquePrefix('endpoint-url')}/object`)
      const data = randomData(100_000)
      await fs.writeFile(key, data)
      expect((await fs.readFile(key)).equals(data)).toBe(true)
    } finally {
      fs.close()
    }
  })
}
