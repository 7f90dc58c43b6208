import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startFaultProxy } from '../server/fault-proxy.js'
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

test('an answer whose promised body never comes (s3rver: a 206 with Content-Length and no bytes) ends in ETIMEDOUT, not a hang', async () => {
  const key = `${uniquePrefix('withheld')}/object`
  const writer = testFs()
  await writer.writeFile(url(key), randomData(1000))
  writer.close()
  const withholding = await startFaultProxy(server.port)
  withholding.setPlan({ kind: 'withheld-body', every: 1 })
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: withholding.endpoint, S3_REQUEST_TIMEOUT_MSEC: '1000' }), maxRetries: 1 })
  try {
    await expect(fs.readFile(url(key))).rejects.toMatchObject({ code: 'ETIMEDOUT', url: url(key) })
    const buffer = Buffer.alloc(100)
    await expect(fs.read(url(key), buffer, 0, 100, 10)).rejects.toMatchObject({ code: 'ETIMEDOUT' })
    expect(withholding.faults).toBeGreaterThanOrEqual(2)
  } finally {
    fs.close()
    await withholding.close()
  }
})

test('S3FS_OPERATION_TIMEOUT_MSEC bounds a whole call, retries included: ETIMEDOUT naming the URL, for every kind of call', async () => {
  // No request timeout: without the operation deadline, these calls would wait on the stalled server for ever.
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint, S3FS_OPERATION_TIMEOUT_MSEC: '800' }), partSize: 5 * 1024 * 1024 })
  const dir = uniquePrefix('deadline')
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['stat', () => fs.stat(url(`${dir}/a`))],
    ['readFile', () => fs.readFile(url(`${dir}/a`))],
    ['readdir', () => fs.readdir(url(`${dir}/`))],
    ['writeFile', () => fs.writeFile(url(`${dir}/small`), 'x')],
    ['writeFile', () => fs.writeFile(url(`${dir}/big`), randomData(12 * 1024 * 1024))],
    ['rename', () => fs.rename(url(`${dir}/a`), url(`${dir}/b`))],
    ['rm', () => fs.rm(url(`${dir}/`), { recursive: true })],
  ]
  try {
    for (const [op, call] of calls) {
      const error = await Promise.race([call().then(() => 'resolved', (e: unknown) => e), new Promise((resolve) => setTimeout(() => resolve('hung'), 30_000))])
      expect(error, op).toBeInstanceOf(Error)
      expect(error, op).toMatchObject({ code: 'ETIMEDOUT' })
      expect((error as Error).message).toContain('operation timeout (800 ms)')
      expect((error as Error).message).toContain(`s3://`)
    }
    // The caller's own abort still reads as ABORT_ERR.
    await expect(fs.stat(url(`${dir}/a`), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' })
  } finally {
    fs.close()
  }
})

test('close() ends round trips stalled in flight with ABORT_ERR, without waiting for any timeout', async () => {
  // Nothing but close() can end these: a request timeout far beyond the test's.
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint, S3_REQUEST_TIMEOUT_MSEC: '600000' }), maxRetries: 1 })
  const dir = uniquePrefix('close-stalled')
  const settled = Promise.allSettled([
    fs.stat(url(`${dir}/a`)),
    fs.read(url(`${dir}/b`), Buffer.alloc(4096), 0, 4096, 0),
    fs.readdir(url(`${dir}/`)),
    fs.rm(url(`${dir}/c`)),
  ])
  await new Promise((resolve) => setTimeout(resolve, 300))
  fs.close()
  for (const result of await settled) expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ABORT_ERR' } })
}, 20_000)
