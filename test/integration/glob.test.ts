import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy, type TcpProxy } from '../server/tcp-proxy.js'
import { BUCKET, reference, server, testEnv, uniquePrefix, url } from '../helpers.js'

const root = uniquePrefix('glob')
let proxy: TcpProxy
let fs: S3FileSystem

const files = [
  'data/2024-01/part-0.tfrecord',
  'data/2024-01/part-1.tfrecord',
  'data/2024-01/part-1.index',
  'data/2024-02/part-0.tfrecord',
  'data/2023-12/part-0.tfrecord',
  'data/2024-03/nested/part-9.tfrecord',
  'logs/a.txt',
  'logs/b.txt',
  'logs/ab.txt',
]

beforeAll(async () => {
  const client = reference()
  for (const key of files) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${root}/${key}`, Body: 'x' }))
  // Many unrelated keys: a glob that listed the whole bucket or prefix would page through them.
  const noise = Array.from({ length: 300 }, (_, i) => `${root}/data/other-${i}`)
  for (let i = 0; i < noise.length; i += 50) {
    await Promise.all(noise.slice(i, i + 50).map((Key) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }))))
  }
  client.destroy()
  proxy = await startTcpProxy(server.port)
  fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
})
afterAll(async () => {
  fs.close()
  await proxy.close()
})

const expected = (...keys: string[]) => keys.map((k) => url(`${root}/${k}`)).sort()

describe('glob', () => {
  test('* and ? and [...] within a segment', async () => {
    expect(await fs.glob(url(`${root}/data/2024-*/part-*.tfrecord`))).toEqual(
      expected('data/2024-01/part-0.tfrecord', 'data/2024-01/part-1.tfrecord', 'data/2024-02/part-0.tfrecord'),
    )
    expect(await fs.glob(url(`${root}/logs/?.txt`))).toEqual(expected('logs/a.txt', 'logs/b.txt'))
    expect(await fs.glob(url(`${root}/logs/[a-b].txt`))).toEqual(expected('logs/a.txt', 'logs/b.txt'))
    expect(await fs.glob(url(`${root}/logs/[!a].txt`))).toEqual(expected('logs/b.txt'))
    expect(await fs.glob(url(`${root}/data/202?-0[12]`))).toEqual(expected('data/2024-01', 'data/2024-02'))
  })

  test('** across segments', async () => {
    expect(await fs.glob(url(`${root}/data/**/part-*.tfrecord`))).toEqual(
      expected(
        'data/2023-12/part-0.tfrecord',
        'data/2024-01/part-0.tfrecord',
        'data/2024-01/part-1.tfrecord',
        'data/2024-02/part-0.tfrecord',
        'data/2024-03/nested/part-9.tfrecord',
      ),
    )
  })

  test('a literal path matches itself when it exists', async () => {
    expect(await fs.glob(url(`${root}/logs/a.txt`))).toEqual(expected('logs/a.txt'))
    expect(await fs.glob(url(`${root}/logs/none.txt`))).toEqual([])
  })

  test('lists only under the literal prefixes, never the whole bucket', async () => {
    proxy.requests.length = 0
    await fs.glob(url(`${root}/data/2024-*/part-*.tfrecord`))
    const lists = proxy.requests.filter((r) => r.includes('list-type=2'))
    // One listing of data/2024-* and one per matching month: 4 in all.
    expect(lists).toHaveLength(4)
    for (const line of lists) {
      expect(line).toMatch(/prefix=[^& ]*glob-[0-9a-f]+%2Fdata%2F2024-/)
    }
    expect(proxy.requests.some((r) => /prefix=(&| )/.test(r) || !r.includes('prefix='))).toBe(false)
  })
})
