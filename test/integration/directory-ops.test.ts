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

test('readdir withFileTypes tells files from directories', async () => {
  const dir = uniquePrefix('dirent')
  await fs.writeFile(url(`${dir}/file`), 'x')
  await fs.mkdir(url(`${dir}/sub`))
  const entries = await fs.readdir(url(dir), { withFileTypes: true })
  expect(entries.map((e) => [e.name, e.isDirectory(), e.isFile()])).toEqual([
    ['file', false, true],
    ['sub', true, false],
  ])
})
