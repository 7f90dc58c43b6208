import { afterAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy } from '../server/tcp-proxy.js'
import { expectNoMultipartUploads, randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB })
afterAll(() => fs.close())

test('an already aborted signal rejects at once with AbortError', async () => {
  const error = await fs.stat(url('x'), { signal: AbortSignal.abort() }).catch((e: unknown) => e)
  expect(error).toMatchObject({ code: 'ABORT_ERR', name: 'AbortError' })
  expect(error).toBeInstanceOf(Error)
})

test('aborting mid-download cancels the native transfer and rejects with ABORT_ERR', async () => {
  const key = `${uniquePrefix('cancel')}/big`
  await fs.writeFile(url(key), randomData(64 * MiB))
  // The HEAD answers; every GET stalls, so the transfer is surely in flight (and would hang) when
  // aborted.
  const proxy = await startTcpProxy(server.port, { stallGets: true })
  const slow = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const controller = new AbortController()
  const reading = slow.readFile(url(key), { signal: controller.signal })
  setTimeout(() => controller.abort(), 100)
  const started = Date.now()
  await expect(reading).rejects.toMatchObject({ code: 'ABORT_ERR', url: url(key) })
  expect(Date.now() - started).toBeLessThan(1000)
  slow.close()
  await proxy.close()
})

test('aborting mid-upload leaves no multipart upload and no object', async () => {
  const key = `${uniquePrefix('cancel')}/upload`
  const controller = new AbortController()
  const writing = fs.writeFile(url(key), randomData(60 * MiB), { signal: controller.signal })
  setTimeout(() => controller.abort(), 30)
  await expect(writing).rejects.toMatchObject({ code: 'ABORT_ERR' })
  await expectNoMultipartUploads(key)
  expect(await fs.exists(url(key))).toBe(false)
})

test('composite operations stop at the abort too', async () => {
  const dir = uniquePrefix('cancel')
  await Promise.all(Array.from({ length: 20 }, (_, i) => fs.writeFile(url(`${dir}/src/${i}`), 'x')))
  await expect(fs.rename(url(`${dir}/src`), url(`${dir}/dst`), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' })
  expect(await fs.readdir(url(`${dir}/src`))).toHaveLength(20)
})

test('thousands of concurrent calls queue within the in-flight limit and all complete', async () => {
  const limited = testFs({ maxInFlight: 16 })
  const key = `${uniquePrefix('queue')}/object`
  await limited.writeFile(url(key), 'x')
  const results = await Promise.all(Array.from({ length: 3000 }, () => limited.stat(url(key))))
  expect(results.every((st) => st.size === 1)).toBe(true)
  limited.close()
})
