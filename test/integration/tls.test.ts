import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { inject, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { backendUnderTest, randomData, testEnv, uniquePrefix } from '../helpers.js'

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

// s2n delays the report of a failed handshake by 10-30 s ("blinding"), a defence for servers; the
// CRT build skips it for client connections (scripts/crt-patches/s2n-client-no-blinding-delay.patch),
// without which this test runs out of its time. Under npm run test:asan (S3FS_CHILD_ASAN_OPTIONS) the
// instrumented build's handshakes alone take seconds: there only the refusal is checked.
const underSanitizers = process.env.S3FS_CHILD_ASAN_OPTIONS !== undefined
test('an untrusted certificate is refused with EPROTO, at once', async () => {
  const fs = tlsFs({})
  const error = await fs.stat(`s3://s3fs-test/${uniquePrefix('tls')}/x`).catch((e: unknown) => e)
  fs.close()
  expect(error).toMatchObject({ code: 'EPROTO' })
}, underSanitizers ? 60_000 : 8_000)

// s2n's initialisation loaded the system's trust store into default configurations the CRT never
// uses, parsing the CA bundle on the thread that first loads the engine (the JS thread);
// scripts/crt-patches/s2n-default-configs-no-trust-store.patch skips it. Seen from outside: strace
// lists every file the process opens, and the CA bundle is named by SSL_CERT_FILE.
test('a plain-HTTP process never opens the system trust store', async () => {
  const bundle = `/tmp/${uniquePrefix('trust-probe')}.pem`
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/index.js')
  const script = `import { S3FileSystem } from ${JSON.stringify(dist)}
const fs = new S3FileSystem({ env: JSON.parse(process.env.S3FS_TEST_ENV) })
await fs.exists('s3://s3fs-test/${uniquePrefix('trust')}/x')
fs.close()`
  const { stderr } = await promisify(execFile)('strace', ['-f', '-e', 'trace=open,openat', process.execPath, '--input-type=module', '-e', script], {
    env: { ...process.env, S3FS_TEST_ENV: JSON.stringify(testEnv()), SSL_CERT_FILE: bundle },
    maxBuffer: 64 * 1024 * 1024,
  })
  expect(stderr).toContain('dist/index.js')
  expect(stderr).not.toContain(bundle)
})

test("Node's own crypto still works after the native engine's TLS (private OpenSSL)", async () => {
  const fs = tlsFs({ S3_VERIFY_SSL: '0' })
  await fs.exists(`s3://s3fs-test/${uniquePrefix('tls')}/x`)
  fs.close()
  const { randomBytes, createHash } = await import('node:crypto')
  expect(randomBytes(16)).toHaveLength(16)
  expect(createHash('sha256').update('x').digest('hex')).toHaveLength(64)
})
