import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { server, testEnv, uniquePrefix, url } from '../helpers.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-creds-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function envWithoutKeys(extra: Record<string, string>): Record<string, string> {
  const env = testEnv(extra)
  delete env.AWS_ACCESS_KEY_ID
  delete env.AWS_SECRET_ACCESS_KEY
  return env
}

async function roundTrip(fs: S3FileSystem): Promise<void> {
  const key = `${uniquePrefix('creds')}/object`
  await fs.writeFile(url(key), 'signed')
  expect((await fs.readFile(url(key))).toString()).toBe('signed')
  await fs.rm(url(key))
}

describe('credentials', () => {
  test('from the environment', async () => {
    const fs = new S3FileSystem({ env: testEnv() })
    await roundTrip(fs)
    fs.close()
  })

  test('from a named profile in a shared credentials file', async () => {
    const credentialsFile = path.join(dir, 'credentials')
    writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = AKIAWRONGDEFAULT0000\naws_secret_access_key = wrong\n\n` +
        `[s3fs-test]\naws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}\n`,
    )
    const fs = new S3FileSystem({
      env: envWithoutKeys({ AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_PROFILE: 's3fs-test' }),
    })
    await roundTrip(fs)
    fs.close()
  })

  test('from the default profile in ~/.aws/credentials', async () => {
    const home = mkdtempSync(path.join(dir, 'home-'))
    writeFileSync(path.join(dir, 'placeholder'), '')
    const awsDir = path.join(home, '.aws')
    await import('node:fs/promises').then((m) => m.mkdir(awsDir))
    writeFileSync(path.join(awsDir, 'credentials'), `[default]\naws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}\n`)
    const fs = new S3FileSystem({ env: envWithoutKeys({ HOME: home }) })
    await roundTrip(fs)
    fs.close()
  })

  test('explicit constructor credentials override the environment', async () => {
    const fs = new S3FileSystem({
      env: testEnv({ AWS_SECRET_ACCESS_KEY: 'wrong' }),
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    })
    await roundTrip(fs)
    fs.close()
  })
})
