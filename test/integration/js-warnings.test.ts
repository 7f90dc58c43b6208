import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { expect, test } from 'vitest'

import { testEnv } from '../helpers.js'

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'index.js')

test('the JS backend prints no warning of the AWS SDK on the Node versions engines allows', () => {
  const script = `import { S3FileSystem } from ${JSON.stringify(dist)}
const fs = new S3FileSystem({ backend: 'js' })
await fs.exists('s3://s3fs-test/none')
fs.close()
console.log(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'environment untouched')`
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...testEnv(), PATH: process.env.PATH }, encoding: 'utf8' })
  expect(child.status).toBe(0)
  expect(child.stderr).toBe('')
  expect(child.stdout.trim()).toBe('environment untouched')
})
