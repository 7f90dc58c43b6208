import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy, type TcpProxy } from '../server/tcp-proxy.js'
import { BUCKET, expectNoMultipartUploads, randomData, reference, server, testEnv, uniquePrefix, url } from '../helpers.js'

const PART = 5 * 1024 * 1024
let proxy: TcpProxy

beforeAll(async () => {
  // Requests under 1 MiB pass (create, abort); every 5 MiB part is cut, on every retry.
  proxy = await startTcpProxy(server.port, { cutAfterBytes: 1024 * 1024 })
})
afterAll(() => proxy.close())

test('a multipart upload that fails part-way leaves no upload and no object behind', async () => {
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: PART, maxRetries: 2 })
  const key = `${uniquePrefix('failed-upload')}/big.bin`
  const error = await fs.writeFile(url(key), randomData(3 * PART)).catch((e: unknown) => e)
  fs.close()
  expect(error).toBeInstanceOf(Error)
  expect((error as { code: string }).code).toMatch(/^(ECONNRESET|EIO)$/)
  expect((error as Error).message).toContain(url(key))
  expect(proxy.cuts).toBeGreaterThan(0)

  await expectNoMultipartUploads(key)
  const client = reference()
  await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' })
  client.destroy()
})
