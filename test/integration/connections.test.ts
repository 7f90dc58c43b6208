import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy, type TcpProxy } from '../server/tcp-proxy.js'
import { randomData, server, testEnv, uniquePrefix, url } from '../helpers.js'

let proxy: TcpProxy
beforeAll(async () => {
  proxy = await startTcpProxy(server.port)
})
afterAll(() => proxy.close())

test('1000 sequential stats reuse kept-alive connections', async () => {
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const key = `${uniquePrefix('conn')}/object`
  await fs.writeFile(url(key), randomData(100))
  const before = proxy.connections
  for (let i = 0; i < 1000; i++) await fs.stat(url(key))
  const opened = proxy.connections - before
  fs.close()
  console.log(`connections opened for 1000 sequential stats: ${opened}`)
  expect(opened).toBeLessThanOrEqual(10)
})
