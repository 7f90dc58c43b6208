import { inject, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { backendUnderTest, randomData, uniquePrefix } from '../helpers.js'

// A second MinIO over HTTPS with a self-signed certificate (test/server/global-setup.ts).
const tls = inject('s3tls')

function tlsFs(extra: Record<string, string>): S3FileSystem {
  return new S3FileSystem({
    env: {
      S3FS_BACKEND: backendUnderTest,
      S3_ENDPOINT: tls.endpoint,
      AWS_ACCESS_KEY_ID: tls.accessKeyId,
      AWS_SECRET_ACCESS_KEY: tls.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      HOME: '/nonexistent',
      ...extra,
    },
    partSize: 5 * 1024 * 1024,
  })
}

async function roundTrip(fs: S3FileSystem): Promise<void> {
  const key = `s3://s3fs-test/${uniquePrefix('tls')}/object`
  const data = randomData(12 * 1024 * 1024 + 1)
  await fs.writeFile(key, data)
  expect((await fs.readFile(key)).equals(data)).toBe(true)
  expect((await fs.stat(key)).size).toBe(data.length)
}

test('HTTPS with the server certificate trusted through S3_CA_FILE', async () => {
  const fs = tlsFs({ S3_CA_FILE: tls.caFile })
  await roundTrip(fs)
  fs.close()
})

test('HTTPS without certificate checks when S3_VERIFY_SSL=0', async () => {
  const fs = tlsFs({ S3_VERIFY_SSL: '0' })
  await roundTrip(fs)
  fs.close()
})

test('an untrusted certificate is refused with EPROTO', async () => {
  const fs = tlsFs({})
  const error = await fs.stat(`s3://s3fs-test/${uniquePrefix('tls')}/x`).catch((e: unknown) => e)
  fs.close()
  expect(error).toMatchObject({ code: 'EPROTO' })
})

test("Node's own crypto still works after the native engine's TLS (private OpenSSL)", async () => {
  const fs = tlsFs({ S3_VERIFY_SSL: '0' })
  await fs.exists(`s3://s3fs-test/${uniquePrefix('tls')}/x`)
  fs.close()
  const { randomBytes, createHash } = await import('node:crypto')
  expect(randomBytes(16)).toHaveLength(16)
  expect(createHash('sha256').update('x').digest('hex')).toHaveLength(64)
})
