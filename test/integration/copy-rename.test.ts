import { afterAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { startTcpProxy } from '../server/tcp-proxy.js'
import { expectNoMultipartUploads, randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB, multipartCopyThreshold: MiB, copyPartSize: 5 * MiB })
afterAll(() => fs.close())

describe('copyFile', () => {
  test('copies server-side below the threshold', async () => {
    const dir = uniquePrefix('copy')
    const data = randomData(1000)
    await fs.writeFile(url(`${dir}/src`), data)
    await fs.copyFile(url(`${dir}/src`), url(`${dir}/dst`))
    expect((await fs.readFile(url(`${dir}/dst`))).equals(data)).toBe(true)
    expect((await fs.readFile(url(`${dir}/src`))).equals(data)).toBe(true)
  })

  test('copies above the threshold as a multipart copy, parts in parallel', async () => {
    const dir = uniquePrefix('copy')
    const data = randomData(12 * MiB + 3)
    await fs.writeFile(url(`${dir}/big`), data)
    const proxy = await startTcpProxy(server.port)
    const viaProxy = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), multipartCopyThreshold: MiB, copyPartSize: 5 * MiB })
    await viaProxy.copyFile(url(`${dir}/big`), url(`${dir}/copy`))
    const partCopies = proxy.requests.filter((r) => r.startsWith('PUT') && r.includes('partNumber='))
    viaProxy.close()
    await proxy.close()
    expect(partCopies).toHaveLength(3)
    expect((await fs.readFile(url(`${dir}/copy`))).equals(data)).toBe(true)
  })

  test('a missing source is ENOENT and leaves no multipart upload', async () => {
    const dir = uniquePrefix('copy')
    await expect(fs.copyFile(url(`${dir}/none`), url(`${dir}/dst`))).rejects.toMatchObject({ code: 'ENOENT' })
    await expectNoMultipartUploads(`${dir}/dst`)
  })
})

describe('rename', () => {
  test('moves a file', async () => {
    const dir = uniquePrefix('rename')
    await fs.writeFile(url(`${dir}/a`), 'content')
    await fs.rename(url(`${dir}/a`), url(`${dir}/b`))
    expect(await fs.exists(url(`${dir}/a`))).toBe(false)
    expect((await fs.readFile(url(`${dir}/b`))).toString()).toBe('content')
  })

  test('moves a directory: every key under the prefix, nested ones too', async () => {
    const dir = uniquePrefix('rename')
    const names = Array.from({ length: 30 }, (_, i) => `${i % 3 === 0 ? 'nested/' : ''}f${i}`)
    await Promise.all(names.map((n) => fs.writeFile(url(`${dir}/src/${n}`), n)))
    await fs.mkdir(url(`${dir}/src/empty`))
    await fs.rename(url(`${dir}/src`), url(`${dir}/dst`))
    expect(await fs.exists(url(`${dir}/src`))).toBe(false)
    for (const n of names) expect((await fs.readFile(url(`${dir}/dst/${n}`))).toString()).toBe(n)
    expect((await fs.stat(url(`${dir}/dst/empty`))).isDirectory()).toBe(true)
  })

  test('refuses to move a directory into itself', async () => {
    const dir = uniquePrefix('rename')
    await fs.writeFile(url(`${dir}/src/f`), 'x')
    await expect(fs.rename(url(`${dir}/src`), url(`${dir}/src/inner`))).rejects.toMatchObject({ code: 'EINVAL' })
  })

  test('a missing source is ENOENT', async () => {
    await expect(fs.rename(url(`${uniquePrefix('rename')}/none`), url('x'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('appendFile', () => {
  test('creates, then appends to a small object', async () => {
    const key = `${uniquePrefix('append')}/log`
    await fs.appendFile(url(key), 'one\n')
    await fs.appendFile(url(key), 'two\n')
    expect((await fs.readFile(url(key))).toString()).toBe('one\ntwo\n')
  })

  test('appends to an object of 5 MiB or more without downloading it (server-side part copy)', async () => {
    const key = `${uniquePrefix('append')}/big`
    const head = randomData(6 * MiB)
    const tail = randomData(7 * MiB)
    await fs.writeFile(url(key), head)
    const proxy = await startTcpProxy(server.port)
    const viaProxy = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: 5 * MiB })
    await viaProxy.appendFile(url(key), tail)
    const gets = proxy.requests.filter((r) => r.startsWith('GET') && !r.includes('uploads'))
    viaProxy.close()
    await proxy.close()
    expect(gets).toEqual([])
    expect((await fs.readFile(url(key))).equals(Buffer.concat([head, tail]))).toBe(true)
  })
})

describe('cp', () => {
  test('copies a tree server-side with { recursive }, reporting each file; a directory without it is EISDIR', async () => {
    const dir = uniquePrefix('cp')
    const files: Record<string, Buffer> = { 'a.bin': randomData(2 * MiB), 'x/b.bin': randomData(100), 'x/y/c.bin': randomData(10) }
    await Promise.all(Object.entries(files).map(([name, data]) => fs.writeFile(url(`${dir}/src/${name}`), data)))
    await expect(fs.cp(url(`${dir}/src`), url(`${dir}/dst`))).rejects.toMatchObject({ code: 'EISDIR' })
    const progress: number[] = []
    const summary = await fs.cp(url(`${dir}/src`), url(`${dir}/dst`), { recursive: true, concurrency: 2, onProgress: (p) => progress.push(p.bytesDone) })
    expect(summary).toEqual({ files: 3, skipped: 0, bytes: 2 * MiB + 110 })
    expect(progress).toHaveLength(3)
    expect(progress.at(-1)).toBe(2 * MiB + 110)
    for (const [name, data] of Object.entries(files)) expect((await fs.readFile(url(`${dir}/dst/${name}`))).equals(data)).toBe(true)
    expect(await fs.readdir(url(`${dir}/src/x`))).toEqual(['b.bin', 'y'])
    await expect(fs.cp(url(`${dir}/src`), url(`${dir}/src/inside`), { recursive: true })).rejects.toMatchObject({ code: 'EINVAL' })

    expect(await fs.cp(url(`${dir}/src/x/b.bin`), url(`${dir}/one.bin`))).toEqual({ files: 1, skipped: 0, bytes: 100 })
    expect((await fs.readFile(url(`${dir}/one.bin`))).equals(files['x/b.bin']!)).toBe(true)
    await expect(fs.cp(url(`${dir}/missing`), url(`${dir}/two.bin`))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
