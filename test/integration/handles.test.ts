import { ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, test } from 'vitest'

import { type ReadHandle, S3FileSystem, type WriteHandle } from '../../lib/index.js'
import { startTcpProxy } from '../server/tcp-proxy.js'
import { BUCKET, detachedView, eventually, expectNoMultipartUploads, randomData, reference, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB, readAheadBytes: 8 * MiB, readAheadChunkBytes: MiB })
const client = reference()
afterAll(() => {
  fs.close()
  client.destroy()
})

async function uploadsUnder(prefix: string) {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))
  return uploads.Uploads ?? []
}

describe('read handle', () => {
  test('sequential reads come back whole and in order, fetched ahead in chunks', async () => {
    const key = `${uniquePrefix('rh')}/seq`
    const data = randomData(10 * MiB + 123)
    await fs.writeFile(url(key), data)
    const proxy = await startTcpProxy(server.port)
    const viaProxy = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), readAheadBytes: 4 * MiB, readAheadChunkBytes: MiB })
    const handle = await viaProxy.open(url(key))
    expect(handle.stat()).toMatchObject({ size: data.length, isDirectory: false })
    const out = Buffer.alloc(data.length)
    let position = 0
    while (true) {
      const { bytesRead: n } = await handle.read(out, position, Math.min(100_000, out.length - position), position)
      if (n === 0) break
      position += n
    }
    await handle.close()
    viaProxy.close()
    await proxy.close()
    expect(position).toBe(data.length)
    expect(out.equals(data)).toBe(true)
    const ranged = proxy.requests.filter((r) => r.startsWith('GET'))
    // 11 one-MiB chunks, not one request per 100 KB read.
    expect(ranged.length).toBeLessThanOrEqual(12)
  })

  test('random reads fetch just their range', async () => {
    const key = `${uniquePrefix('rh')}/random`
    const data = randomData(3 * MiB)
    await fs.writeFile(url(key), data)
    const handle = await fs.open(url(key))
    for (const position of [2 * MiB, 17, MiB + 5, 3 * MiB - 10]) {
      const buffer = Buffer.alloc(4096)
      const { bytesRead: n } = await handle.read(buffer, 0, 4096, position)
      expect(n).toBe(Math.min(4096, data.length - position))
      expect(buffer.subarray(0, n).equals(data.subarray(position, position + n))).toBe(true)
    }
    expect((await handle.read(Buffer.alloc(10), 0, 10, 3 * MiB)).bytesRead).toBe(0)
    await handle.close()
    await expect(handle.read(Buffer.alloc(1), 0, 1, 0)).rejects.toMatchObject({ code: 'EBADF' })
  })

  test('NaN, fractions, infinities and negatives as offset, length or position are refused, never read', async () => {
    const key = `${uniquePrefix('rh')}/numbers`
    await fs.writeFile(url(key), randomData(4096))
    const handle = await fs.open(url(key))
    const bad = [NaN, -1, 1.5, Infinity, -Infinity, 2 ** 53]
    for (const value of bad) {
      const cases: Array<[number, number, number]> = [[value, 1, 1], [0, value, 1], [0, 1, value]]
      for (const [offset, length, position] of cases) {
        await expect(handle.read(Buffer.alloc(16), offset, length, position)).rejects.toMatchObject({ code: 'EINVAL' })
        await expect(fs.read(url(key), Buffer.alloc(16), offset, length, position)).rejects.toMatchObject({ code: 'EINVAL' })
      }
    }
    expect((await handle.read(Buffer.alloc(16), 0, 16, 0)).bytesRead).toBe(16)
    await handle.close()
  })

  test('is pinned to the version seen at open: an overwrite between reads gives ESTALE', async () => {
    const key = `${uniquePrefix('rh')}/pinned`
    await fs.writeFile(url(key), randomData(2 * MiB))
    const handle = await fs.open(url(key))
    await handle.read(Buffer.alloc(1000), 0, 1000, MiB)
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomData(2 * MiB) }))
    await expect(handle.read(Buffer.alloc(1000), 0, 1000, 5000)).rejects.toMatchObject({ code: 'ESTALE' })
    await handle.close()
  })

  test("read() is shaped like FileHandle.read: { bytesRead, buffer }, any ArrayBufferView, options, a position of its own", async () => {
    const key = `${uniquePrefix('rh')}/shape`
    const data = randomData(1000)
    await fs.writeFile(url(key), data)
    const handle = await fs.open(url(key))
    const words = new Uint16Array(10)
    const read = await handle.read(words, 0, 20, 100)
    expect(read.bytesRead).toBe(20)
    expect(read.buffer).toBe(words)
    expect(Buffer.from(words.buffer).equals(data.subarray(100, 120))).toBe(true)
    const view = new DataView(new ArrayBuffer(8))
    expect((await handle.read(view, { position: 992 })).bytesRead).toBe(8)
    expect(Buffer.from(view.buffer).equals(data.subarray(992))).toBe(true)
    // Without a position, reads go on from where the previous such read stopped, as on a file.
    const first = Buffer.alloc(600)
    const second = Buffer.alloc(600)
    expect((await handle.read(first)).bytesRead).toBe(600)
    expect((await handle.read(second, { offset: 0, length: 600, position: null })).bytesRead).toBe(400)
    expect(Buffer.concat([first, second.subarray(0, 400)]).equals(data)).toBe(true)
    await expect(handle.read('not a buffer' as unknown as Buffer)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    await handle.close()
  })

  test('await using closes a read handle at the end of its scope, and aborts an unclosed write handle', async () => {
    const key = `${uniquePrefix('rh')}/disposed`
    await fs.writeFile(url(key), 'abc')
    let kept: ReadHandle | undefined
    {
      await using handle = await fs.open(url(key))
      kept = handle
      expect((await handle.read(Buffer.alloc(3))).bytesRead).toBe(3)
    }
    await expect(kept.read(Buffer.alloc(1))).rejects.toMatchObject({ code: 'EBADF' })

    const written = `${uniquePrefix('rh')}/unclosed`
    {
      await using writer = await fs.open(url(written), 'w')
      await writer.write(randomData(6 * MiB))
    }
    expect(await fs.exists(url(written))).toBe(false)
    await expectNoMultipartUploads(written)
    const committed = `${uniquePrefix('rh')}/closed`
    {
      await using writer = await fs.open(url(committed), 'w')
      await writer.write('kept')
      await writer.close()
    }
    expect(await fs.readFile(url(committed), 'utf8')).toBe('kept')
  })

  test('of a directory is EISDIR, of a missing key ENOENT', async () => {
    const dir = uniquePrefix('rh')
    await fs.writeFile(url(`${dir}/sub/f`), 'x')
    await expect(fs.open(url(`${dir}/sub`))).rejects.toMatchObject({ code: 'EISDIR' })
    await expect(fs.open(url(`${dir}/none`))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('write handle', () => {
  test('streams parts as they fill; the object appears whole at close', async () => {
    const key = `${uniquePrefix('wh')}/streamed`
    const data = randomData(17 * MiB + 11)
    const handle = await fs.open(url(key), 'w')
    for (let at = 0; at < data.length; at += 777_777) await handle.write(data.subarray(at, at + 777_777))
    expect(await fs.exists(url(key))).toBe(false)
    await handle.close()
    expect((await fs.readFile(url(key))).equals(data)).toBe(true)
    await expectNoMultipartUploads(key)
  })

  test('a small file is a single PUT at close', async () => {
    const key = `${uniquePrefix('wh')}/small`
    const handle = await fs.open(url(key), 'w')
    await handle.write('hello ')
    await handle.write('world')
    await handle.close()
    expect((await fs.readFile(url(key))).toString()).toBe('hello world')
  })

  test('abort() mid-upload leaves no multipart upload and no object', async () => {
    const key = `${uniquePrefix('wh')}/aborted`
    const handle = await fs.open(url(key), 'w')
    await handle.write(randomData(12 * MiB))
    await eventually(async () => expect((await uploadsUnder(key)).length).toBe(1))
    await handle.abort()
    await expectNoMultipartUploads(key)
    expect(await fs.exists(url(key))).toBe(false)
    await expect(handle.write('more')).rejects.toMatchObject({ code: 'EBADF' })
  })

  test('a handle collected unclosed aborts its upload', async () => {
    const gc = (globalThis as { gc?: () => void }).gc
    expect(gc, 'tests run with --expose-gc').toBeTypeOf('function')
    const key = `${uniquePrefix('wh')}/forgotten`
    await (async () => {
      const handle: WriteHandle = await fs.open(url(key), 'w')
      await handle.write(randomData(11 * MiB))
    })()
    await eventually(async () => expect((await uploadsUnder(key)).length).toBe(1))
    for (let i = 0; i < 50 && (await uploadsUnder(key)).length > 0; i++) {
      gc!()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await uploadsUnder(key)).toEqual([])
    expect(await fs.exists(url(key))).toBe(false)
  })
})

describe('buffers and positions as a careless caller passes them', () => {
  test('a view whose memory was transferred is ERR_INVALID_ARG_VALUE for writeFile, a write handle and a read handle; nothing is written', async () => {
    const key = url(`${uniquePrefix('detached')}/object`)
    await expect(fs.writeFile(key, detachedView())).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
    expect(await fs.exists(key)).toBe(false)
    const writer = (await fs.open(key, 'w')) as WriteHandle
    await expect(writer.write(detachedView())).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    await writer.abort()
    expect(await fs.exists(key)).toBe(false)
    await fs.writeFile(key, 'data')
    const reader = (await fs.open(key)) as ReadHandle
    await expect(reader.read(detachedView(), 0, 0, 0)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    await reader.close()
  })

  test('bigint positions read as numbers do, as node:fs takes them; beyond 2^53 or negative they are EINVAL', async () => {
    const key = url(`${uniquePrefix('bigint')}/object`)
    await fs.writeFile(key, '0123456789')
    const buffer = Buffer.alloc(4)
    expect(await fs.read(key, buffer, 0, 4, 3n)).toBe(4)
    expect(buffer.toString()).toBe('3456')
    expect(await fs.read(key, buffer, 0, 4, 2n ** 32n)).toBe(0)
    expect(await fs.read(key, buffer, 0, 4, 2 ** 32)).toBe(0)
    await expect(fs.read(key, buffer, 0, 4, 2n ** 60n)).rejects.toMatchObject({ code: 'EINVAL', message: expect.stringContaining(`got ${2n ** 60n}n`) })
    await expect(fs.read(key, buffer, 0, 4, -1n)).rejects.toMatchObject({ code: 'EINVAL' })
    const reader = (await fs.open(key)) as ReadHandle
    expect((await reader.read(buffer, 0, 2, 8n)).bytesRead).toBe(2)
    expect(buffer.subarray(0, 2).toString()).toBe('89')
    await reader.close()
  })
})
