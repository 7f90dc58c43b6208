// What real buckets ask of requests: requester pays on every request, SSE-S3 and SSE-KMS on
// writes, SSE-C on every read, write, stat and copy, against MinIO (SSE-C over TLS, as S3 requires).
import { randomBytes } from 'node:crypto'

import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'

import { KMS_KEY_ID, referenceClient } from '../../lib/cli/local-minio.js'
import { S3FileSystem } from '../../lib/index.js'
import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { BUCKET, randomData, reference, server, testEnv, uniquePrefix, url } from '../helpers.js'

const tls = inject('s3tls')
const PART = 5 * 1024 * 1024

describe('requester pays', () => {
  let proxy: FaultProxy
  const payers: Array<string | undefined> = []
  beforeAll(async () => {
    proxy = await startFaultProxy(server.port)
    proxy.setPlan({ kind: 'latency', every: Number.MAX_SAFE_INTEGER, matches: (_m, _u, headers) => (payers.push(headers['x-amz-request-payer'] as string | undefined), false) })
  })
  afterAll(() => proxy.close())

  test('every request says the requester pays: listings, copies, multipart parts and completions too', async () => {
    const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint, S3FS_REQUEST_PAYER: 'requester' }), partSize: PART })
    const base = url(uniquePrefix('payer'))
    try {
      const large = randomData(2 * PART + 1)
      await fs.writeFile(`${base}/a/large`, large)
      await fs.writeFile(`${base}/a/small`, 'small')
      expect((await fs.readFile(`${base}/a/large`)).equals(large)).toBe(true)
      await fs.rename(`${base}/a`, `${base}/b`)
      expect((await fs.readdir(`${base}/b`)).sort()).toEqual(['large', 'small'])
      await fs.rm(base, { recursive: true })
    } finally {
      fs.close()
    }
    expect(payers.length).toBeGreaterThan(15)
    expect(new Set(payers)).toEqual(new Set(['requester']))
  })
})

describe('server-side encryption', () => {
  test('SSE-S3 and SSE-KMS with a key id: what S3 reports of each object written, single or multipart, and copied', async () => {
    const client = reference()
    try {
      for (const [settings, expected] of [
        [{ S3FS_SSE: 'AES256' }, { ServerSideEncryption: 'AES256' }],
        [{ S3FS_SSE_KMS_KEY_ID: KMS_KEY_ID }, { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: expect.stringContaining(KMS_KEY_ID) }],
      ] as const) {
        const fs = new S3FileSystem({ env: testEnv(settings), partSize: PART })
        const base = uniquePrefix('sse')
        try {
          await fs.writeFile(url(`${base}/small`), 'small')
          await fs.writeFile(url(`${base}/large`), randomData(PART + 1))
          await fs.copyFile(url(`${base}/small`), url(`${base}/copy`))
          for (const name of ['small', 'large', 'copy']) {
            expect(await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${base}/${name}` }))).toMatchObject(expected)
          }
          await fs.rm(url(base), { recursive: true })
        } finally {
          fs.close()
        }
      }
    } finally {
      client.destroy()
    }
  })

  test('SSE-C: every read, write, stat and copy carries the key; without it the objects cannot be read; it never shows', async () => {
    const key = randomBytes(32)
    const env = testEnv({ S3_CA_FILE: tls.caFile }, tls)
    const fs = new S3FileSystem({ env, sseCustomerKey: key, partSize: PART })
    const base = `${uniquePrefix('sse-c')}`
    const large = randomData(2 * PART + 3)
    try {
      await fs.writeFile(url(`${base}/small`), 'secret small')
      await fs.writeFile(url(`${base}/large`), large)
      await fs.copyFile(url(`${base}/large`), url(`${base}/copy`))
      expect((await fs.readFile(url(`${base}/small`))).toString()).toBe('secret small')
      expect((await fs.readFile(url(`${base}/copy`))).equals(large)).toBe(true)
      const stat = await fs.stat(url(`${base}/large`))
      expect(stat.size).toBe(large.length)
      expect(JSON.stringify(stat)).not.toContain(key.toString('base64'))
      const handle = await fs.open(url(`${base}/large`), 'r')
      const slice = Buffer.alloc(100)
      await handle.read(slice, 0, 100, PART - 50)
      await handle.close()
      expect(slice.equals(large.subarray(PART - 50, PART + 50))).toBe(true)

      const plain = referenceClient({ ...tls, caFile: tls.caFile })
      try {
        await expect(plain.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${base}/small` }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } })
      } finally {
        plain.destroy()
      }
      const wrongKey = randomBytes(32)
      const other = new S3FileSystem({ env, sseCustomerKey: wrongKey })
      const error = (await other.readFile(url(`${base}/small`)).catch((e: unknown) => e)) as Error
      other.close()
      expect(error).toBeInstanceOf(Error)
      for (const secret of [key, wrongKey]) {
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret.toString('base64'))
      }
      await fs.rm(url(base), { recursive: true })
    } finally {
      fs.close()
    }
  })

  test('a customer key of the wrong size, or with SSE-S3 besides, is refused without quoting it', () => {
    const short = randomBytes(16).toString('base64')
    expect(() => new S3FileSystem({ env: testEnv({ S3FS_SSE_CUSTOMER_KEY: short }) })).toThrow(/EINVAL: the SSE-C key must be 32 bytes/)
    try {
      new S3FileSystem({ env: testEnv({ S3FS_SSE_CUSTOMER_KEY: short }) })
    } catch (error) {
      expect(String(error)).not.toContain(short)
    }
    expect(() => new S3FileSystem({ env: testEnv({ S3FS_SSE: 'AES256' }), sseCustomerKey: randomBytes(32) })).toThrow(/cannot both be set/)
  })
})
