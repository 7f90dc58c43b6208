import type http from 'node:http'

import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, test } from 'vitest'

import { type RenameFailure, S3FileSystem } from '../../lib/index.js'
import { type FaultPlan, startFaultProxy } from '../server/fault-proxy.js'
import { startTcpProxy } from '../server/tcp-proxy.js'
import { BUCKET, eventually, expectNoMultipartUploads, randomData, reference, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

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

describe('a directory rename that fails is never left split', () => {
  const keysUnder = async (prefix: string): Promise<string[]> => {
    const client = reference()
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }))
      return (listed.Contents ?? []).map((object) => object.Key!.slice(prefix.length + 1)).sort()
    } finally {
      client.destroy()
    }
  }
  const tree = Array.from({ length: 20 }, (_, i) => `d${i % 4}/k${String(i).padStart(2, '0')}`).sort()

  async function renameThrough(plan: FaultPlan, options: { signal?: AbortSignal } = {}): Promise<{ dir: string; error: RenameFailure | undefined; faults: number }> {
    const dir = uniquePrefix('rename-fails')
    await Promise.all(tree.map((key) => fs.writeFile(url(`${dir}/src/${key}`), key)))
    const proxy = await startFaultProxy(server.port)
    const viaProxy = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
    try {
      proxy.setPlan(plan)
      const error = await viaProxy.rename(url(`${dir}/src`), url(`${dir}/dst`), options).then(
        () => undefined,
        (e: unknown) => e as RenameFailure,
      )
      return { dir, error, faults: proxy.faults }
    } finally {
      viaProxy.close()
      await proxy.close()
    }
  }
  const copyOf = (key: string) => (method: string, _url: string, headers: http.IncomingHttpHeaders) =>
    method === 'PUT' && decodeURIComponent(String(headers['x-amz-copy-source'] ?? '')).endsWith(`/src/${key}`)

  test('a key that cannot be copied: the copies made are removed again, and the source is whole (rolled back)', async () => {
    const { dir, error } = await renameThrough({ kind: 'access-denied', every: 1, matches: copyOf('d3/k07') })
    expect(error).toMatchObject({ code: 'EACCES', moved: [], notMoved: tree.map((key) => `${dir}/src/${key}`) })
    expect(error!.message).toContain('nothing moved')
    expect(await keysUnder(`${dir}/src`)).toEqual(tree)
    expect(await keysUnder(`${dir}/dst`)).toEqual([])
  })

  test('aborted while copying: rolled back too, ABORT_ERR', async () => {
    const controller = new AbortController()
    const copies = (method: string, _url: string, headers: http.IncomingHttpHeaders): boolean => method === 'PUT' && headers['x-amz-copy-source'] !== undefined
    setTimeout(() => controller.abort(), 300)
    const { dir, error } = await renameThrough({ kind: 'latency', every: 1, latencyMs: 250, matches: copies }, { signal: controller.signal })
    expect(error).toMatchObject({ code: 'ABORT_ERR', moved: [] })
    expect(await keysUnder(`${dir}/src`)).toEqual(tree)
    await eventually(async () => expect(await keysUnder(`${dir}/dst`)).toEqual([]))
  })

  test('a batch delete refused once: tried again, and the rename finishes', async () => {
    let refused = false
    const firstBatchDelete = (method: string, requestUrl: string): boolean => method === 'POST' && /[?&]delete/.test(requestUrl) && !refused && (refused = true)
    const { dir, error, faults } = await renameThrough({ kind: 'access-denied', every: 1, matches: firstBatchDelete })
    expect(error).toBeUndefined()
    expect(faults).toBe(1)
    expect(await keysUnder(`${dir}/src`)).toEqual([])
    expect(await keysUnder(`${dir}/dst`)).toEqual(tree)
  })

  test('sources that cannot be deleted: every key is at the target, and the error says which are still at the source too (finished)', async () => {
    const deletes = (method: string, requestUrl: string): boolean => (method === 'POST' && /[?&]delete/.test(requestUrl)) || method === 'DELETE'
    const { dir, error } = await renameThrough({ kind: 'access-denied', every: 1, matches: deletes })
    expect(error).toMatchObject({ code: 'EACCES', moved: [], notMoved: tree.map((key) => `${dir}/src/${key}`) })
    expect(error!.message).toContain('every key was copied')
    expect(await keysUnder(`${dir}/dst`)).toEqual(tree)
    for (const key of tree) expect(await fs.readFile(url(`${dir}/dst/${key}`), 'utf8')).toBe(key)
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
