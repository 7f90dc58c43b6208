import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy, type TcpProxy } from '../server/tcp-proxy.js'
import { randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

let proxy: TcpProxy
beforeAll(async () => {
  proxy = await startTcpProxy(server.port, { stallResponses: true })
})
afterAll(() => proxy.close())

test('a stalled server response ends in ETIMEDOUT (S3_REQUEST_TIMEOUT_MSEC)', async () => {
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint, S3_REQUEST_TIMEOUT_MSEC: '1000' }), maxRetries: 1 })
  const started = Date.now()
  const error = await fs.stat(url('stalled')).catch((e: unknown) => e)
  const elapsed = Date.now() - started
  fs.close()
  expect(error).toMatchObject({ code: 'ETIMEDOUT', url: url('stalled') })
  expect(elapsed).toBeLessThan(15_000)
})

test('a parallel download whose part responses stall ends in ETIMEDOUT too', async () => {
  const key = `${uniquePrefix('stall')}/big`
  const writer = testFs()
  await writer.writeFile(url(key), randomData(20 * 1024 * 1024))
  writer.close()
  // HEADs answer; every GET's response stalls, on whichever connection it goes.
  const partStaller = await startTcpProxy(server.port, { stallGets: true })
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: partStaller.endpoint, S3_REQUEST_TIMEOUT_MSEC: '1000' }), maxRetries: 1 })
  const error = await fs.readFile(url(key)).then(
    (data) => new Error(`read ${data.length} bytes through a stalling proxy`),
    (e: unknown) => e,
  )
  fs.close()
  await partStaller.close()
  expect(error).toMatchObject({ code: 'ETIMEDOUT' })
})
