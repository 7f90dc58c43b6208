import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, test } from 'vitest'

import { BUCKET, reference, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const client = reference()
afterAll(() => {
  fs.close()
  client.destroy()
})

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
    keys.push(...(page.Contents ?? []).map((c) => c.Key!))
    token = page.NextContinuationToken
  } while (token)
  return keys
}

describe('mkdir', () => {
  test('writes the dir/ marker; the directory then stats and lists', async () => {
    const dir = uniquePrefix('mkdir')
    await fs.mkdir(url(dir))
    expect(await keysUnder(dir)).toEqual([`${dir}/`])
    expect((await fs.stat(url(dir))).isDirectory()).toBe(true)
    expect(await fs.readdir(url(dir))).toEqual([])
  })
  test('non-recursive: EEXIST on an existing path, ENOENT without a parent', async () => {
    const dir = uniquePrefix('mkdir')
    await fs.mkdir(url(dir))
    await expect(fs.mkdir(url(dir))).rejects.toMatchObject({ code: 'EEXIST' })
    await expect(fs.mkdir(url(`${dir}/a/b`))).rejects.toMatchObject({ code: 'ENOENT' })
    await fs.writeFile(url(`${dir}/file`), 'x')
    await expect(fs.mkdir(url(`${dir}/file`), { recursive: true })).rejects.toMatchObject({ code: 'EEXIST' })
    await expect(fs.mkdir(url(`${dir}/file/sub`))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })
  test('recursive: creates the leaf, succeeds when it exists', async () => {
    const dir = uniquePrefix('mkdir')
    await fs.mkdir(url(`${dir}/a/b/c`), { recursive: true })
    await fs.mkdir(url(`${dir}/a/b/c`), { recursive: true })
    expect((await fs.stat(url(`${dir}/a/b`))).isDirectory()).toBe(true)
  })
  test('on a bucket root checks that the bucket exists', async () => {
    await expect(fs.mkdir(`s3://${BUCKET}`, { recursive: true })).resolves.toBeUndefined()
    await expect(fs.mkdir(`s3://${BUCKET}`)).rejects.toMatchObject({ code: 'EEXIST' })
    await expect(fs.mkdir('s3://no-such-bucket-s3fs', { recursive: true })).rejects.toMatchObject({ code: 'ENOENT', s3Code: 'NoSuchBucket' })
  })
})

describe('rmdir', () => {
  test('removes an empty directory, refuses a non-empty one', async () => {
    const dir = uniquePrefix('rmdir')
    await fs.mkdir(url(dir))
    await fs.writeFile(url(`${dir}/child`), 'x')
    await expect(fs.rmdir(url(dir))).rejects.toMatchObject({ code: 'ENOTEMPTY' })
    await fs.rm(url(`${dir}/child`))
    await fs.rmdir(url(dir))
    expect(await fs.exists(url(dir))).toBe(false)
  })
  test('ENOENT for a missing path, ENOTDIR for a file', async () => {
    const dir = uniquePrefix('rmdir')
    await expect(fs.rmdir(url(dir))).rejects.toMatchObject({ code: 'ENOENT' })
    await fs.writeFile(url(`${dir}/file`), 'x')
    await expect(fs.rmdir(url(`${dir}/file`))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })
})

describe('rm recursive', () => {
  test('deletes every key under the prefix in batches of 1000, and nothing beside it', async () => {
    const dir = uniquePrefix('rmtree')
    const keys = Array.from({ length: 1100 }, (_, i) => `${dir}/tree/${i % 7}/${i}`)
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((Key) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }))))
    }
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${dir}/tree-sibling`, Body: 'keep' }))
    await fs.rm(url(`${dir}/tree`), { recursive: true })
    expect(await keysUnder(`${dir}/tree/`)).toEqual([])
    expect(await keysUnder(dir)).toEqual([`${dir}/tree-sibling`])
  })
  test('removes a single object too, and a missing path is ENOENT unless forced', async () => {
    const dir = uniquePrefix('rmtree')
    await fs.writeFile(url(`${dir}/one`), 'x')
    await fs.rm(url(`${dir}/one`), { recursive: true })
    expect(await fs.exists(url(`${dir}/one`))).toBe(false)
    await expect(fs.rm(url(`${dir}/none`), { recursive: true })).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(fs.rm(url(`${dir}/none`), { recursive: true, force: true })).resolves.toBeUndefined()
  })
})

test('readdir withFileTypes tells files from directories, with the listed size and time of files', async () => {
  const dir = uniquePrefix('dirent')
  const before = Date.now()
  await fs.writeFile(url(`${dir}/file`), 'xyz')
  await fs.mkdir(url(`${dir}/sub`))
  const entries = await fs.readdir(url(dir), { withFileTypes: true })
  expect(entries.map((e) => [e.name, e.isDirectory(), e.isFile(), e.size])).toEqual([
    ['file', false, true, 3],
    ['sub', true, false, undefined],
  ])
  const file = entries[0]!
  expect(file.mtime).toBeInstanceOf(Date)
  // A listing gives milliseconds where HEAD's Last-Modified gives seconds.
  expect(Math.abs(file.mtimeMs! - (await fs.stat(url(`${dir}/file`))).mtimeMs)).toBeLessThan(1000)
  expect(file.mtimeMs!).toBeGreaterThan(before - 2000)
  expect(entries[1]!.mtime).toBeUndefined()
})

test('list() pages lazily: entries with size, time and ETag, a directory level or the whole tree', async () => {
  const dir = uniquePrefix('list')
  await Promise.all(Array.from({ length: 1005 }, (_, i) => fs.writeFile(url(`${dir}/many/${String(i).padStart(4, '0')}`), 'x')))
  await fs.writeFile(url(`${dir}/top.bin`), 'abcd')
  const level = []
  for await (const entry of fs.list(url(dir))) level.push([entry.name, entry.isDirectory(), entry.size])
  expect(level).toEqual([
    ['many', true, 0],
    ['top.bin', false, 4],
  ])
  let count = 0
  for await (const entry of fs.list(url(`${dir}/`), { recursive: true })) {
    if (count === 0) expect(entry).toMatchObject({ name: 'many/0000', size: 1, url: url(`${dir}/many/0000`), etag: expect.any(String) })
    count++
  }
  expect(count).toBe(1006)
  // Lazy: breaking off after the first entry lists one page only, and stops cleanly.
  for await (const entry of fs.list(url(dir), { recursive: true })) {
    expect(entry.name).toBe('many/0000')
    break
  }
})
