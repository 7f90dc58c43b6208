// S3 as other servers speak it, made by the fault proxy in front of MinIO: each answer changed the
// way a real server changes it, and the filesystem must read it as S3 still.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { backendUnderTest, expectNoMultipartUploads, randomData, server, testEnv, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
let proxy: FaultProxy
beforeAll(async () => {
  proxy = await startFaultProxy(server.port)
})
afterAll(() => proxy.close())

test("moto's request id (x-amzn-requestid): a missing key is ENOENT, not a server that does not speak S3", async () => {
  proxy.setPlan({ kind: 'amzn-request-id', every: 1 })
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const base = url(uniquePrefix('moto-id'))
  try {
    await expect(fs.stat(`${base}/missing`)).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(fs.readFile(`${base}/missing`)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await fs.exists(`${base}/missing`)).toBe(false)
    await fs.mkdir(`${base}/dir`, { recursive: true })
    await fs.writeFile(`${base}/dir/file`, 'kept')
    expect((await fs.readFile(`${base}/dir/file`)).toString()).toBe('kept')
    await fs.rm(base, { recursive: true })
    await expect(fs.stat(`${base}/dir/file`)).rejects.toMatchObject({ code: 'ENOENT' })
  } finally {
    proxy.setPlan(undefined)
    fs.close()
  }
})

test("no request id at all (s3rver): a HEAD's 404 is S3's by its XML content type, so a missing key is ENOENT", async () => {
  proxy.setPlan({ kind: 'no-request-id', every: 1 })
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const base = url(uniquePrefix('no-request-id'))
  try {
    await expect(fs.stat(`${base}/missing`)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await fs.exists(`${base}/missing`)).toBe(false)
    await expect(fs.readFile(`${base}/missing`)).rejects.toMatchObject({ code: 'ENOENT' })
    await fs.writeFile(`${base}/dir/file`, 'kept')
    expect((await fs.stat(`${base}/dir`)).isDirectory()).toBe(true)
    await fs.rm(base, { recursive: true })
  } finally {
    proxy.setPlan(undefined)
    fs.close()
  }
})

test('a server without DeleteObjects (GCS answers NotImplemented): found out once, then rm -r, rmdir and directory renames delete key by key', async () => {
  proxy.setPlan({ kind: 'refuse-batch-delete', every: 1 })
  const refusedBefore = proxy.faults
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const base = url(uniquePrefix('no-batch-delete'))
  try {
    await fs.mkdir(`${base}/tree/sub`, { recursive: true })
    await Promise.all(Array.from({ length: 30 }, (_, i) => fs.writeFile(`${base}/tree/sub/${i}`, `${i}`)))
    await fs.rename(`${base}/tree`, `${base}/moved`)
    expect(await fs.exists(`${base}/tree/sub/0`)).toBe(false)
    expect((await fs.readdir(`${base}/moved/sub`)).length).toBe(30)
    await fs.mkdir(`${base}/empty`)
    await fs.rmdir(`${base}/empty`)
    await fs.rm(base, { recursive: true })
    expect(await fs.readdir(base).catch((e: { code: string }) => e.code)).toBe('ENOENT')
  } finally {
    proxy.setPlan(undefined)
    fs.close()
  }
  expect(proxy.faults - refusedBefore).toBe(1)
})

test('a server without ListParts (s3rver answers 405): multipart writes and uploads succeed, found out once, nothing left behind', async () => {
  proxy.setPlan({ kind: 'refuse-list-parts', every: 1 })
  const refusedBefore = proxy.faults
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: 5 * MiB })
  const prefix = uniquePrefix('no-list-parts')
  const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-no-list-parts-'))
  try {
    const first = randomData(12 * MiB + 5)
    await fs.writeFile(url(`${prefix}/first`), first)
    const file = path.join(local, 'second')
    const second = randomData(11 * MiB)
    writeFileSync(file, second)
    const progress: number[] = []
    await fs.upload(file, url(`${prefix}/second`), { onProgress: (p) => progress.push(p.bytesDone) })
    const third = randomData(6 * MiB)
    await fs.writeFile(url(`${prefix}/third`), third)
    expect((await fs.readFile(url(`${prefix}/first`))).equals(first)).toBe(true)
    expect((await fs.readFile(url(`${prefix}/second`))).equals(second)).toBe(true)
    expect((await fs.readFile(url(`${prefix}/third`))).equals(third)).toBe(true)
    expect(progress.at(-1)).toBe(second.length)
    await expectNoMultipartUploads(prefix)
  } finally {
    proxy.setPlan(undefined)
    fs.close()
    rmSync(local, { recursive: true, force: true })
  }
  // The native engine takes over an upload by listing its parts; the JS backend never lists them.
  expect(proxy.faults - refusedBefore).toBe(backendUnderTest === 'native' ? 1 : 0)
})

test("a server that cannot copy a dir/ marker (SeaweedFS answers NoSuchKey): a directory rename writes the marker anew and moves everything", async () => {
  proxy.setPlan({ kind: 'uncopyable-markers', every: 1 })
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const base = url(uniquePrefix('markers'))
  try {
    await fs.mkdir(`${base}/dir/sub/empty`, { recursive: true })
    await fs.writeFile(`${base}/dir/sub/file`, 'moved')
    await fs.rename(`${base}/dir`, `${base}/moved`)
    expect((await fs.stat(`${base}/moved/sub/empty`)).isDirectory()).toBe(true)
    expect((await fs.readFile(`${base}/moved/sub/file`)).toString()).toBe('moved')
    expect(await fs.exists(`${base}/dir`)).toBe(false)
    await fs.rm(base, { recursive: true })
  } finally {
    proxy.setPlan(undefined)
    fs.close()
  }
})

test('a server that requires Content-MD5 on batch deletes: every backend sends it', async () => {
  proxy.setPlan({ kind: 'require-batch-delete-md5', every: 1 })
  const refusedBefore = proxy.faults
  const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const base = url(uniquePrefix('delete-md5'))
  try {
    await Promise.all(Array.from({ length: 5 }, (_, i) => fs.writeFile(`${base}/${i}`, `${i}`)))
    await fs.rm(base, { recursive: true })
    expect(await fs.readdir(base).catch((e: { code: string }) => e.code)).toBe('ENOENT')
  } finally {
    proxy.setPlan(undefined)
    fs.close()
  }
  expect(proxy.faults - refusedBefore).toBe(0)
})
